/**
 * A background verifier for a platform that verifies asynchronously (a browser's WebCrypto):
 * `ahead` verifies a pulled page's signatures, all in flight at once, before the page is applied;
 * the apply (`batch-signatures.ts`) then takes each answer instead of verifying in JavaScript.
 *
 * Nothing is trusted that was not verified: an answer is kept with the exact key, message and
 * signature it is for, and handed out only for a job with those same bytes; anything else (a job
 * never verified ahead, a key that changed since, answers dropped) is `undefined`, and the vault
 * verifies it itself.
 */

import { bytesEqual } from "@keypears/base";
import type { AsyncSignatureCheck } from "@keypears/crypto";
import type { BackgroundVerifier, SignatureJob } from "./background-verifier.ts";

/** Answers kept for batches not applied yet; past this many (a sync that failed) they are dropped. */
const MAX_ANSWERS = 100_000;

interface Answer {
  readonly job: SignatureJob;
  readonly valid: boolean;
}

/**
 * `check` is the platform's asynchronous verification (`createWebCryptoSignatureCheck`), or
 * `undefined` where it has none: then nothing is verified ahead.
 */
export const createAheadSignatureVerifier = (
  check: Promise<AsyncSignatureCheck | undefined>,
): BackgroundVerifier => {
  const answers = new Map<string, Answer>();
  const idOf = (signature: Uint8Array) => String.fromCharCode(...signature);
  return {
    ahead: async (jobs) => {
      const verify = await check;
      if (verify === undefined) return;
      await Promise.all(
        jobs.map(async (job) => {
          if (job === undefined) return;
          const valid = await verify(job.signingKey, job.message, job.signature);
          if (answers.size >= MAX_ANSWERS) answers.clear();
          answers.set(idOf(job.signature), { job, valid });
        }),
      );
    },
    start: (jobs) => ({
      take: (index) => {
        const job = jobs[index];
        if (job === undefined) return undefined;
        const id = idOf(job.signature);
        const answer = answers.get(id);
        if (answer === undefined) return undefined;
        answers.delete(id);
        const same =
          bytesEqual(answer.job.signingKey, job.signingKey) &&
          bytesEqual(answer.job.message, job.message);
        return same ? answer.valid : undefined;
      },
      finish: () => {},
      unanswered: () => 0,
    }),
  };
};
