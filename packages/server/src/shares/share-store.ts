/** SQL of the sharing tables: key logs, outbox, inbox, seen ids and blocks. */

import type { WireKeyLogEntry, WireShareEnvelope } from "@keypears/api";
import type { SqlClient, SqlQueryable } from "../sql/sql-client.ts";
import { toDate, toSafeInt, toText } from "../sql/values.ts";
import { encodeNotice, NOTICE_CHANNEL } from "../realtime/notices.ts";

export const accountIdOf = async (
  sql: SqlQueryable,
  address: string,
): Promise<string | undefined> => {
  const rows = await sql.query("SELECT account_id FROM accounts WHERE lower(address) = lower($1)", [
    address,
  ]);
  const id = rows[0]?.["account_id"];
  return id === undefined ? undefined : toText(id, "account_id");
};

export const addressOf = async (sql: SqlQueryable, accountId: string): Promise<string> => {
  const rows = await sql.query("SELECT address FROM accounts WHERE account_id = $1", [accountId]);
  return toText(rows[0]?.["address"], "address");
};

export const readKeyLog = async (
  sql: SqlQueryable,
  accountId: string,
): Promise<readonly WireKeyLogEntry[] | undefined> => {
  const rows = await sql.query("SELECT entries FROM key_logs WHERE account_id = $1", [accountId]);
  const text = rows[0]?.["entries"];
  return text === undefined
    ? undefined
    : (JSON.parse(toText(text, "entries")) as WireKeyLogEntry[]);
};

/** Stores `entries` if they start with every stored entry; false (nothing changed) otherwise. */
export const extendKeyLog = (
  sql: SqlClient,
  accountId: string,
  entries: readonly WireKeyLogEntry[],
  now: Date,
): Promise<boolean> =>
  sql.transaction(async (tx) => {
    const rows = await tx.query("SELECT entries FROM key_logs WHERE account_id = $1 FOR UPDATE", [
      accountId,
    ]);
    const storedText = rows[0]?.["entries"];
    const stored =
      storedText === undefined
        ? []
        : (JSON.parse(toText(storedText, "entries")) as WireKeyLogEntry[]);
    if (entries.length < stored.length) return false;
    for (const [index, entry] of stored.entries())
      if (
        JSON.stringify(entry) !== JSON.stringify(canonicalEntry(entries[index] as WireKeyLogEntry))
      )
        return false;
    for (const [index, entry] of entries.entries()) {
      if (entry.seq !== index) return false;
      if (index > 0 && entry.prev === "") return false;
    }
    await tx.query(
      `INSERT INTO key_logs (account_id, entries, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (account_id) DO UPDATE SET entries = EXCLUDED.entries, updated_at = EXCLUDED.updated_at`,
      [accountId, JSON.stringify(entries.map(canonicalEntry)), now],
    );
    return true;
  });

const canonicalEntry = (e: WireKeyLogEntry): WireKeyLogEntry => ({
  seq: e.seq,
  prev: e.prev,
  createdAt: e.createdAt,
  signing: e.signing,
  x25519: e.x25519,
  xwing: e.xwing,
  signature: e.signature,
});

export interface OutgoingShare {
  readonly id: string;
  readonly to: string;
  readonly from: string;
  readonly status: "queued" | "delivered" | "failed";
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: Date;
}

const outgoingFromRow = (row: Record<string, unknown>): OutgoingShare => ({
  id: toText(row["share_id"], "share_id"),
  to: toText(row["recipient"], "recipient"),
  from: toText(row["sender"], "sender"),
  status: toText(row["status"], "status") as OutgoingShare["status"],
  attempts: toSafeInt(row["attempts"], "attempts"),
  lastError: row["last_error"] === null ? null : toText(row["last_error"], "last_error"),
  createdAt: toDate(row["created_at"], "created_at"),
});

