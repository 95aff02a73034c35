/**
 * The server's size and rate limits, with defaults for a small deployment. Tests tighten them.
 * Sizes are of decoded bytes, except `maxRequestBytes` (the raw HTTP body, base64url included).
 */

import { MAX_SEALED_EVENT_BYTES } from "@keypears/api";
import type { RateLimit } from "./rate-limiter.ts";

export interface SizeLimits {
  readonly maxRequestBytes: number;
  readonly maxEventBytes: number;
  readonly maxEventsPerPush: number;
  readonly maxSnapshotBytes: number;
}

export interface RateLimits {
  /** Registrations per client IP. */
  readonly register: RateLimit;
  /** Sign-in and pre-login attempts per client IP. */
  readonly login: RateLimit;
  /**
   * Failed sign-ins (and failed credential changes) from all clients together: a ceiling on
   * online guessing server-wide. Only failures spend it and only failures are refused by it, so
   * nobody can lock an owner out (an auth secret has 256 bits: guessing it online is hopeless).
   */
  readonly failedLogins: RateLimit;
}

export const DEFAULT_SIZE_LIMITS: SizeLimits = {
  maxRequestBytes: 8 * 1024 * 1024,
  // The protocol's limit, which every client keeps to: a server announcing less refuses some
  // clients' changes (they are set aside as rejected, and the rest syncs).
  maxEventBytes: MAX_SEALED_EVENT_BYTES,
  maxEventsPerPush: 1000,
  // A snapshot holds every item's whole history: about 3.8 MB for 10,000 items and 100,000
  // events, so leave room for vaults ten times that.
  maxSnapshotBytes: 48 * 1024 * 1024,
};

export const DEFAULT_RATE_LIMITS: RateLimits = {
  register: { capacity: 5, refillPerMinute: 5 },
  login: { capacity: 30, refillPerMinute: 30 },
  failedLogins: { capacity: 600, refillPerMinute: 600 },
};
