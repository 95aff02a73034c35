/**
 * The vault's dedicated worker, one per tab. The SAH-pool VFS lets one connection hold the
 * database, so exactly one worker per origin owns it, elected with a Web Lock:
 *
 *   start ──▶ waiting (forwards calls to the owner over the BroadcastChannel)
 *                │ lock granted (the owner's tab closed or crashed: lock requests queue FIFO)
 *                ▼
 *             owner: opens the pool (retrying while the old owner's handles close), reopens the
 *             unlocked vaults from the keys it holds, announces itself, serves every tab
 *
 * A forwarded call is re-sent to the next owner if no owner had accepted it; if the lost owner
 * had accepted it, it fails with `owner-lost` (it may have committed): never dropped silently,
 * never guessed at. Commits are announced on the channel, and each worker re-runs its tab's
 * live queries as deltas from their last run (`live-query.ts`); the page folds them and hands on
 * only changed results. Crypto, merge and SQLite all run here, so the
 * page never blocks (Argon2id included).
 */

import { bytesToHex } from "@keypears/base";
import type { VaultKey } from "@keypears/crypto";
import type { Address } from "@keypears/vault/core";
import type { VaultDeps } from "@keypears/vault/core";
import type { AccountStorage } from "@keypears/vault/core";
import { type LiveDelta, liveResults } from "@keypears/vault/core";
import {
  METHOD_NAMES,
  type MethodName,
  OWNER_LOCK,
  type PageToWorker,
  type PeerMessage,
  type RpcFailure,
  type WorkerToPage,
} from "./protocol.ts";
import {
  createVaultService,
  type VaultService,
  type VaultServiceHooks,
  VaultLockedError,
} from "./vault-service.ts";
import { followInWorker } from "./worker-live-query.ts";

/** The parts of a worker's global scope this module uses. */
export interface WorkerScope {
  readonly postMessage: (message: WorkerToPage) => void;
  readonly addEventListener: (
    type: "message",
    listener: (event: { data: unknown }) => void,
  ) => void;
}

export interface BroadcastPort {
  readonly postMessage: (message: PeerMessage) => void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export interface LockManagerLike {
  readonly request: (name: string, callback: () => Promise<void>) => Promise<void>;
}

export interface VaultWorkerPlatform {
  readonly channel: BroadcastPort;
  readonly locks: LockManagerLike;
  /** Opens the origin's vault storage; called once this worker owns the lock. */
  readonly openStorage: () => Promise<{ storage: AccountStorage; close: () => void }>;
  readonly deps: VaultDeps;
  /** The browser's online/offline events, for live sync. */
  readonly network?: VaultServiceHooks["network"];
  /** Whether a write was refused for quota since the last call (and forgets it). */
  readonly quotaExceeded?: () => boolean;
  /** Opens a share of a vault's items on another thread at unlock (a helper worker). */
  readonly viewOpener?: VaultServiceHooks["viewOpener"];
}

interface Forwarded {
  readonly method: MethodName;
  readonly args: readonly unknown[];
  accepted: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (failure: RpcFailure) => void;
}

export const runVaultWorker = (scope: WorkerScope, platform: VaultWorkerPlatform): void => {
  const { channel, deps } = platform;
  const network = pageAwareNetwork(platform.network);
  const workerId = bytesToHex(deps.randomBytes(8));
  const post = (message: PeerMessage): void => channel.postMessage(message);
  const sessions = new Map<string, VaultKey>();
  const forwarded = new Map<string, Forwarded>();
  const changeListeners = new Map<string, Set<() => void>>();
  const watches = new Map<number, () => void>();
  const served = new Set<string>();
  let ownerId: string | undefined;
  let owner: { service: VaultService; close: () => void } | undefined;
  let storageFailure: RpcFailure | undefined;
  let releaseLock: (() => void) | undefined;
  let callCount = 0;
  /** Accounts this tab asked to sync live: asked again of each new owner. */
  const liveWanted = new Set<string>();
  const renewLiveSync = (): void => {
    for (const address of liveWanted)
      execute("startLiveSync", [address]).catch(() => {
        // Locked by now: live sync starts again when the tab asks after unlocking.
      });
  };

  /**
   * The live queries of one item (the item a person has open): on a commit they run, and their
   * deltas leave, before the others (the list, the badges), which the page would otherwise fold
   * and draw first.
   */
  const firstListeners = new WeakSet<() => void>();
  const changed = (address: string): void => {
    const targets =
      address === "*"
        ? [...changeListeners.values()].flatMap((set) => [...set])
        : [...(changeListeners.get(address) ?? [])];
    for (const listener of targets) if (firstListeners.has(listener)) listener();
    for (const listener of targets) if (!firstListeners.has(listener)) listener();
  };

  const holdSession = (address: string, vaultKey: Uint8Array): void => {
    sessions.get(address)?.fill(0);
    sessions.set(address, vaultKey.slice() as VaultKey);
  };
  const dropSession = (address: string): void => {
    sessions.get(address)?.fill(0);
    sessions.delete(address);
  };

  /** Runs a call on this worker's own service (it owns the database). */
  const serve = async (method: MethodName, args: readonly unknown[]): Promise<unknown> => {
    if (owner === undefined) throw new Error("not the owner");
    const fn = owner.service.api[method] as (...a: readonly unknown[]) => unknown;
    return await fn(...args);
  };

  /** `toFailure`; any failure of a call during which the quota refused a write is `storage-full`. */
  const classify = (error: unknown): RpcFailure =>
    platform.quotaExceeded?.() === true ? { kind: "storage-full" } : toFailure(error);

  const forward = (method: MethodName, args: readonly unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = `${workerId}:${++callCount}`;
      forwarded.set(id, { method, args, accepted: false, resolve, reject });
      if (ownerId !== undefined)
        post({ type: "call", from: workerId, to: ownerId, id, method, args });
    });

