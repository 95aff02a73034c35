/** The sharing tables (migration 2): key logs, the outbox being delivered, inboxes, seen ids, blocks. */

export const sharingMigration = {
  version: 2,
  name: "sharing between addresses",
  sql: /* sql */ `
    -- The public key log of an account, as its devices published it (JSON array of entries).
    CREATE TABLE key_logs (
      account_id uuid PRIMARY KEY REFERENCES accounts (account_id) ON DELETE CASCADE,
      entries text NOT NULL,
      updated_at timestamptz NOT NULL
    );

    -- Shares this server delivers for its accounts. The sealed envelope is kept while queued
    -- (the recipient's server fetches it back to verify the origin) and dropped once delivered.
    CREATE TABLE share_outbox (
      share_id uuid NOT NULL,
      recipient text NOT NULL,
      sender text NOT NULL,
      envelope text,
      status text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      last_error text,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (share_id, recipient)
    );
    CREATE INDEX share_outbox_due ON share_outbox (next_attempt_at) WHERE status = 'queued';

    -- Shares delivered to an account of this server, until it accepts or declines them.
    CREATE TABLE share_inbox (
      account_id uuid NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
      share_id uuid NOT NULL,
      sender text NOT NULL,
      envelope text NOT NULL,
      received_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (account_id, share_id)
    );

    -- Every (recipient, sender, id) ever delivered here: a delivered id is never delivered twice.
    CREATE TABLE share_ids_seen (
      recipient text NOT NULL,
      sender text NOT NULL,
      share_id uuid NOT NULL,
      seen_at timestamptz NOT NULL,
      PRIMARY KEY (recipient, sender, share_id)
    );

    CREATE TABLE share_blocks (
      account_id uuid NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
      blocked text NOT NULL,
      PRIMARY KEY (account_id, blocked)
    );
  `,
} as const;
