/** The requests an apply worker answers, and its replies. */

import type { ProfileSummary } from "../lib/profile.ts";

export type ApplyRequest =
  /** A run not reported: a warm-up may apply only part of the workload. */
  | { readonly kind: "warmup" }
  /** One measured run on a fresh replica. */
  | { readonly kind: "run" }
  /** A run over `share` of the workload under the CPU profiler, not timed for the table. */
  | { readonly kind: "profile"; readonly share: number };

export interface ApplyReply {
  readonly ms: number;
  readonly profile?: ProfileSummary;
}