  /** A call from this tab: served here if this worker owns the database, else by the owner. */
  const execute = async (method: MethodName, args: readonly unknown[]): Promise<unknown> => {
    if (!METHOD_NAMES.includes(method))
      throw failureError({ kind: "internal", message: `no method ${String(method)}` });
    if (storageFailure !== undefined) throw failureError(storageFailure);
    if (owner !== undefined) {
      platform.quotaExceeded?.();
      try {
        return await serve(method, args);
      } catch (error) {
        throw failureError(classify(error));
      }
    }
    try {
      return await forward(method, args);
    } catch (failure) {
      throw failureError(failure as RpcFailure);
    }
  };

  const becomeOwner = async (): Promise<void> => {
    try {
      const opened = await platform.openStorage();
      const service = createVaultService(opened.storage, deps, {
        ...(network === undefined ? {} : { network: network.hooks }),
        ...(platform.viewOpener === undefined ? {} : { viewOpener: platform.viewOpener }),
        onUnlock: (session) => {
          holdSession(session.address, session.vaultKey);
          post({ type: "session", address: session.address, vaultKey: session.vaultKey });
          session.vaultKey.fill(0);
          post({ type: "changed", address: session.address });
          changed(session.address);
        },
        onLock: (address) => {
          dropSession(address);
          post({ type: "locked", address });
          post({ type: "changed", address });
          changed(address);
        },
        onCommit: (address) => {
          post({ type: "changed", address });
          changed(address);
        },
      });
      for (const [address, vaultKey] of sessions) {
        service.adopt({ address: address as Address, vaultKey });
      }
      owner = { service, close: opened.close };
    } catch (error) {
      storageFailure = {
        kind: "no-storage",
        reason: error instanceof Error ? error.message : "the vault storage did not open",
      };
    }
    ownerId = workerId;
    scope.postMessage({ type: "role", workerId, owner: true });
    post({ type: "owner", from: workerId });
    // Calls this tab had sent to the lost owner: re-run here, or fail if that owner had taken them.
    for (const [id, call] of forwarded) {
      forwarded.delete(id);
      if (call.accepted) call.reject({ kind: "owner-lost", method: call.method });
      else
        execute(call.method, call.args).then(call.resolve, (error: unknown) =>
          call.reject(failureOf(error)),
        );
    }
    post({ type: "changed", address: "*" });
    changed("*");
    renewLiveSync();
  };

  const onPeer = (message: PeerMessage): void => {
    switch (message.type) {
      case "hello":
        if (owner === undefined && storageFailure === undefined) return;
        post({ type: "owner", from: workerId });
        for (const [address, vaultKey] of sessions)
          post({ type: "session", to: message.from, address, vaultKey });
        return;
      case "owner": {
        if (message.from === ownerId) return;
        ownerId = message.from;
        for (const [id, call] of forwarded) {
          if (call.accepted) {
            forwarded.delete(id);
            call.reject({ kind: "owner-lost", method: call.method });
          } else {
            post({
              type: "call",
              from: workerId,
              to: message.from,
              id,
              method: call.method,
              args: call.args,
            });
          }
        }
        changed("*");
        renewLiveSync();
        return;
      }
      case "call": {
        if (message.to !== workerId || served.has(message.id)) return;
        served.add(message.id);
        post({ type: "accepted", to: message.from, id: message.id });
        execute(message.method, message.args).then(
          (value) => post({ type: "result", to: message.from, id: message.id, ok: true, value }),
          (error: unknown) =>
            post({
              type: "result",
              to: message.from,
              id: message.id,
              ok: false,
              failure: failureOf(error),
            }),
        );
        return;
      }
      case "accepted": {
        const call = message.to === workerId ? forwarded.get(message.id) : undefined;
        if (call !== undefined) call.accepted = true;
        return;
      }
      case "result": {
        if (message.to !== workerId) return;
        const call = forwarded.get(message.id);
        if (call === undefined) return;
        forwarded.delete(message.id);
        if (message.ok) call.resolve(message.value);
        else call.reject(message.failure);
        return;
      }
      case "changed":
        changed(message.address);
        return;
      case "session":
        if (message.to === undefined || message.to === workerId)
          holdSession(message.address, message.vaultKey);
        return;
      case "locked":
        dropSession(message.address);
        return;
    }
  };

