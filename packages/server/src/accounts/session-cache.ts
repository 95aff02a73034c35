/**
 * Sessions this process checked a moment ago, so a burst of requests with one token costs one
 * lookup, not one per request.
 *
 * Why it is safe: a session ends in three ways, and each reaches the cache at once.
 * - Expiry: an entry never outlives the session's own `expiresAt`.
 * - Sign-out and device revocation: both commit a NOTIFY (`session-ended`, `device-revoked`)
 *   that every server process LISTENs to; the notice hub drops the matching entries here. The
 *   process that ended the session also drops them itself right after its commit, before it
 *   answers, so its own next request never sees a stale entry.
 * - A lost LISTEN connection (notices may have been missed): the hub's resync empties the cache.
 *
 * What is left is the delivery time of a NOTIFY to another process (under a millisecond on an
 * idle machine, but a race all the same: a client can ask the other process before the notice
 * lands) and, while the LISTEN connection is down and not yet noticed, at most `ttlMs`. So only
 * vault routes trust a cached session, and each checks it again in the query it makes anyway
 * (`vaultAccess`, `pushPreflight`): nothing is read or written on an ended session, on any
 * process. Every other route looks the session up in the database (`authed`, implementer.ts).
 */

import { bytesToBase64Url } from "@keypears/base";
import type { DeviceId } from "@keypears/sync-core";
import type { Session } from "./sessions.ts";

export interface SessionCache {
  readonly get: (tokenHash: Uint8Array) => Session | undefined;
  readonly put: (session: Session) => void;
  /** Forgets one session (signed out). */
  readonly endToken: (tokenHash: Uint8Array) => void;
  /** Forgets every session of a device (revoked). */
  readonly endDevice: (accountId: string, deviceId: DeviceId) => void;
  /** Forgets everything (notices may have been missed). */
  readonly clear: () => void;
  readonly size: () => number;
}

export interface SessionCacheOptions {
  /** How long a checked session is trusted without asking the database again. 0 disables. */
  readonly ttlMs: number;
  readonly now: () => number;
  /** Entries kept at most; the oldest go first. */
  readonly maxEntries?: number;
}

/** Five seconds: a burst is served from memory; last-seen times are written per minute anyway. */
export const DEFAULT_SESSION_CACHE_MS = 5_000;

interface Entry {
  readonly session: Session;
  readonly until: number;
}

export const createSessionCache = (options: SessionCacheOptions): SessionCache => {
  const { ttlMs, now } = options;
  const maxEntries = options.maxEntries ?? 100_000;
  const entryByToken = new Map<string, Entry>();
  const keyOf = (tokenHash: Uint8Array): string => bytesToBase64Url(tokenHash);

  return {
    get: (tokenHash) => {
      const key = keyOf(tokenHash);
      const entry = entryByToken.get(key);
      if (entry === undefined) return undefined;
      if (now() >= entry.until) {
        entryByToken.delete(key);
        return undefined;
      }
      return entry.session;
    },
    put: (session) => {
      if (ttlMs <= 0) return;
      const key = keyOf(session.tokenHash);
      entryByToken.delete(key);
      if (entryByToken.size >= maxEntries) {
        const oldest = entryByToken.keys().next();
        if (oldest.done !== true) entryByToken.delete(oldest.value);
      }
      entryByToken.set(key, {
        session,
        until: Math.min(now() + ttlMs, session.expiresAt.getTime()),
      });
    },
    endToken: (tokenHash) => {
      entryByToken.delete(keyOf(tokenHash));
    },
    endDevice: (accountId, deviceId) => {
      for (const [key, entry] of entryByToken) {
        if (entry.session.accountId === accountId && entry.session.deviceId === deviceId) {
          entryByToken.delete(key);
        }
      }
    },
    clear: () => entryByToken.clear(),
    size: () => entryByToken.size,
  };
};
