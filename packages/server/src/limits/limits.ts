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
  /** Failed sign-ins (and failed credential changes) per account address. */
  readonly failedLoginsPerAddress: RateLimit;
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
  failedLoginsPerAddress: { capacity: 10, refillPerMinute: 2 },
};
