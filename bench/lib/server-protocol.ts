/** What a benchmark says to a server process it started (`server-entry.ts`), and what it hears back. */

import type { DatabaseOption } from "@keypears/server";
import type { ProfileSummary } from "./profile.ts";

/** The server process's resources so far. */
export interface ServerUsage {
  readonly rssBytes: number;
  /** The peak resident set since the process started. */
  readonly peakRssBytes: number;
  /** CPU time (user and system) since the process started, in ms. */
  readonly cpuMs: number;
}

export interface ServerEntryOptions {
  readonly domain: string;
  readonly database: DatabaseOption;
  readonly keepAliveMs?: number;
}

export type ServerRequest =
  | { readonly type: "usage" }
  | { readonly type: "profile-start" }
  | { readonly type: "profile-stop" }
  | { readonly type: "stop" };

export type ServerMessage =
  | { readonly type: "listening"; readonly url: string; readonly apiUrl: string }
  | { readonly type: "usage"; readonly usage: ServerUsage }
  | { readonly type: "profiling" }
  | { readonly type: "profile"; readonly profile: ProfileSummary }
  | { readonly type: "stopped" };
