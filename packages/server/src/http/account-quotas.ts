/**
 * The per-account quotas at the edge of the routes: a slot for each heavy request and each head
 * stream, a budget of events per minute, and a ceiling on stored bytes. Each refusal says which
 * quota and what to do: 429 (wait and retry) for rates and slots, 413 QUOTA_EXCEEDED for storage.
 */

import type { AccountSlots } from "../limits/account-slots.ts";
import type { AccountQuotas } from "../limits/limits.ts";
import type { RateLimiter } from "../limits/rate-limiter.ts";
import type { SqlQueryable } from "../sql/sql-client.ts";
import { storedBytes } from "../vaults/storage.ts";
import { apiError } from "./api-error.ts";

export interface AccountLimiters {
  readonly quotas: AccountQuotas;
  /** Pushes, pulls and snapshot transfers in progress. */
  readonly heavy: AccountSlots;
  readonly streams: AccountSlots;
  readonly events: RateLimiter;
}

const busy = (message: string, retryAfterSeconds = 1) =>
  apiError("TOO_MANY_REQUESTS", { message, data: { retryAfterSeconds } });

/** Runs `work` in one of the account's heavy-request slots, or fails with 429 if none is free. */
export const withHeavySlot = async <T>(
  limiters: AccountLimiters,
  accountId: string,
  work: () => Promise<T>,
): Promise<T> => {
  const release = limiters.heavy.acquire(accountId);
  if (release === undefined) {
    throw busy(
      `This account already has ${limiters.quotas.maxConcurrentRequests} pushes, pulls or snapshot transfers in progress on this server; wait for one to finish.`,
    );
  }
  try {
    return await work();
  } finally {
    release();
  }
};

/** A head-stream slot of the account (release it when the stream ends), or 429. */
export const takeStreamSlot = (limiters: AccountLimiters, accountId: string): (() => void) => {
  const release = limiters.streams.acquire(accountId);
  if (release === undefined) {
    throw busy(
      `This account already has ${limiters.quotas.maxOpenStreams} head streams open on this server; close one first.`,
      5,
    );
  }
  return release;
};

/** Spends `count` of the account's events-per-minute budget, or fails with 429. */
export const spendEvents = (limiters: AccountLimiters, accountId: string, count: number): void => {
  if (count === 0) return;
  const decision = limiters.events.take(accountId, count);
  if (!decision.allowed) {
    throw busy(
      `This account is pushing events faster than this server allows (${limiters.quotas.eventsPerMinute} a minute); the rest can go in ${decision.retryAfterSeconds} s.`,
      decision.retryAfterSeconds,
    );
  }
};

/** Fails with 413 QUOTA_EXCEEDED when `adding` more bytes would take the account past its quota. */
export const requireStorage = async (
  limiters: AccountLimiters,
  db: SqlQueryable,
  accountId: string,
  adding: number,
): Promise<void> => {
  requireStorageRoom(limiters, await storedBytes(db, accountId), adding);
};

/** `requireStorage` with the stored bytes already read (the push reads them in its preflight). */
export const requireStorageRoom = (
  limiters: AccountLimiters,
  stored: number,
  adding: number,
): void => {
  const limit = limiters.quotas.maxStoredBytes;
  if (stored + adding > limit) {
    throw apiError("QUOTA_EXCEEDED", {
      message: `This account stores ${stored} bytes on this server and its quota is ${limit}; adding ${adding} more would pass it. Ask the server's operator for more room.`,
      data: { quota: "storage", limit, unit: "bytes", used: stored },
    });
  }
};
