/**
 * Vault snapshots: every item's merge state as of a verified chain checkpoint, compressed and
 * sealed under the vault key with the checkpoint in the associated data, so a server can store
 * one but neither read nor forge it, nor pass it off as another position's. A new device starts
 * from a snapshot plus the events after it, without replaying the log; every write ever made is
 * in the item states, so the full history comes with it.
 */

import { asPlainBytes, bytesToHex, err, ok, type Result } from "@keypears/base";
import { associatedData, open, seal, type VaultKeys } from "@keypears/crypto";
import {
  type ChainHash,
  type Checkpoint,
  decodeItemState,
  type ItemState,
  type RandomBytes,
  type VaultId,
} from "@keypears/sync-core";
import { decode, encode } from "cborg";
import { type Compression, fflateCompression } from "./compression.ts";

const SNAPSHOT_FORMAT = 1;
/** A snapshot inflates to at most this much; more is refused (a zip bomb, or not ours). */
export const MAX_SNAPSHOT_PLAINTEXT = 512 * 1024 * 1024;

export type SnapshotError =
  | { readonly kind: "tampered"; readonly what: "snapshot"; readonly id: string }
  | { readonly kind: "invalid-snapshot"; readonly reason: string };

const snapshotAd = (vaultId: VaultId, checkpoint: Checkpoint) =>
  associatedData("snapshot", vaultId, checkpoint.position, bytesToHex(checkpoint.hash));

export const sealSnapshot = (
  keys: VaultKeys,
  vaultId: VaultId,
  checkpoint: Checkpoint,
  states: readonly Uint8Array[],
  random: RandomBytes,
  compression: Compression = fflateCompression,
): Uint8Array => {
  const plain = encode([SNAPSHOT_FORMAT, states]);
  return seal(keys.eventKey, compression.deflate(plain), snapshotAd(vaultId, checkpoint), random);
};

/** Opens a snapshot that claims to be of `checkpoint`, and decodes every item state in it. */
export const openSnapshot = (
  keys: VaultKeys,
  vaultId: VaultId,
  checkpoint: Checkpoint,
  payload: Uint8Array,
  compression: Compression = fflateCompression,
): Result<readonly ItemState[], SnapshotError> => {
  const opened = open(keys.eventKey, payload, snapshotAd(vaultId, checkpoint));
  if (!opened.ok)
    return err({ kind: "tampered", what: "snapshot", id: `${vaultId}@${checkpoint.position}` });
  let states: unknown;
  try {
    const [format, list] = decode(
      asPlainBytes(compression.inflate(opened.value, MAX_SNAPSHOT_PLAINTEXT)),
      {
        strict: true,
      },
    ) as [unknown, unknown];
    if (format !== SNAPSHOT_FORMAT || !Array.isArray(list))
      return err({ kind: "invalid-snapshot", reason: "unknown format" });
    states = list;
  } catch (error) {
    return err({
      kind: "invalid-snapshot",
      reason: error instanceof Error ? error.message : "undecodable",
    });
  }
  const out: ItemState[] = [];
  for (const bytes of states as unknown[]) {
    if (!(bytes instanceof Uint8Array))
      return err({ kind: "invalid-snapshot", reason: "an item state is not bytes" });
    const state = decodeItemState(asPlainBytes(bytes));
    if (!state.ok) return err({ kind: "invalid-snapshot", reason: state.error.reason });
    out.push(state.value);
  }
  return ok(out);
};

export type { ChainHash };
