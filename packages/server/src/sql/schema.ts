/**
 * The database schema, as numbered migrations. The same SQL runs on PGlite and on Postgres 15+.
 * Never edit a migration that has shipped: add the next one.
 */

import { approvalMigration } from "../accounts/approval-schema.ts";
import { sharingMigration } from "../shares/share-schema.ts";
import { storedBytesMigration } from "../vaults/stored-bytes-schema.ts";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "initial schema",
    sql: /* sql */ `
      -- Secrets of the server itself (the key of the fake pre-login salts), made once.
      CREATE TABLE server_settings (
        key text PRIMARY KEY,
        value bytea NOT NULL
      );

      -- An account holds only what its client derived: a verifier the server cannot test
      -- password guesses against, the client's KDF parameters and salt.
      CREATE TABLE accounts (
        account_id uuid PRIMARY KEY,
        address text NOT NULL UNIQUE,
        verifier bytea NOT NULL,
        verifier_salt bytea NOT NULL,
        kdf_algorithm text NOT NULL,
        kdf_memory_kib integer NOT NULL,
        kdf_iterations integer NOT NULL,
        kdf_parallelism integer NOT NULL,
        kdf_salt bytea NOT NULL,
        created_at timestamptz NOT NULL,
        credentials_changed_at timestamptz NOT NULL
      );
      -- Addresses differing only in case belong to one account (no look-alike accounts).
      CREATE UNIQUE INDEX accounts_address_folded ON accounts (lower(address));

      -- The event log of one vault: its head, and how far its payloads were pruned.
      CREATE TABLE vault_logs (
        vault_id uuid PRIMARY KEY,
        head_position bigint NOT NULL DEFAULT 0,
        head_hash bytea NOT NULL,
        pruned_through bigint NOT NULL DEFAULT 0
      );

      -- payload is NULL once pruned; id, size, event_hash and chain_hash stay, so the history
      -- and its chain can still be verified.
      CREATE TABLE events (
        vault_id uuid NOT NULL REFERENCES vault_logs (vault_id) ON DELETE CASCADE,
        position bigint NOT NULL,
        event_id uuid NOT NULL,
        payload bytea,
        size integer NOT NULL,
        event_hash bytea NOT NULL,
        chain_hash bytea NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (vault_id, position),
        UNIQUE (vault_id, event_id)
      );

      CREATE TABLE vaults (
        vault_id uuid PRIMARY KEY REFERENCES vault_logs (vault_id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
        wrapped_key bytea NOT NULL,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX vaults_by_account ON vaults (account_id);

      CREATE TABLE devices (
        account_id uuid NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
        device_id text NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        revoked_at timestamptz,
        PRIMARY KEY (account_id, device_id)
      );

      -- Only the SHA-256 of a session token is stored.
      CREATE TABLE sessions (
        token_hash bytea PRIMARY KEY,
        account_id uuid NOT NULL,
        device_id text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        FOREIGN KEY (account_id, device_id) REFERENCES devices (account_id, device_id) ON DELETE CASCADE
      );
      CREATE INDEX sessions_by_device ON sessions (account_id, device_id);

      -- How far each device has pulled each vault: it holds every event up to this position.
      CREATE TABLE device_acks (
        vault_id uuid NOT NULL REFERENCES vaults (vault_id) ON DELETE CASCADE,
        account_id uuid NOT NULL,
        device_id text NOT NULL,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (vault_id, account_id, device_id),
        FOREIGN KEY (account_id, device_id) REFERENCES devices (account_id, device_id) ON DELETE CASCADE
      );

      CREATE TABLE snapshots (
        vault_id uuid NOT NULL REFERENCES vault_logs (vault_id) ON DELETE CASCADE,
        position bigint NOT NULL,
        chain_hash bytea NOT NULL,
        payload bytea NOT NULL,
        size integer NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (vault_id, position)
      );
    `,
  },
  sharingMigration,
  approvalMigration,
  storedBytesMigration,
];
