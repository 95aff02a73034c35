/**
 * Sessions: a random 32-byte token, shown to the client once and stored only as its SHA-256,
 * bound to one device and expiring. A session is valid while it exists, has not expired, and its
 * device is not revoked; revoking a device deletes its sessions in the same transaction.
 */

import { base64UrlToBytes, bytesToBase64Url } from "@keypears/base";
import type { DeviceId } from "@keypears/sync-core";
import type { ServiceDeps } from "../deps.ts";
import { encodeNotice, NOTICE_CHANNEL } from "../realtime/notices.ts";
import type { SqlQueryable } from "../sql/sql-client.ts";
import { toDate, toText } from "../sql/values.ts";
import type { SessionCache } from "./session-cache.ts";
import { createSessionToken, hashSessionToken, SESSION_TOKEN_BYTES } from "./credentials.ts";

export interface Session {
  readonly accountId: string;
  readonly deviceId: DeviceId;
  readonly tokenHash: Uint8Array;
  readonly expiresAt: Date;
  /** A pending device may sign in and wait, but not read or write the vault (16.10). */
  readonly pending: boolean;
}

export interface IssuedToken {
  /** base64url; never stored. */
  readonly token: string;
  readonly expiresAt: Date;
}

/** A device's last-seen time is written at most this often, not on every request. */
const LAST_SEEN_GRANULARITY_MS = 60_000;

export const issueSession = async (
  tx: SqlQueryable,
  deps: Pick<ServiceDeps, "now" | "sessionTtlMs">,
  accountId: string,
  deviceId: DeviceId,
): Promise<IssuedToken> => {
  const token = createSessionToken();
  const now = deps.now();
  const expiresAt = new Date(now + deps.sessionTtlMs);
  await tx.query(
    `INSERT INTO sessions (token_hash, account_id, device_id, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [hashSessionToken(token), accountId, deviceId, new Date(now), expiresAt],
  );
  // Expired sessions of the account go when a new one comes.
  await tx.query("DELETE FROM sessions WHERE account_id = $1 AND expires_at <= $2", [
    accountId,
    new Date(now),
  ]);
  return { token: bytesToBase64Url(token), expiresAt };
};

const parseToken = (token: string): Uint8Array | undefined => {
  try {
    const bytes = base64UrlToBytes(token);
    return bytes.length === SESSION_TOKEN_BYTES ? bytes : undefined;
  } catch {
    return undefined;
  }
};

/** The session a bearer token stands for, or undefined if it is unknown, expired or revoked. */
export const authenticate = async (
  deps: Pick<ServiceDeps, "sql" | "now">,
  token: string,
): Promise<Session | undefined> => {
  const bytes = parseToken(token);
  if (bytes === undefined) return undefined;
  const tokenHash = hashSessionToken(bytes);
  const now = deps.now();
  const [row] = await deps.sql.query(
    `SELECT s.account_id, s.device_id, s.expires_at, d.last_seen_at, d.approval
     FROM sessions s JOIN devices d USING (account_id, device_id)
     WHERE s.token_hash = $1 AND s.expires_at > $2 AND d.revoked_at IS NULL`,
    [tokenHash, new Date(now)],
  );
  if (row === undefined) return undefined;
  const session: Session = {
    accountId: toText(row.account_id, "account_id"),
    deviceId: toText(row.device_id, "device_id") as DeviceId,
    tokenHash,
    expiresAt: toDate(row.expires_at, "expires_at"),
    pending: row.approval === "pending",
  };
  if (now - toDate(row.last_seen_at, "last_seen_at").getTime() > LAST_SEEN_GRANULARITY_MS) {
    await deps.sql.query(
      "UPDATE devices SET last_seen_at = $3 WHERE account_id = $1 AND device_id = $2",
      [session.accountId, session.deviceId, new Date(now)],
    );
  }
  return session;
};

/** A session checked by `authenticateCached`, and whether it came from the cache. */
export interface CheckedSession {
  readonly session: Session;
  /** True when the database was not asked: the session may have ended a moment ago elsewhere. */
  readonly cached: boolean;
}

/**
 * `authenticate` through the process's session cache: a token checked within the cache's
 * lifetime is not looked up again. Only routes whose own query checks the session again may
 * rely on a cached answer (see `session-cache.ts`).
 */
export const authenticateCached = async (
  deps: Pick<ServiceDeps, "sql" | "now"> & { readonly sessionCache: SessionCache },
  token: string,
): Promise<CheckedSession | undefined> => {
  const bytes = parseToken(token);
  if (bytes === undefined) return undefined;
  const cached = deps.sessionCache.get(hashSessionToken(bytes));
  if (cached !== undefined) return { session: cached, cached: true };
  const session = await authenticate(deps, token);
  if (session === undefined) return undefined;
  deps.sessionCache.put(session);
  return { session, cached: false };
};

/**
 * The SQL condition "the session of token hash `$token` is live at `$now`": it exists, has not
 * expired, and its device is not revoked. For routes that check it again in their own query.
 */
export const sessionLiveSql = (token: string, now: string): string =>
  `EXISTS (SELECT 1 FROM sessions s JOIN devices d USING (account_id, device_id)
      WHERE s.token_hash = ${token} AND s.expires_at > ${now} AND d.revoked_at IS NULL)`;

/** Ends one session (sign out); its open streams end too. */
export const endSession = async (
  deps: Pick<ServiceDeps, "sql">,
  session: Session,
): Promise<void> => {
  await deps.sql.transaction(async (tx) => {
    await tx.query("DELETE FROM sessions WHERE token_hash = $1", [session.tokenHash]);
    await tx.query("SELECT pg_notify($1, $2)", [
      NOTICE_CHANNEL,
      encodeNotice({ kind: "session-ended", tokenHash: session.tokenHash }),
    ]);
  });
};
