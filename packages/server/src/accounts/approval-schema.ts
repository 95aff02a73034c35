/**
 * Device approval (migration 3, docs/PROTOCOL.md 16.10): whether an account requires that a new
 * device be approved on an existing one, each device's approval state, and the public keys a
 * device registered so an existing device can show its short code. Devices of a database made
 * before this migration are `approved` (they were all let in before approval existed).
 */

export const approvalMigration = {
  version: 3,
  name: "device approval",
  sql: /* sql */ `
    ALTER TABLE accounts ADD COLUMN require_approval boolean NOT NULL DEFAULT false;
    -- approved: may sync; pending: signed in, waits for an existing device's approval;
    -- recovery: let in with the recovery kit alone because no other device was left.
    ALTER TABLE devices ADD COLUMN approval text NOT NULL DEFAULT 'approved'
      CHECK (approval IN ('approved', 'pending', 'recovery'));
    ALTER TABLE devices ADD COLUMN approved_by text;
    -- The public halves of the device's Ed25519 and X25519 keys, as the device sent them.
    ALTER TABLE devices ADD COLUMN signing_key bytea;
    ALTER TABLE devices ADD COLUMN exchange_key bytea;
  `,
};