  const reply = (message: WorkerToPage): void => scope.postMessage(message);

  const onPage = (message: PageToWorker): void => {
    switch (message.type) {
      case "call":
        if (message.method === "startLiveSync") liveWanted.add(String(message.args[0]));
        if (message.method === "stopLiveSync" || message.method === "lock")
          liveWanted.delete(String(message.args[0]));
        execute(message.method, message.args).then(
          (value) => reply({ type: "result", id: message.id, ok: true, value }),
          (error: unknown) =>
            reply({ type: "result", id: message.id, ok: false, failure: failureOf(error) }),
        );
        return;
      case "network":
        network?.heard(message.online);
        return;
      case "watch": {
        const { id, address, query } = message;
        watches.get(id)?.();
        // Signal only: the fold runs here and the page hears that the result changed, no more
        // (a badge that recounts after each change of the items needs no item in the page).
        const onDelta =
          message.signalOnly === true
            ? (liveResults(() => reply({ type: "changed", id })) as (delta: LiveDelta) => void)
            : (delta: LiveDelta) => reply({ type: "live", id, delta });
        // Deltas: after an edit, one row crosses to the page, which patches its last result. The
        // owner runs the query itself, inside the commit notice (`worker-live-query.ts`).
        const stop = followInWorker({
          runHere: (since) =>
            owner !== undefined && storageFailure === undefined
              ? owner.service.api.queryDelta(address, query, since)
              : undefined,
          runThere: (since) => execute("queryDelta", [address, query, since]) as Promise<LiveDelta>,
          // While the owner opens a vault's items just unlocked, a query waits for the notice that
          // they are open instead of opening them all again itself.
          waiting: () => owner?.service.warming(address) !== undefined,
          changes: (onChange) => {
            const set = changeListeners.get(address) ?? new Set();
            if (query.kind === "item") firstListeners.add(onChange);
            set.add(onChange);
            changeListeners.set(address, set);
            return () => set.delete(onChange);
          },
          onDelta,
          onError: (error) => reply({ type: "live-failure", id, failure: failureOf(error) }),
        });
        watches.set(id, stop);
        return;
      }
      case "unwatch":
        watches.get(message.id)?.();
        watches.delete(message.id);
        return;
      case "close":
        for (const stop of watches.values()) stop();
        watches.clear();
        for (const address of sessions.keys()) dropSession(address);
        if (owner !== undefined) {
          owner.service.close();
          owner.close();
          owner = undefined;
          releaseLock?.();
        }
        return;
    }
  };

  channel.onmessage = (event) => onPeer(event.data as PeerMessage);
  scope.addEventListener("message", (event) => onPage(event.data as PageToWorker));
  scope.postMessage({ type: "role", workerId, owner: false });
  post({ type: "hello", from: workerId });
  void platform.locks.request(
    OWNER_LOCK,
    () =>
      new Promise<void>((release) => {
        releaseLock = release;
        void becomeOwner();
      }),
  );
};

/** Carries an `RpcFailure` through a promise rejection. */
class FailureError extends Error {
  constructor(readonly failure: RpcFailure) {
    super(failure.kind);
  }
}

const failureError = (failure: RpcFailure): FailureError => new FailureError(failure);

const failureOf = (error: unknown): RpcFailure =>
  error instanceof FailureError ? error.failure : toFailure(error);

/** Names a thrown error for the page, without its stack (and never with a value: SQLite's messages carry none). */
const toFailure = (error: unknown): RpcFailure => {
  if (error instanceof FailureError) return error.failure;
  if (error instanceof VaultLockedError) return { kind: "locked", address: error.address };
  const message = error instanceof Error ? error.message : String(error);
  if (
    /SQLITE_FULL|QuotaExceeded|quota/i.test(message) ||
    (error instanceof Error && error.name === "QuotaExceededError")
  )
    return { kind: "storage-full" };
  if (message.endsWith(" is locked"))
    return { kind: "locked", address: message.split(" ")[3] ?? "" };
  return { kind: "internal", message };
};

/**
 * The worker's own online/offline events, and those its page passes on (`network` messages), as
 * one source: a change is told to live sync once, whichever reports it first.
 */
const pageAwareNetwork = (own: VaultWorkerPlatform["network"]) => {
  if (own === undefined) return undefined;
  let online = own.online();
  const listeners = new Set<(online: boolean) => void>();
  const heard = (now: boolean): void => {
    if (now === online) return;
    online = now;
    for (const listener of listeners) listener(now);
  };
  own.subscribe(heard);
  const hooks: NonNullable<VaultWorkerPlatform["network"]> = {
    online: () => online,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { hooks, heard };
};
