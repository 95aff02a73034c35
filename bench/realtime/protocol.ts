/** What device B's process (`device-b.ts`) is started with and tells the realtime benchmark. */

export interface DeviceBOptions {
  readonly home: string;
  readonly address: string;
  readonly password: string;
  readonly serverUrl: string;
}

export type DeviceBMessage =
  | { readonly type: "connection"; readonly state: "connected" | "disconnected" }
  /**
   * A sync finished: everything up to `position` is verified and applied, at `at`; it sent its
   * first request at `startedAt` (ms since the epoch, sub-millisecond).
   */
  | {
      readonly type: "synced";
      readonly position: number;
      readonly at: number;
      readonly startedAt: number;
    }
  | { readonly type: "error"; readonly message: string };