/** Queues a share; false when this id to this recipient is already queued or sent. */
export const queueShare = async (
  sql: SqlQueryable,
  envelope: WireShareEnvelope,
  now: Date,
): Promise<OutgoingShare | undefined> => {
  const rows = await sql.query(
    `INSERT INTO share_outbox (share_id, recipient, sender, envelope, status, next_attempt_at, created_at, expires_at)
     VALUES ($1, $2, $3, $4, 'queued', $5, $5, $6)
     ON CONFLICT (share_id, recipient) DO NOTHING RETURNING *`,
    [
      envelope.id,
      envelope.to,
      envelope.from,
      JSON.stringify(envelope),
      now,
      new Date(envelope.expiresAt),
    ],
  );
  const row = rows[0];
  return row === undefined ? undefined : outgoingFromRow(row);
};

export const listOutgoing = async (sql: SqlQueryable, sender: string): Promise<OutgoingShare[]> =>
  (
    await sql.query(
      "SELECT * FROM share_outbox WHERE sender = $1 ORDER BY created_at DESC LIMIT 200",
      [sender],
    )
  ).map(outgoingFromRow);

/** The envelope of a queued share to `to`, for the recipient's server to fetch back. */
export const queuedEnvelope = async (
  sql: SqlQueryable,
  id: string,
  to: string,
): Promise<WireShareEnvelope | undefined> => {
  const rows = await sql.query(
    "SELECT envelope FROM share_outbox WHERE share_id = $1 AND lower(recipient) = lower($2) AND status = 'queued'",
    [id, to],
  );
  const text = rows[0]?.["envelope"];
  return typeof text === "string" ? (JSON.parse(text) as WireShareEnvelope) : undefined;
};

