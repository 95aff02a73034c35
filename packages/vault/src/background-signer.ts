/**
 * The port for signing a batch of this device's events on another core while this thread seals
 * and writes them (an import: `addMany`). Every event is still signed, with the same key over the
 * same message (docs/PROTOCOL.md 16.2); only the thread that computes the signature changes.
 *
 * Why: one Ed25519 signature costs about as much as a sixth of everything else writing an
 * imported item does (its seals, encodings and statements), and the machine has a second core.
 * Ed25519 is deterministic (RFC 8032), so a signature made on the helper thread is byte for byte
 * the one this thread would make: the payloads are the same either way.
 *
 * Each message is claimed by exactly one thread: whatever the helper has not signed when this
 * thread needs it is signed here, so a helper descheduled on a loaded machine slows nothing down.
 * Platforms without threads give no signer; every event is then signed on the writing thread.
 */

export interface BackgroundSigner {
  /**
   * Starts signing `messages` in order with `signingSeed` on another thread. The batch must be
   * `finish`ed (in a `finally`): that stops the helper and wipes the seed it was handed.
   */
  readonly start: (signingSeed: Uint8Array, messages: readonly Uint8Array[]) => SigningBatch;
}

export interface SigningBatch {
  /**
   * The signature of message `index` if the helper made it, or `undefined` when the caller must
   * sign it itself (the helper had not finished it; it is now the caller's).
   */
  readonly take: (index: number) => Uint8Array | undefined;
  /** Tells the helper to drop what is left of this batch and wipes the seed it was handed. */
  readonly finish: () => void;
  /** Messages the helper has neither signed nor left to the caller yet (for tests and measuring). */
  readonly unsigned: () => number;
}
