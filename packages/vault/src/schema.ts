/**
 * The layout of a vault file, the same for local-only and synced accounts. Migrations are applied
 * in order and recorded in `PRAGMA user_version`.
 *
 * What is in plaintext: ids (event, item, vault, device), server positions and chain hashes, HLC
 * timestamps of history rows, blind indexes of field names, KDF parameters and salts, and why the
 * server refused a rejected change (sizes, limits, ids). Every title,
 * username, password, URL, note, field name and value is inside an AEAD box bound to its vault,
 * its row's ids and the schema version.
 */

import type { SqliteDatabase } from "./sqlite.ts";

export const SCHEMA_VERSION = 9;

const migrations: readonly string[] = [
  `
  -- The account this file belongs to: one row.
  CREATE TABLE account (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    address TEXT NOT NULL,
    vault_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    kdf TEXT NOT NULL,                    -- JSON KdfParams
    salt BLOB NOT NULL,
    wrapped_vault_key BLOB NOT NULL,      -- sealed by the wrap key (password + Secret Key)
    sealed_secret_key BLOB NOT NULL,      -- sealed by a key from the password alone (this device only)
    server_url TEXT,                      -- NULL for local-only accounts
    created_at INTEGER NOT NULL
  ) STRICT;

  -- Every event this device knows: its own and those pulled from the server.
  -- payload is the sealed event, byte for byte what the server stores.
  CREATE TABLE events (
    vault_id TEXT NOT NULL,
    id TEXT NOT NULL,
    item_id TEXT,                         -- known once the event was opened on this device
    payload BLOB NOT NULL,
    position INTEGER,                     -- the server's position, once known
    chain_hash BLOB,                      -- the chain hash after this event, once ordered
    origin TEXT NOT NULL CHECK (origin IN ('local', 'remote')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (vault_id, id),
    UNIQUE (vault_id, position)
  ) STRICT;
  CREATE INDEX events_by_item ON events (vault_id, item_id);

  -- Local events not yet ordered by a server, oldest first (the sync plan's overlays).
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    vault_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'ordered')),
    position INTEGER,                     -- the position the server gave it when it was pushed
    attempts INTEGER NOT NULL DEFAULT 0,
    last_attempt_at INTEGER,
    UNIQUE (vault_id, event_id),
    FOREIGN KEY (vault_id, event_id) REFERENCES events (vault_id, id)
  ) STRICT;
  -- The next batch to push, in order, without reading what the server already ordered.
  CREATE INDEX outbox_unordered ON outbox (vault_id, seq) WHERE state <> 'ordered';

  -- Each item, sealed: its merge state (every write and the links between them) and the view
  -- derived from it (current values, status, conflicts) that lists read.
  CREATE TABLE items (
    id TEXT PRIMARY KEY,
    state BLOB NOT NULL,
    view BLOB NOT NULL,
    updated_hlc TEXT NOT NULL
  ) STRICT;

  -- Every value each field has had: one sealed row per write.
  CREATE TABLE history (
    item_id TEXT NOT NULL,
    field_key TEXT NOT NULL,              -- blind index of the field name
    event_id TEXT NOT NULL,
    hlc TEXT NOT NULL,
    record BLOB NOT NULL,
    PRIMARY KEY (item_id, field_key, event_id)
  ) STRICT, WITHOUT ROWID;

  -- Sync cursor, verified checkpoint, clock, and other small state.
  CREATE TABLE state (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
  ) STRICT;
  `,
  `
  -- Version 2: an outbox entry the server refused for good (too large, invalid) is 'rejected',
  -- with the reason, so it no longer blocks the entries after it. The reason is the server's or
  -- this client's refusal text (sizes, limits, ids), never item content. SQLite cannot change a
  -- CHECK constraint in place, so the table is rebuilt with its rows.
  CREATE TABLE outbox_v2 (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    vault_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'ordered', 'rejected')),
    position INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_attempt_at INTEGER,
    reason TEXT,                          -- why it was rejected (state 'rejected' only)
    UNIQUE (vault_id, event_id),
    FOREIGN KEY (vault_id, event_id) REFERENCES events (vault_id, id),
    CHECK ((state = 'rejected') = (reason IS NOT NULL))
  ) STRICT;
  INSERT INTO outbox_v2 (seq, vault_id, event_id, state, position, attempts, last_attempt_at)
    SELECT seq, vault_id, event_id, state, position, attempts, last_attempt_at FROM outbox;
  DROP TABLE outbox;
  ALTER TABLE outbox_v2 RENAME TO outbox;
  -- The next batch to push, in order: neither ordered nor rejected.
  CREATE INDEX outbox_unordered ON outbox (vault_id, seq) WHERE state IN ('pending', 'sent');
  `,
  `
  -- Version 3 (protocol version 2, docs/PROTOCOL.md 16): the device roster as this device
  -- verified it in the log, and events set aside (quarantined) instead of applied. Device names
  -- and public keys are in plaintext here, as the server holds them too; this device's private
  -- keys are a sealed secret in the state table. Events of version 1 stay as they are: they are
  -- valid before the vault's upgrade point (its first roster event).
  CREATE TABLE roster (
    device_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    signing_key BLOB NOT NULL,
    exchange_key BLOB NOT NULL,
    enrolled_at INTEGER,                  -- position of its enrolment; NULL while ours is unordered
    enrolled_at_ms INTEGER NOT NULL,
    via TEXT NOT NULL CHECK (via IN ('self', 'approved')),
    approved_by TEXT,
    revoked_at INTEGER                    -- position of its revocation
  ) STRICT;

  CREATE TABLE quarantine (
    position INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    reason TEXT NOT NULL,                 -- a reason code (docs/PROTOCOL.md 16.5), never content
    detail TEXT NOT NULL,
    payload BLOB NOT NULL,
    chain_hash BLOB NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;
  `,
  `
  -- Version 4: a checksum of the account's stored key material (salt, wrapped vault key, sealed
  -- Secret Key; see key-check.ts), so a damaged row is told apart from a wrong password. NULL in
  -- a migrated file until its first successful unlock records it: SQL cannot compute it here.
  ALTER TABLE account ADD COLUMN key_check BLOB;
  `,
  `
  -- Version 5: history is read from each item's sealed merge state, which holds every write; no
  -- row is written per field write any more. The history table keeps only writes taken out of a
  -- merge state (a refused change the user dropped, one an edit superseded) and the rows earlier
  -- versions wrote, which stay readable (a row whose write the state holds is skipped). A file of
  -- version 5 lacks the rows older code would look for, hence the new number: older code refuses it.
  -- No table changes: the history table's key (item_id, field_key, event_id) serves both reads.
  SELECT 1;
  `,
  `
  -- Version 6 (docs/PROTOCOL.md 16.7): the vault keys of later key epochs, each sealed under this
  -- file's store key. Epoch 0 has no row while it is this file's own vault key (every file made
  -- before key epochs), so a migrated file needs no key work here. started_at is the position of
  -- the rekey event that started the epoch: NULL while this device's own rekey is not yet ordered
  -- (its key is not used until then), and for an epoch 0 written by a device that joined later.
  CREATE TABLE key_epochs (
    epoch INTEGER PRIMARY KEY,
    sealed_key BLOB NOT NULL,
    started_at INTEGER
  ) STRICT;
  `,
  `
  -- Version 7: items whose row does not yet hold the pulled events from from_position on. A large
  -- pull commits its events batch by batch and writes each touched item's state and view once, at
  -- its end (item-store.ts, deferred commits), instead of once per batch. An item listed here is its row
  -- (or nothing) with its remote events from from_position on applied again; whoever reads it
  -- first after a crash rebuilds it so, and unlocking writes every listed item back.
  CREATE TABLE deferred_items (
    item_id TEXT PRIMARY KEY,
    from_position INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  `,
  `
  -- Version 8 (docs/PROTOCOL.md 18.3): the covers of the batch events this device verified, kept
  -- until the events they name arrive: a batch at position q naming k events covers them only at
  -- positions q + 1 to q + k (first_position, last_position). Event hashes (SHA-256 of what the
  -- server holds); the checkpoint is the batch author's (position || hash), or NULL.
  CREATE TABLE batch_covers (
    hash BLOB NOT NULL,
    signer TEXT NOT NULL,
    checkpoint BLOB,
    first_position INTEGER NOT NULL,
    last_position INTEGER NOT NULL,
    PRIMARY KEY (hash, signer)
  ) STRICT, WITHOUT ROWID;
  `,
  `
  -- Version 9 (docs/PROTOCOL.md 18.4): this device writes protocol version 3. Its item events are
  -- no longer signed one by one; before a push, one signed batch event names the event hash of
  -- each item event of the request, and goes first. batch_id is, on an item event's entry, the
  -- batch event that covers it (a retried push sends the same batch), and on a batch event's own
  -- entry, its own id. Entries written before this version have none: they are signed already.
  ALTER TABLE outbox ADD COLUMN batch_id TEXT;
  CREATE INDEX outbox_by_batch ON outbox (batch_id) WHERE batch_id IS NOT NULL;
  `,
];

export type SchemaError = {
  readonly kind: "newer-schema";
  readonly found: number;
  readonly supported: number;
};

/**
 * Brings a database to the current schema; refuses one written by a newer KeyPears. `upTo` stops
 * at an older version: for tests that make a file as an older KeyPears wrote it.
 */
export const migrate = (db: SqliteDatabase, upTo = SCHEMA_VERSION): SchemaError | undefined => {
  const found = (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
  if (found > SCHEMA_VERSION) return { kind: "newer-schema", found, supported: SCHEMA_VERSION };
  if (found >= upTo) return undefined; // opening must not write: a failed unlock changes nothing
  db.transaction(() => {
    for (let version = found; version < upTo; version++) {
      db.exec(migrations[version] as string);
    }
    db.exec(`PRAGMA user_version = ${upTo}`);
  });
  return undefined;
};
