/**
 * The account's devices on its server (when each was added and last seen; rename; revoke: it can
 * no longer sync), then the roster as verified in the vault's own log, and the vault fingerprint.
 */

import { useEffect, useState } from "preact/hooks";
import type { DeviceTrust, VaultClient } from "@keypears/vault-browser";
import type { Device } from "@keypears/sync-client/core";
import type { DeviceNames } from "./device-names.ts";
import { fingerprintText, RosterList } from "./device-trust.tsx";
import { describeFailure } from "./errors.ts";
import { when } from "./history-view.tsx";

interface Props {
  readonly vault: VaultClient;
  readonly address: string;
  readonly names: DeviceNames;
  readonly trust: DeviceTrust | null;
}

export const DevicesScreen = ({ vault, address, names, trust }: Props) => {
  // Read the list afresh when the screen opens: another device may have changed it.
  useEffect(() => names.refresh(), []);
  if (address.endsWith("@localhost"))
    return (
      <section aria-labelledby="devices-title">
        <h2 id="devices-title">Devices</h2>
        <p>This account lives only in this browser: it has no other devices.</p>
      </section>
    );
  return (
    <section aria-labelledby="devices-title">
      <h2 id="devices-title">Devices</h2>
      {names.failure !== null && (
        <p class="error" role="alert">
          Could not read the devices: {describeFailure(names.failure)}
        </p>
      )}
      {names.devices === null ? (
        <p role="status">Loading…</p>
      ) : (
        <ul class="devices">
          {names.devices.map((device) => (
            <DeviceRow
              key={device.id}
              vault={vault}
              address={address}
              device={device}
              onChanged={names.refresh}
            />
          ))}
        </ul>
      )}
      <h3>In the vault's log</h3>
      <p class="sub">
        What this browser verified in the signed log: every device's enrolment and revocation, as
        every other device sees them. Vault fingerprint: {fingerprintText(trust)}.
      </p>
      <RosterList trust={trust} />
    </section>
  );
};

const DeviceRow = ({
  vault,
  address,
  device,
  onChanged,
}: {
  readonly vault: VaultClient;
  readonly address: string;
  readonly device: Device;
  readonly onChanged: () => void;
}) => {
  const [name, setName] = useState(device.name);
  const [failure, setFailure] = useState<string | null>(null);
  const run = async (action: () => Promise<{ ok: boolean; error?: unknown }>): Promise<void> => {
    setFailure(null);
    try {
      const done = await action();
      if (done.ok) onChanged();
      else setFailure(describeFailure(done.error));
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };
  const revoked = device.revokedAt !== null;
  return (
    <li class="device" aria-label={device.name}>
      <p>
        <strong>{device.name}</strong>
        {device.current && " (this browser)"}
        {revoked && <span class="badge warn">revoked</span>}
      </p>
      <p class="sub">
        Added {when(Date.parse(device.createdAt))}; last seen {when(Date.parse(device.lastSeenAt))}
        {revoked && `; revoked ${when(Date.parse(device.revokedAt ?? ""))}`}
      </p>
      {!revoked && (
        <form
          class="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void run(() => vault.renameDevice(address, device.id, name.trim()));
          }}
        >
          <label>
            Name of {device.name}
            <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <button type="submit">Rename</button>
          {!device.current && (
            <button
              type="button"
              class="danger"
              onClick={() => {
                if (
                  confirm(
                    `Revoke ${device.name}? It will no longer sync with this account; what it holds stays on it.`,
                  )
                )
                  void run(() => vault.revokeDevice(address, device.id));
              }}
            >
              Revoke {device.name}
            </button>
          )}
        </form>
      )}
      {failure !== null && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
    </li>
  );
};
