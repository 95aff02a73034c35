/**
 * A `ViewOpener` on a helper worker (`view-opener-entry.ts`): the vault worker hands it a share of
 * the sealed item views at unlock and opens the rest itself, so a large vault's views are opened
 * on two cores instead of one (see `Vault.preloadItems`). The helper starts when first asked for
 * and answers each share with one JSON string, parsed here at once.
 */

import type { VaultId } from "@keypears/sync-core";
import type { Item, SealedView, ViewOpener } from "@keypears/vault/core";

export interface ViewOpenRequest {
  readonly id: number;
  readonly storeKey: Uint8Array;
  readonly vaultId: VaultId;
  readonly rows: readonly SealedView[];
}

/** The opened views as a JSON array, or null when the helper failed. */
export interface ViewOpenAnswer {
  readonly id: number;
  readonly json: string | null;
}

/** The parts of a `Worker` this module uses. */
export interface HelperWorker {
  readonly postMessage: (message: ViewOpenRequest) => void;
  readonly addEventListener: (
    type: "message" | "error",
    listener: (event: { data?: unknown }) => void,
  ) => void;
  readonly terminate: () => void;
}

export interface WorkerViewOpener {
  readonly open: ViewOpener;
  /** Starts the helper now (at the start of an unlock: it is ready when the key is). */
  readonly warm: () => void;
  readonly close: () => void;
}

export const createWorkerViewOpener = (start: () => HelperWorker): WorkerViewOpener => {
  let worker: HelperWorker | undefined;
  let nextId = 0;
  const waiting = new Map<
    number,
    { resolve: (items: readonly (Item | null)[]) => void; reject: (error: Error) => void }
  >();
  const failAll = (): void => {
    for (const call of waiting.values()) call.reject(new Error("the view opener failed"));
    waiting.clear();
    worker?.terminate();
    worker = undefined;
  };
  const helper = (): HelperWorker => {
    if (worker !== undefined) return worker;
    const started = start();
    started.addEventListener("message", (event) => {
      const answer = event.data as ViewOpenAnswer;
      const call = waiting.get(answer.id);
      if (call === undefined) return;
      waiting.delete(answer.id);
      if (answer.json === null) call.reject(new Error("the view opener failed"));
      else call.resolve(JSON.parse(answer.json) as readonly (Item | null)[]);
    });
    started.addEventListener("error", failAll);
    worker = started;
    return started;
  };
  return {
    open: ({ storeKey, vaultId, rows }) =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        waiting.set(id, { resolve, reject });
        helper().postMessage({ id, storeKey: storeKey.slice(), vaultId, rows });
      }),
    warm: () => void helper(),
    close: failAll,
  };
};
