/** Rate limits at the edge: a refused attempt is a 429 that says how long to wait. */

import type { RateLimiter } from "../limits/rate-limiter.ts";
import { apiError } from "./api-error.ts";

const refuse = (retryAfterSeconds: number) =>
  apiError("TOO_MANY_REQUESTS", { data: { retryAfterSeconds } });

/** Spends a token of `key`, or fails with 429. */
export const spend = (limiter: RateLimiter, key: string): void => {
  const decision = limiter.take(key);
  if (!decision.allowed) throw refuse(decision.retryAfterSeconds);
};
