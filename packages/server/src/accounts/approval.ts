/**
 * Device approval on the server (docs/PROTOCOL.md 16.10): the account's setting, a device's
 * public keys (so an existing device can show the new one's short code), and approving a pending
 * device. The setting is also a signed event in the vault's log; this table is only what the
 * server enforces, and devices compare the two.
 */

import { err, ok, type Result } from "@keypears/base";
import type { DeviceId } from "@keypears/sync-core";
import type { ServiceDeps } from "../deps.ts";
import type { Device } from "./devices.ts";
import { listDevices } from "./devices.ts";

export const requiresApproval = async (
  deps: Pick<ServiceDeps, "sql">,
  accountId: string,
): Promise<boolean> => {
  const [row] = await deps.sql.query(
    "SELECT require_approval FROM accounts WHERE account_id = $1",
    [accountId],
  );
  return row?.require_approval === true;
};

export const setRequireApproval = async (
  deps: Pick<ServiceDeps, "sql">,
  accountId: string,
  required: boolean,
): Promise<void> => {
  await deps.sql.query("UPDATE accounts SET require_approval = $2 WHERE account_id = $1", [
    accountId,
    required,
  ]);
};

export type DeviceKeysError = { readonly kind: "keys-differ" };

/** Records the device's public keys; once set they never change (the same keys again are fine). */
export const setDeviceKeys = async (
  deps: Pick<ServiceDeps, "sql">,
  accountId: string,
  deviceId: DeviceId,
  keys: { readonly signingKey: Uint8Array; readonly exchangeKey: Uint8Array },
): Promise<Result<void, DeviceKeysError>> => {
  const [row] = await deps.sql.query(
    `UPDATE devices SET signing_key = COALESCE(signing_key, $3),
       exchange_key = COALESCE(exchange_key, $4)
     WHERE account_id = $1 AND device_id = $2
     RETURNING signing_key = $3 AND exchange_key = $4 AS same`,
    [accountId, deviceId, keys.signingKey, keys.exchangeKey],
  );
  return row?.same === true ? ok(undefined) : err({ kind: "keys-differ" });
};

export type ApproveError =
  { readonly kind: "device-not-found" } | { readonly kind: "not-pending"; readonly device: Device };

/** Lets a pending device of the account sync, approved by `approver` (an approved device). */
export const approveDevice = async (
  deps: Pick<ServiceDeps, "sql">,
  accountId: string,
  approver: DeviceId,
  deviceId: DeviceId,
): Promise<Result<Device, ApproveError>> => {
  const [row] = await deps.sql.query(
    `UPDATE devices SET approval = 'approved', approved_by = $3
     WHERE account_id = $1 AND device_id = $2 AND approval = 'pending' AND revoked_at IS NULL
     RETURNING device_id`,
    [accountId, deviceId, approver],
  );
  const device = (await listDevices(deps, accountId)).find((d) => d.id === deviceId);
  if (device === undefined) return err({ kind: "device-not-found" });
  return row === undefined ? err({ kind: "not-pending", device }) : ok(device);
};
