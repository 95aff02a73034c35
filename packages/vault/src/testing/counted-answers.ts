/**
 * A background verifier that counts, for the tests of verifying ahead, how many signature answers
 * the apply took from it and how many it had to verify itself. Platform-free.
 */

import type { BackgroundVerifier } from "../background-verifier.ts";

export const countingAnswers = (
  verifier: BackgroundVerifier,
): {
  readonly verifier: BackgroundVerifier;
  readonly taken: { answered: number; left: number };
} => {
  const taken = { answered: 0, left: 0 };
  return {
    taken,
    verifier: {
      ...verifier,
      start: (jobs) => {
        const batch = verifier.start(jobs);
        return {
          ...batch,
          take: (index) => {
            const answer = batch.take(index);
            if (answer === undefined) taken.left++;
            else taken.answered++;
            return answer;
          },
        };
      },
    },
  };
};