export interface DueShare {
  readonly id: string;
  readonly to: string;
  readonly from: string;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/**
 * Claims up to `limit` due shares for one attempt: their next attempt moves `leaseMs` ahead, so
 * another server process on the same database skips them (`SKIP LOCKED`) while this one tries.
 */
export const claimDueShares = async (
  sql: SqlQueryable,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<DueShare[]> =>
  (
    await sql.query(
      `UPDATE share_outbox SET next_attempt_at = $2
       WHERE (share_id, recipient) IN (
         SELECT share_id, recipient FROM share_outbox
         WHERE status = 'queued' AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING share_id, recipient, sender, attempts, created_at, expires_at`,
      [now, new Date(now.getTime() + leaseMs), limit],
    )
  ).map((row) => ({
    id: toText(row["share_id"], "share_id"),
    to: toText(row["recipient"], "recipient"),
    from: toText(row["sender"], "sender"),
    attempts: toSafeInt(row["attempts"], "attempts"),
    createdAt: toDate(row["created_at"], "created_at"),
    expiresAt: toDate(row["expires_at"], "expires_at"),
  }));

export const markDelivered = async (sql: SqlQueryable, share: DueShare): Promise<void> => {
  await sql.query(
    "UPDATE share_outbox SET status = 'delivered', envelope = NULL, attempts = attempts + 1, last_error = NULL WHERE share_id = $1 AND recipient = $2",
    [share.id, share.to],
  );
};

export const markFailed = async (
  sql: SqlQueryable,
  share: DueShare,
  reason: string,
): Promise<void> => {
  await sql.query(
    "UPDATE share_outbox SET status = 'failed', envelope = NULL, attempts = attempts + 1, last_error = $3 WHERE share_id = $1 AND recipient = $2",
    [share.id, share.to, reason.slice(0, 300)],
  );
};

export const markRetry = async (
  sql: SqlQueryable,
  share: DueShare,
  reason: string,
  nextAttemptAt: Date,
): Promise<void> => {
  await sql.query(
    "UPDATE share_outbox SET attempts = attempts + 1, last_error = $3, next_attempt_at = $4 WHERE share_id = $1 AND recipient = $2",
    [share.id, share.to, reason.slice(0, 300), nextAttemptAt],
  );
};

export const isBlocked = async (
  sql: SqlQueryable,
  accountId: string,
  sender: string,
): Promise<boolean> =>
  (
    await sql.query("SELECT 1 FROM share_blocks WHERE account_id = $1 AND blocked = lower($2)", [
      accountId,
      sender,
    ])
  ).length > 0;

export const setBlocked = async (
  sql: SqlQueryable,
  accountId: string,
  address: string,
  blocked: boolean,
): Promise<string[]> => {
  if (blocked)
    await sql.query(
      "INSERT INTO share_blocks (account_id, blocked) VALUES ($1, lower($2)) ON CONFLICT DO NOTHING",
      [accountId, address],
    );
  else
    await sql.query("DELETE FROM share_blocks WHERE account_id = $1 AND blocked = lower($2)", [
      accountId,
      address,
    ]);
  return listBlocked(sql, accountId);
};

export const wasSeen = async (
  sql: SqlQueryable,
  to: string,
  from: string,
  id: string,
): Promise<boolean> =>
  (
    await sql.query(
      "SELECT 1 FROM share_ids_seen WHERE recipient = lower($1) AND sender = lower($2) AND share_id = $3",
      [to, from, id],
    )
  ).length > 0;

/** Records the id as seen and puts the share in the inbox; false if the id was seen meanwhile. */
export const storeInbox = (
  sql: SqlClient,
  accountId: string,
  envelope: WireShareEnvelope,
  now: Date,
): Promise<boolean> =>
  sql.transaction(async (tx) => {
    const seen = await tx.query(
      `INSERT INTO share_ids_seen (recipient, sender, share_id, seen_at) VALUES (lower($1), lower($2), $3, $4)
       ON CONFLICT DO NOTHING RETURNING share_id`,
      [envelope.to, envelope.from, envelope.id, now],
    );
    if (seen.length === 0) return false;
    await tx.query(
      `INSERT INTO share_inbox (account_id, share_id, sender, envelope, received_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        accountId,
        envelope.id,
        envelope.from,
        JSON.stringify(envelope),
        now,
        new Date(envelope.expiresAt),
      ],
    );
    await notifyInbox(tx, accountId);
    return true;
  });

/** Tells the account's open inbox streams, in every server process, that the inbox changed. */
const notifyInbox = (sql: SqlQueryable, accountId: string) =>
  sql.query("SELECT pg_notify($1, $2)", [
    NOTICE_CHANNEL,
    encodeNotice({ kind: "inbox", accountId }),
  ]);

/** What an inbox stream announces: how many shares wait, and when the newest arrived. */
export const inboxSummary = async (
  sql: SqlQueryable,
  accountId: string,
  now: Date,
): Promise<{ count: number; latest: Date | null }> => {
  const [row] = await sql.query(
    "SELECT count(*) AS count, max(received_at) AS latest FROM share_inbox WHERE account_id = $1 AND expires_at > $2",
    [accountId, now],
  );
  const latest = row?.["latest"];
  return {
    count: Number(row?.["count"] ?? 0),
    latest: latest === null || latest === undefined ? null : toDate(latest, "latest"),
  };
};

export const listInbox = async (
  sql: SqlQueryable,
  accountId: string,
  now: Date,
): Promise<{ envelope: WireShareEnvelope; receivedAt: Date }[]> => {
  await sql.query("DELETE FROM share_inbox WHERE account_id = $1 AND expires_at <= $2", [
    accountId,
    now,
  ]);
  return (
    await sql.query(
      "SELECT envelope, received_at FROM share_inbox WHERE account_id = $1 ORDER BY received_at, share_id LIMIT 500",
      [accountId],
    )
  ).map((row) => ({
    envelope: JSON.parse(toText(row["envelope"], "envelope")) as WireShareEnvelope,
    receivedAt: toDate(row["received_at"], "received_at"),
  }));
};

export const removeFromInbox = (sql: SqlClient, accountId: string, id: string): Promise<boolean> =>
  sql.transaction(async (tx) => {
    const removed = await tx.query(
      "DELETE FROM share_inbox WHERE account_id = $1 AND share_id = $2 RETURNING share_id",
      [accountId, id],
    );
    if (removed.length === 0) return false;
    await notifyInbox(tx, accountId);
    return true;
  });

/** The addresses this account blocked, in order. */
export const listBlocked = async (sql: SqlQueryable, accountId: string): Promise<string[]> =>
  (
    await sql.query("SELECT blocked FROM share_blocks WHERE account_id = $1 ORDER BY blocked", [
      accountId,
    ])
  ).map((row) => toText(row["blocked"], "blocked"));
