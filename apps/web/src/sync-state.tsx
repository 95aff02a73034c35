/**
 * The sync state of a synced account, for the badge and the Sync screen: the vault's live sync
 * status (local, sent, ordered, verified), whether the browser is online, and live sync's last
 * outcome (the server unreachable, or an alarm: the server lied), and, when the server ended the
 * session, whether the master password was changed on another device (asked without a session).
 */

import { useEffect, useState } from "preact/hooks";
import type { LiveSyncState, VaultClient } from "@keypears/vault-browser";
import type { SyncStatus } from "@keypears/vault/core";

export interface SyncState {
  readonly status: SyncStatus | null;
  readonly online: boolean;
  readonly live: LiveSyncState | null;
  /**
   * When the server refused the session: true if the account's credentials changed on the server
   * (a password changed on another device), false if not (revoked, or signed out); else null.
   */
  readonly passwordChanged: boolean | null;
}

/** How often the live-sync state is read again (its changes carry no live query of their own). */
const LIVE_STATE_INTERVAL_MS = 1000;

export const useSyncState = (vault: VaultClient, address: string): SyncState => {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [online, setOnline] = useState(navigator.onLine);
  const [live, setLive] = useState<LiveSyncState | null>(null);
  useEffect(() => vault.watch(address, { kind: "sync-status" }, setStatus), [address]);
  useEffect(() => {
    const update = (): void => setOnline(navigator.onLine);
    addEventListener("online", update);
    addEventListener("offline", update);
    return () => {
      removeEventListener("online", update);
      removeEventListener("offline", update);
    };
  }, []);
  useEffect(() => {
    if (address.endsWith("@localhost")) return;
    let stopped = false;
    const read = (): void =>
      void vault.liveSyncState(address).then(
        (state) => stopped || setLive(state),
        () => undefined,
      );
    read();
    const timer = setInterval(read, LIVE_STATE_INTERVAL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [address]);
  const refused = live?.last?.ok === false && live.last.error.kind === "unauthorized";
  const passwordChanged = usePasswordChanged(vault, address, refused);
  return { status, online, live, passwordChanged };
};

/** Asks the worker, once per refusal, whether the server's salt changed (see `SyncState`). */
const usePasswordChanged = (
  vault: VaultClient,
  address: string,
  refused: boolean,
): boolean | null => {
  const [changed, setChanged] = useState<boolean | null>(null);
  useEffect(() => {
    setChanged(null);
    if (!refused) return;
    let current = true;
    vault.credentialsChanged(address).then(
      (asked) => current && asked.ok && setChanged(asked.value),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [address, refused]);
  return changed;
};

/** Sync errors that mean the server misbehaved (not merely out of reach). */
const ALARMS = new Set([
  "rollback",
  "fork",
  "missing-event",
  "reordered",
  "tampered",
  "key-material",
  "bad-snapshot",
]);

/** The failure that stopped the last sync, if it did. */
export const lastFailure = (state: SyncState) => {
  const last = state.live?.last;
  return last === null || last === undefined || last.ok ? null : last.error;
};

export const isAlarm = (state: SyncState): boolean => {
  const failure = lastFailure(state);
  return failure !== null && ALARMS.has(failure.kind);
};

/** One line: what is waiting, how far the log is verified, and why it is not syncing. */
export const summary = (state: SyncState): string => {
  const { status } = state;
  if (status === null) return "Reading the sync state…";
  if (isAlarm(state)) return "Sync stopped: the server misbehaved";
  const waiting = status.pending + status.sent + status.ordered;
  const counts =
    waiting === 0
      ? `Synced, verified to #${status.verified.position}`
      : [
          status.pending > 0 ? `${status.pending} not yet sent` : null,
          status.sent > 0 ? `${status.sent} sent` : null,
          status.ordered > 0 ? `${status.ordered} ordered` : null,
        ]
          .filter((part) => part !== null)
          .join(", ");
  if (!state.online) return `Offline · ${counts}`;
  const failure = lastFailure(state);
  if (failure?.kind === "unreachable") return `Server unreachable · ${counts}`;
  if (failure?.kind === "unauthorized")
    return state.passwordChanged === true
      ? `Sync stopped: the master password was changed on another device · ${counts}`
      : `Sync refused: this device was revoked or signed out · ${counts}`;
  return counts;
};

export const SyncBadge = ({
  address,
  state,
  onOpen,
}: {
  readonly address: string;
  readonly state: SyncState;
  readonly onOpen: () => void;
}) => {
  if (address.endsWith("@localhost")) return <span class="badge">Only in this browser</span>;
  return (
    <button type="button" class={isAlarm(state) ? "badge alarm" : "badge"} onClick={onOpen}>
      <span role="status" aria-label="Sync status">
        {summary(state)}
      </span>
    </button>
  );
};
