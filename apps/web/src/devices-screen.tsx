/**
 * The account's devices on its server (when each was added and last seen; rename; revoke: it can
 * no longer sync, and a new vault key, sent to the server wrapped under the master password, seals
 * what is written after), then the roster as verified in the vault's own log, and the vault
 * fingerprint.
 */

import { useEffect, useState } from "preact/hooks";
import type { DeviceTrust, RevokedDevice, VaultClient } from "@keypears/vault-browser";
import type { Device } from "@keypears/sync-client/core";
import type { DeviceNames } from "./device-names.ts";
import { fingerprintText, RosterList } from "./device-trust.tsx";
import { describeFailure } from "./errors.ts";
import { PasswordField } from "./form-controls.tsx";
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
  const [revoking, setRevoking] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
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
          {!device.current && !revoking && (
            <button type="button" class="danger" onClick={() => setRevoking(true)}>
              Revoke {device.name}
            </button>
          )}
        </form>
      )}
      {!revoked && revoking && (
        <RevokeForm
          vault={vault}
          address={address}
          device={device}
          onCancel={() => setRevoking(false)}
          onRevoked={(text) => {
            setRevoking(false);
            setNotice(text);
            onChanged();
          }}
        />
      )}
      {notice !== null && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {failure !== null && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
    </li>
  );
};

/**
 * Revoking asks for the master password, as `keypears devices revoke` does: the revocation starts
 * a new key epoch, whose key the server then holds wrapped under the password and Secret Key so a
 * device that signs in later reads what is written after it (docs/PROTOCOL.md 16.7).
 */
const RevokeForm = ({
  vault,
  address,
  device,
  onCancel,
  onRevoked,
}: {
  readonly vault: VaultClient;
  readonly address: string;
  readonly device: Device;
  readonly onCancel: () => void;
  readonly onRevoked: (notice: string) => void;
}) => {
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const done = await vault.revokeDevice(address, device.id, password);
      setPassword("");
      if (done.ok) onRevoked(revokedText(device.name, done.value));
      else
        setFailure(
          done.error.kind === "wrong-credentials"
            ? `Wrong master password: ${device.name} was not revoked.`
            : describeFailure(done.error),
        );
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };
  const label = `revoke-${device.id}`;
  return (
    <form class="inline-form" aria-labelledby={label} onSubmit={(event) => void submit(event)}>
      <p id={label}>
        Revoke {device.name}? It will no longer sync with this account; what it holds stays on it. A
        new vault key seals what is written from now on: enter the master password to send it,
        wrapped, to the server for devices that sign in later.
      </p>
      <PasswordField
        label={`Master password to revoke ${device.name}`}
        autocomplete="current-password"
        value={password}
        onValue={setPassword}
      />
      <button type="submit" class="danger" disabled={busy}>
        {busy ? "Revoking…" : `Confirm revoking ${device.name}`}
      </button>
      <button type="button" onClick={onCancel} disabled={busy}>
        Cancel
      </button>
      {failure !== null && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
    </form>
  );
};

const revokedText = (name: string, revoked: RevokedDevice): string =>
  revoked.keyPublished
    ? `${name} is revoked. A new vault key seals what is written from now on; the revoked device never receives it, and the server holds it wrapped under your password and Secret Key for devices that sign in later.`
    : `${name} is revoked. The new vault key is not yet on the server (${revoked.problem === null ? "the rotation is not verified yet" : describeFailure(revoked.problem)}): the next unlock of this browser sends it.`;
