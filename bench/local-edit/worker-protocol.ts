/** The requests a local-edit worker answers, and its replies. */

export interface EditSize {
  /** Items in the vault before the edits start. */
  readonly items: number;
  /** Edits (or inserts) per run. */
  readonly edits: number;
}

export interface EditRequest {
  readonly kind: "warmup" | "run";
  /** The bytes each limit insert writes: the vault's mean sealed event, as its warm-up measured. */
  readonly payloadBytes: number;
}

export interface EditReply {
  /** The whole run. */
  readonly ms: number;
  /** One latency per commit, when commits are one per edit. */
  readonly latencies: readonly number[];
  /** Mean size of the sealed event payloads written (KeyPears rows), for the limit's bytes. */
  readonly meanPayloadBytes?: number;
}
