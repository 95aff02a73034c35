/**
 * Device trust as this browser verified it in the vault's log: a notice of devices enrolled since
 * it last looked ("new device NAME signed in at TIME from SERVER"), the roster (enrolled, revoked)
 * and the vault fingerprint `keypears status` shows, for two devices to compare.
 */

import { useEffect, useState } from "preact/hooks";
import type { DeviceTrust, VaultClient } from "@keypears/vault-browser";
import { when } from "./history-view.tsx";

/** The device trust of a synced account, read again each time the verified log moves (`changes`). */
export const useDeviceTrust = (
  vault: VaultClient,
  address: string,
  changes: unknown,
): { readonly trust: DeviceTrust | null; readonly reread: () => void } => {
  const [trust, setTrust] = useState<DeviceTrust | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (address.endsWith("@localhost")) return;
    let current = true;
    vault.deviceTrust(address).then(
      (read) => current && setTrust(read),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [address, changes, round]);
  return { trust, reread: () => setRound((n) => n + 1) };
};

/** Shown on every screen until acknowledged: who enrolled, when, through which server. */
export const NewDevicesNotice = ({
  vault,
  address,
  trust,
  onAcknowledged,
  onOpenDevices,
}: {
  readonly vault: VaultClient;
  readonly address: string;
  readonly trust: DeviceTrust | null;
  readonly onAcknowledged: () => void;
  readonly onOpenDevices: () => void;
}) => {
  if (trust === null || trust.newDevices.length === 0) return null;
  const upTo = Math.max(...trust.newDevices.map((d) => d.enrolledAt ?? 0));
  return (
    <section class="notice-box" aria-labelledby="new-devices-title">
      <h2 id="new-devices-title">
        {trust.newDevices.length === 1 ? "A new device" : "New devices"} signed in
      </h2>
      <ul>
        {trust.newDevices.map((device) => (
          <li key={device.deviceId}>
            New device <strong>{device.name}</strong> signed in at {when(device.enrolledAtMs)} from{" "}
            {trust.server ?? "this account's server"}
            {device.via === "recovery kit" ? " with the recovery kit" : " (approved by a device)"}
            {device.revokedAt !== null && " (since revoked)"}.
          </li>
        ))}
      </ul>
      <p>
        If this was not you, revoke it in Devices and change your master password and Secret Key.
      </p>
      <div class="actions">
        <button
          type="button"
          onClick={() =>
            void vault.acknowledgeDevices(address, upTo).then(onAcknowledged, () => undefined)
          }
        >
          That was me
        </button>
        <button type="button" onClick={onOpenDevices}>
          Open the device list
        </button>
      </div>
    </section>
  );
};

/** The roster as verified in the vault's own log. */
export const RosterList = ({ trust }: { readonly trust: DeviceTrust | null }) => {
  if (trust === null) return <p role="status">Reading the log…</p>;
  if (trust.roster.length === 0)
    return <p>No device is in the log yet: the roster starts at this browser's next sync.</p>;
  const nameOf = (id: string | null): string =>
    trust.roster.find((d) => d.deviceId === id)?.name ?? `device ${String(id).slice(0, 8)}`;
  return (
    <ul class="devices" aria-label="Devices in the vault's log">
      {trust.roster.map((device) => (
        <li key={device.deviceId}>
          <p>
            <strong>{device.name}</strong>
            {device.current && " (this browser)"}{" "}
            <span class={device.revokedAt === null ? "badge" : "badge warn"}>
              {device.revokedAt !== null
                ? "revoked"
                : device.enrolledAt === null
                  ? "enrolling"
                  : "enrolled"}
            </span>
          </p>
          <p class="sub">
            {device.enrolledAt === null
              ? "Its enrolment waits for the next sync"
              : `Enrolled at position #${device.enrolledAt} on ${when(device.enrolledAtMs)}, ${device.via === "recovery kit" ? "with the recovery kit" : `approved by ${nameOf(device.approvedBy)}`}`}
            {device.revokedAt !== null && `; revoked at position #${device.revokedAt}`}
          </p>
        </li>
      ))}
    </ul>
  );
};

/** The fingerprint line: the same code at the same position on two devices means the same history. */
export const fingerprintText = (trust: DeviceTrust | null): string =>
  trust === null
    ? "reading…"
    : trust.fingerprint === null
      ? "not yet (this browser started from a snapshot after the last checkpoint)"
      : `${trust.fingerprint.code} at position #${trust.fingerprint.position}`;
