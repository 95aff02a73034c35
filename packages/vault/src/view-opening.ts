/**
 * Opening every item's sealed view at once, with part of the work on another thread: what an
 * unlock of a large vault waits for before its list shows (a browser opens each view with
 * JavaScript's XChaCha20-Poly1305, some 20 µs an item). `Vault.preloadItems` reads the views and
 * hands a share of them to a `ViewOpener` (a helper worker in the browser), opening the rest
 * itself meanwhile; `openViewsAsJson` is what the helper runs.
 */

import type { ItemId, VaultId } from "@keypears/sync-core";
import type { Item } from "./item.ts";
import { openItemViewBytes } from "./sealing.ts";

/** One item's row as the vault file holds it: its id and its sealed view. */
export interface SealedView {
  readonly id: ItemId;
  readonly view: Uint8Array;
}

/**
 * Opens sealed views elsewhere (another thread) with the vault's store key: the items in the
 * order of `rows`, null for a view that does not open (the vault reports it as tampered). A
 * rejection makes the vault open that share itself.
 */
export type ViewOpener = (request: {
  readonly storeKey: Uint8Array;
  readonly vaultId: VaultId;
  readonly rows: readonly SealedView[];
}) => Promise<readonly (Item | null)[]>;

const decoder = new TextDecoder();

/**
 * Opens the views and returns them as one JSON array (an item's view is its JSON, as
 * `encodeItem` wrote it; null for one that does not open), so a whole share crosses back to the
 * vault's thread as one string, parsed there at once, instead of objects cloned one by one.
 */
export const openViewsAsJson = (
  storeKey: Uint8Array,
  vaultId: VaultId,
  rows: readonly SealedView[],
): string => {
  const parts: string[] = [];
  for (const row of rows) {
    const opened = openItemViewBytes(storeKey, vaultId, row.id, row.view);
    parts.push(opened === undefined ? "null" : decoder.decode(opened));
  }
  return `[${parts.join(",")}]`;
};
