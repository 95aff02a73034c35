/** The requests a merge worker answers, and its replies. */

import type { RetainedMemory } from "../lib/memory.ts";

export type MergeRequest =
  /** Apply once in the fresh process, measuring retained memory; stop at the time limit. */
  | { readonly kind: "first"; readonly limitMs: number }
  /** Apply once more, timed, to a fresh replica. */
  | { readonly kind: "run" };

export interface MergeReply {
  readonly ms: number;
  /** Updates applied: all of them, unless the first run reached its time limit. */
  readonly applied: number;
  /** Present in the reply to `first`. */
  readonly memory?: RetainedMemory;
}
