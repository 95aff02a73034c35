/** What the server-load benchmark asks its load generator and subscriber processes, and their answers. */

export interface VaultSession {
  readonly vaultId: string;
  readonly token: string;
  /** The session's device: the signer the server's filter requires in every payload. */
  readonly deviceId: string;
}

export type LoadRequest =
  | { readonly kind: "register"; readonly apiUrl: string; readonly count: number }
  | {
      readonly kind: "push";
      readonly apiUrl: string;
      readonly vaults: readonly VaultSession[];
      readonly durationMs: number;
      /** Pushes in flight at once: the devices pushing at any moment. */
      readonly concurrency: number;
      /** Events per push. */
      readonly batch: number;
      readonly payloadBytes: number;
    };

export type LoadReply =
  | { readonly kind: "registered"; readonly vaults: readonly VaultSession[] }
  | {
      readonly kind: "pushed";
      readonly ms: number;
      /** The generator's own CPU time during the phase, in ms. */
      readonly cpuMs: number;
      readonly pushes: number;
      readonly events: number;
      readonly errors: number;
      readonly firstError: string | null;
      /** One per acknowledged push, in ms. */
      readonly latencies: readonly number[];
      /** Per vault, the highest position the server acknowledged. */
      readonly ackedByVault: Readonly<Record<string, number>>;
    };

export type SubscriberRequest =
  | {
      readonly kind: "open";
      readonly apiUrl: string;
      readonly vaults: readonly VaultSession[];
      readonly count: number;
    }
  | { readonly kind: "stats" }
  | { readonly kind: "close" };

export interface SubscriberReply {
  /** Streams open now. */
  readonly open: number;
  /** Head events received over all streams so far. */
  readonly heads: number;
  readonly failures: number;
  readonly firstFailure: string | null;
  readonly ms: number;
}
