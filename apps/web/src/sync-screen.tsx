/**
 * Sync in detail: what is local, sent, ordered and verified, up to which position the log is
 * verified, whether the server can be reached, and, when a server lied, the alarm in plain words
 * with what to do.
 */

import { useState } from "preact/hooks";
import type { DeviceTrust, VaultClient } from "@keypears/vault-browser";
import { describeSnapshotNotice, describeSyncError } from "@keypears/sync-client/core";
import { fingerprintText } from "./device-trust.tsx";
import { describeFailure } from "./errors.ts";
import { when } from "./history-view.tsx";
import { isAlarm, lastFailure, summary, type SyncState } from "./sync-state.tsx";

interface Props {
  readonly vault: VaultClient;
  readonly address: string;
  readonly state: SyncState;
  readonly trust: DeviceTrust | null;
}

export const SyncScreen = ({ vault, address, state, trust }: Props) => {
  const [outcome, setOutcome] = useState<string | null>(null);
  if (address.endsWith("@localhost"))
    return (
      <section aria-labelledby="sync-title">
        <h2 id="sync-title">Sync</h2>
        <p>This account lives only in this browser: it never syncs.</p>
      </section>
    );
  const { status } = state;
  const failure = lastFailure(state);
  const snapshotNotice = state.live?.snapshot ?? null;
  const syncNow = async (): Promise<void> => {
    setOutcome("Syncing…");
    try {
      const done = await vault.sync(address);
      setOutcome(
        !done.ok
          ? describeFailure(done.error)
          : done.value.snapshot === undefined
            ? "Synced."
            : `Synced, but ${describeSnapshotNotice(done.value.snapshot)}.`,
      );
    } catch (error) {
      setOutcome(describeFailure(error));
    }
  };
  return (
    <section aria-labelledby="sync-title">
      <h2 id="sync-title">Sync</h2>
      {isAlarm(state) && failure !== null && (
        <div class="alarm-box" role="alert" aria-labelledby="alarm-title">
          <h3 id="alarm-title">The server misbehaved: sync is stopped</h3>
          <p>{describeSyncError(failure)}</p>
          <p>What to do:</p>
          <ul>
            <li>
              Keep using this device: your vault here is intact, verified up to the last good
              position.
            </li>
            <li>Do not sign in new devices through this server until this is explained.</li>
            <li>Tell whoever runs the server, and show them this message.</li>
            <li>If you do not trust the server any more, move the account to another server.</li>
          </ul>
        </div>
      )}
      <p role="status">{summary(state)}</p>
      {status !== null && (
        <dl class="fields sync-detail">
          <Row label="Saved here, not yet sent" value={String(status.pending)} />
          <Row label="Sent, waiting for the server's order" value={String(status.sent)} />
          <Row label="Ordered by the server, not yet verified" value={String(status.ordered)} />
          <Row label="Refused by the server" value={String(status.rejected)} />
          <Row
            label="This device's changes in the verified log"
            value={String(status.verifiedEvents)}
          />
          <Row label="Log verified up to position" value={`#${status.verified.position}`} />
          <Row label="Vault fingerprint" value={fingerprintText(trust)} />
          <Row
            label="Last sync"
            value={status.lastSyncAt === null ? "never" : when(status.lastSyncAt)}
          />
          <Row
            label="Network"
            value={
              !state.online
                ? "offline: changes wait here"
                : failure?.kind === "unreachable"
                  ? "the server cannot be reached: changes wait here"
                  : "online"
            }
          />
        </dl>
      )}
      {failure !== null && !isAlarm(state) && (
        <p class="error" role="alert">
          Last sync: {describeSyncError(failure)}
        </p>
      )}
      {snapshotNotice !== null && (
        <p class="notice" role="status">
          Snapshot: {describeSnapshotNotice(snapshotNotice)}.
        </p>
      )}
      <p class="sub">
        The vault fingerprint is the same code as <code>keypears status</code> shows: another device
        showing the same code at the same position holds the same history.
      </p>
      <div class="actions">
        <button type="button" onClick={() => void syncNow()}>
          Sync now
        </button>
      </div>
      {outcome !== null && <p class="notice">{outcome}</p>}
    </section>
  );
};

const Row = ({ label, value }: { readonly label: string; readonly value: string }) => (
  <div class="field">
    <dt>{label}</dt>
    <dd>{value}</dd>
  </div>
);
