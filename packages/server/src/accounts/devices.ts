/**
 * Devices of an account: the client's own 16-hex-character id and a name. A revoked device stays
 * revoked (it cannot sign in again under that id), and its sessions are deleted at once.
 */

import { err, ok, type Result } from "@keypears/base";
import type { DeviceId } from "@keypears/sync-core";
import type { ServiceDeps } from "../deps.ts";
import { encodeNotice, NOTICE_CHANNEL } from "../realtime/notices.ts";
import type { SqlQueryable, SqlRow } from "../sql/sql-client.ts";
import { toDate, toOptionalBytes, toOptionalDate, toText } from "../sql/values.ts";

/** approved: may sync; pending: waits for approval; recovery: let in with the recovery kit alone. */
export type Approval = "approved" | "pending" | "recovery";

export interface Device {
  readonly id: DeviceId;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly revokedAt: Date | undefined;
  readonly approval: Approval;
  readonly approvedBy: DeviceId | undefined;
  /** The public keys the device registered (docs/PROTOCOL.md 16.10), once it did. */
  readonly signingKey: Uint8Array | undefined;
  readonly exchangeKey: Uint8Array | undefined;
}

export type DeviceError = { readonly kind: "device-not-found" };
export type SignInDeviceError = { readonly kind: "device-revoked" };

const COLUMNS =
  "device_id, name, created_at, last_seen_at, revoked_at, approval, approved_by, signing_key, exchange_key";

const toDevice = (row: SqlRow): Device => ({
  id: toText(row.device_id, "device_id") as DeviceId,
  name: toText(row.name, "name"),
  createdAt: toDate(row.created_at, "created_at"),
  lastSeenAt: toDate(row.last_seen_at, "last_seen_at"),
  revokedAt: toOptionalDate(row.revoked_at, "revoked_at"),
  approval: toText(row.approval, "approval") as Approval,
  approvedBy:
    row.approved_by === null ? undefined : (toText(row.approved_by, "approved_by") as DeviceId),
  signingKey: toOptionalBytes(row.signing_key, "signing_key"),
  exchangeKey: toOptionalBytes(row.exchange_key, "exchange_key"),
});

/**
 * Adds the device to the account, or marks a known one seen; refuses a revoked one. A new device
 * of an account that requires approval is `pending` while another device that may sync is left,
 * and `recovery` when none is (the recovery kit alone lets it in, and every device sees its
 * self-enrolment in the log). The account row is locked so two sign-ins decide one at a time.
 */
export const signInDevice = async (
  tx: SqlQueryable,
  now: Date,
  accountId: string,
  device: { readonly id: DeviceId; readonly name: string },
): Promise<Result<Device, SignInDeviceError>> => {
  const [account] = await tx.query(
    "SELECT require_approval FROM accounts WHERE account_id = $1 FOR UPDATE",
    [accountId],
  );
  let approval: Approval = "approved";
  if (account?.require_approval === true) {
    const [others] = await tx.query(
      `SELECT count(*)::int AS n FROM devices
       WHERE account_id = $1 AND device_id <> $2 AND revoked_at IS NULL AND approval <> 'pending'`,
      [accountId, device.id],
    );
    approval = Number(others?.n) > 0 ? "pending" : "recovery";
  }
  const [row] = await tx.query(
    `INSERT INTO devices (account_id, device_id, name, created_at, last_seen_at, approval)
     VALUES ($1, $2, $3, $4, $4, $5)
     ON CONFLICT (account_id, device_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at
       WHERE devices.revoked_at IS NULL
     RETURNING ${COLUMNS}`,
    [accountId, device.id, device.name, now, approval],
  );
  return row === undefined ? err({ kind: "device-revoked" }) : ok(toDevice(row));
};

export const listDevices = async (
  deps: Pick<ServiceDeps, "sql">,
  accountId: string,
): Promise<readonly Device[]> =>
  (
    await deps.sql.query(
      `SELECT ${COLUMNS} FROM devices WHERE account_id = $1 ORDER BY created_at, device_id`,
      [accountId],
    )
  ).map(toDevice);

export const renameDevice = async (
  deps: Pick<ServiceDeps, "sql">,
  accountId: string,
  deviceId: DeviceId,
  name: string,
): Promise<Result<Device, DeviceError>> => {
  const [row] = await deps.sql.query(
    `UPDATE devices SET name = $3 WHERE account_id = $1 AND device_id = $2 RETURNING ${COLUMNS}`,
    [accountId, deviceId, name],
  );
  return row === undefined ? err({ kind: "device-not-found" }) : ok(toDevice(row));
};

/** Revokes the device and deletes its sessions in one transaction; its open streams end. */
export const revokeDevice = async (
  deps: Pick<ServiceDeps, "sql" | "now">,
  accountId: string,
  deviceId: DeviceId,
): Promise<Result<Device, DeviceError>> =>
  deps.sql.transaction(async (tx) => {
    const [row] = await tx.query(
      `UPDATE devices SET revoked_at = COALESCE(revoked_at, $3)
       WHERE account_id = $1 AND device_id = $2 RETURNING ${COLUMNS}`,
      [accountId, deviceId, new Date(deps.now())],
    );
    if (row === undefined) return err({ kind: "device-not-found" as const });
    await tx.query("DELETE FROM sessions WHERE account_id = $1 AND device_id = $2", [
      accountId,
      deviceId,
    ]);
    await tx.query("SELECT pg_notify($1, $2)", [
      NOTICE_CHANNEL,
      encodeNotice({ kind: "device-revoked", accountId, deviceId }),
    ]);
    return ok(toDevice(row));
  });
