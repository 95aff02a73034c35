/**
 * The port for verifying a batch's Ed25519 signatures on another core while this thread applies
 * the batch (docs/PROTOCOL.md 16.5: every event's signature is verified, by every device).
 *
 * Why: one Ed25519 verification costs about as much as everything else applying an event does
 * (opening, merging, writing), so on one thread it halves the apply rate. A helper thread takes
 * the batch's signatures in order while this thread applies events in order; each signature is
 * claimed by exactly one of them. Nothing is trusted that was not verified: a helper's answer is
 * the same pure function, Ed25519.verify(key, message, signature), of exactly the key, message and
 * signature this thread would verify (the caller compares them), and whatever the helper has not
 * claimed when this thread reaches it is verified here.
 *
 * A browser worker has no second thread to share memory with, but WebCrypto verifies natively and
 * off the JavaScript thread, asynchronously: its verifier (`ahead-signature-verifier.ts`) answers
 * in `ahead`, which the sync client awaits for each pulled page before the synchronous apply, and
 * `start` then hands out those answers. Platforms with neither give no verifier; the vault then
 * verifies every signature on its own thread.
 */

export interface SignatureJob {
  readonly signingKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

export interface BackgroundVerifier {
  /**
   * Starts verifying `jobs` in order on another thread. An `undefined` job is left to the caller.
   * The batch must be `finish`ed (in a `finally`) so the helper stops on an abandoned batch.
   */
  readonly start: (jobs: readonly (SignatureJob | undefined)[]) => VerifyingBatch;
  /**
   * Verifies `jobs` before their batch is applied, for verifiers that can only answer
   * asynchronously; `start` then answers from what it verified. Never rejects.
   */
  readonly ahead?: (jobs: readonly (SignatureJob | undefined)[]) => Promise<void>;
}

export interface VerifyingBatch {
  /**
   * Job `index`'s result if the helper verified it (waiting while it is verifying it), or
   * `undefined` when the caller must verify it itself: the helper had not reached it (it is now
   * the caller's), it has no job, or the helper did not answer in time.
   */
  readonly take: (index: number) => boolean | undefined;
  /** Tells the helper to drop what is left of this batch. */
  readonly finish: () => void;
  /** Jobs the helper has neither answered nor left to the caller yet (for tests and measuring). */
  readonly unanswered: () => number;
}
