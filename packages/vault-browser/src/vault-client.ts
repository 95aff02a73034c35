/**
 * The page's side of the browser vault: an async mirror of `VaultApi` (every method returns a
 * promise of what the vault method returns) plus live queries, talking to this tab's vault
 * worker, which serves the call or forwards it to the tab that owns the database.
 */

import { type LiveDelta, type LiveQuery, type LiveResult, liveResults } from "@keypears/vault/core";
import { METHOD_NAMES, type PageToWorker, type RpcFailure, type WorkerToPage } from "./protocol.ts";
import type { VaultApi } from "./vault-service.ts";

/** Each method of `VaultApi`, answered asynchronously. */
export type AsyncVaultApi = {
  readonly [K in keyof VaultApi]: VaultApi[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/** A call that failed for a reason other than the vault's own `Result` error. */
export class VaultRpcError extends Error {
  constructor(readonly failure: RpcFailure) {
    super(describeRpcFailure(failure));
    this.name = "VaultRpcError";
  }
}

export interface VaultClient extends AsyncVaultApi {
  /**
   * Subscribes to a live query: `onResult` gets the result at once, then after every commit that
   * changed it (local, from sync, from any tab), never the same result twice. `onFailure` hears of
   * a run that failed (the vault locked); the query keeps listening. Returns the unsubscribe.
   */
  readonly watch: <Q extends LiveQuery>(
    address: string,
    query: Q,
    onResult: (result: LiveResult<Q>) => void,
    onFailure?: (failure: RpcFailure) => void,
  ) => () => void;
  /**
   * Like `watch`, but `onChange` only hears that the result changed (at once for the first
   * result, then after every commit that changed it): the result stays in the worker. For a page
   * that recomputes something elsewhere on change, so that it never receives 10,000 items.
   */
  readonly watchChanges: (
    address: string,
    query: LiveQuery,
    onChange: () => void,
    onFailure?: (failure: RpcFailure) => void,
  ) => () => void;
  /** Whether this tab's worker owns the database (for diagnostics and tests). */
  readonly isOwner: () => boolean;
  /** Asks the browser to keep this origin's storage under pressure; true if granted. */
  readonly persist: () => Promise<boolean>;
  /** Stops the worker; an owner first releases the database for the next tab. */
  readonly close: () => void;
}

/** The parts of a `Worker` the client uses. */
export interface WorkerPort {
  readonly postMessage: (message: PageToWorker) => void;
  readonly addEventListener: (
    type: "message",
    listener: (event: { data: unknown }) => void,
  ) => void;
  readonly terminate: () => void;
}

export const connectVault = (worker: WorkerPort): VaultClient => {
  let nextId = 0;
  let owner = false;
  const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const watches = new Map<
    number,
    {
      /** A delta of a watch, or nothing for a signal-only watch. */
      readonly onDelta: (delta: LiveDelta | undefined) => void;
      readonly onFailure?: ((failure: RpcFailure) => void) | undefined;
    }
  >();

  worker.addEventListener("message", (event) => {
    const message = event.data as WorkerToPage;
    switch (message.type) {
      case "result": {
        const call = calls.get(message.id);
        calls.delete(message.id);
        if (message.ok) call?.resolve(message.value);
        else call?.reject(new VaultRpcError(message.failure));
        return;
      }
      case "live":
        watches.get(message.id)?.onDelta(message.delta);
        return;
      case "changed":
        watches.get(message.id)?.onDelta(undefined);
        return;
      case "live-failure":
        watches.get(message.id)?.onFailure?.(message.failure);
        return;
      case "role":
        owner = message.owner;
        return;
    }
  });

  const call =
    (method: (typeof METHOD_NAMES)[number]) =>
    (...args: readonly unknown[]): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        calls.set(id, { resolve, reject });
        worker.postMessage({ type: "call", id, method, args });
      });

  const api = Object.fromEntries(
    METHOD_NAMES.map((name) => [name, call(name)]),
  ) as unknown as AsyncVaultApi;
  const close = (): void => {
    worker.postMessage({ type: "close" });
    for (const pending of calls.values())
      pending.reject(new VaultRpcError({ kind: "internal", message: "the vault client closed" }));
    calls.clear();
    // Let the worker release the database before it stops.
    setTimeout(() => worker.terminate(), 50);
  };
  return {
    ...api,
    watch: (address, query, onResult, onFailure) => {
      const id = ++nextId;
      // The worker sends deltas; the result is folded here, and handed on only when it changed.
      const fold = liveResults(onResult) as (delta: LiveDelta) => void;
      watches.set(id, {
        onDelta: (delta) => {
          if (delta !== undefined) fold(delta);
        },
        onFailure,
      });
      worker.postMessage({ type: "watch", id, address, query });
      return () => {
        watches.delete(id);
        worker.postMessage({ type: "unwatch", id });
      };
    },
    watchChanges: (address, query, onChange, onFailure) => {
      const id = ++nextId;
      watches.set(id, {
        onDelta: (delta) => {
          if (delta === undefined) onChange();
        },
        onFailure,
      });
      worker.postMessage({ type: "watch", id, address, query, signalOnly: true });
      return () => {
        watches.delete(id);
        worker.postMessage({ type: "unwatch", id });
      };
    },
    isOwner: () => owner,
    persist: async () => {
      const storage = (
        globalThis as { navigator?: { storage?: { persist?: () => Promise<boolean> } } }
      ).navigator?.storage;
      return storage?.persist === undefined ? false : await storage.persist();
    },
    close,
  };
};

/** A message for a person: what happened and what to do. */
export const describeRpcFailure = (failure: RpcFailure): string => {
  switch (failure.kind) {
    case "locked":
      return `the vault of ${failure.address} is locked; unlock it to continue`;
    case "owner-lost":
      return `the tab that held the vault closed while "${failure.method}" was running: it may or may not have been saved; check, then try again`;
    case "storage-full":
      return "the browser's storage for this site is full: this change was not saved (earlier ones are safe); free some space and try again";
    case "no-storage":
      return `this browser cannot keep the vault on this device (${failure.reason})`;
    case "internal":
      return `the vault failed: ${failure.message}`;
  }
};
