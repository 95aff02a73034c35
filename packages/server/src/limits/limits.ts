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
  /** A pull page holds at most this many payload bytes (always at least one event). */
  readonly maxPullBytes: number;
}

/**
 * What one account may hold and use, so no single user can stall the server or fill its disk.
 * Each is a `keypears serve` option.
 */
export interface AccountQuotas {
  /** Payload bytes stored (events not pruned, and snapshots) across the account's vaults. */
  readonly maxStoredBytes: number;
  /** Events pushed per minute (a burst of five minutes' worth is allowed). */
  readonly eventsPerMinute: number;
  /** Head streams open at once. */
  readonly maxOpenStreams: number;
  /** Pushes, pulls and snapshot transfers in progress at once. */
  readonly maxConcurrentRequests: number;
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
  maxPullBytes: 4 * 1024 * 1024,
};

export const DEFAULT_ACCOUNT_QUOTAS: AccountQuotas = {
  // Ten thousand items with a long history take a few tens of MiB.
  maxStoredBytes: 256 * 1024 * 1024,
  // An import of a large vault pushes 100,000 events at once: the burst (five minutes' worth) takes it.
  eventsPerMinute: 50_000,
  maxOpenStreams: 16,
  maxConcurrentRequests: 8,
};

export const DEFAULT_RATE_LIMITS: RateLimits = {
  register: { capacity: 5, refillPerMinute: 5 },
  login: { capacity: 30, refillPerMinute: 30 },
  failedLogins: { capacity: 600, refillPerMinute: 600 },
};
