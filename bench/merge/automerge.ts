/**
 * Automerge in the merge benchmark: the root map holds a map per item, each field an
 * `ImmutableString` (a last-writer-wins register, like the other systems' map values, rather than
 * collaborative text). One change per set, applied one at a time.
 */

import * as Automerge from "@automerge/automerge";
import type { MergeContender, MergeSource } from "./contender.ts";

type Vault = Record<string, Record<string, Automerge.ImmutableString>>;
type Backend = ReturnType<typeof Automerge.getBackend>;

const ROOT = "_root";
/** Change timestamps in seconds from 2026-01-01, so the stream is the same on every run. */
const START_SECONDS = Date.UTC(2026, 0, 1) / 1000;

/**
 * Writes through the document's backend (`put`, `commit`, `getLastLocalChange`). The changes are
 * byte for byte those `Automerge.change` makes, but `change` refreshes the immutable JS document,
 * which copies the 10,000-key root on every call and would make preparing the stream take minutes.
 */
const automergeSource: MergeSource = {
  key: "automerge",
  encode: (workload) => {
    const doc = Automerge.init<Vault>({ actor: "01".repeat(16) });
    const backend = Automerge.getBackend(doc);
    const objectByItem = new Map<string, string>();
    const changes = workload.sets.map((set, i) => {
      const key = workload.itemKeys[set.item] as string;
      let object = objectByItem.get(key);
      if (object === undefined) {
        object = backend.putObject(ROOT, key, {});
        objectByItem.set(key, object);
      }
      backend.put(object, set.field, set.value, "str");
      backend.commit(null, START_SECONDS + i);
      const change = backend.getLastLocalChange();
      if (change === null) throw new Error("automerge made no change");
      return change;
    });
    Automerge.free(doc);
    return changes;
  },
};

const readBackend = (backend: Backend, itemKey: string, field: string): string | undefined => {
  const item = backend.getWithType(ROOT, itemKey);
  if (item === null || item[0] !== "map") return undefined;
  const value = backend.getWithType(item[1], field);
  return value !== null && value[0] === "str" ? value[1] : undefined;
};

export const automerge: MergeContender = {
  key: "automerge",
  label: "Automerge",
  includes:
    "Automerge: `Automerge.applyChanges(doc, [change])`, the document API an app uses; each call also updates the immutable JS view of the document, copying the root map (one key per item), so the cost per change grows with the number of items.",
  source: automergeSource,
  receiver: (stream) => () => {
    let doc = Automerge.init<Vault>();
    return {
      applyAt: (index) => {
        [doc] = Automerge.applyChanges(doc, [stream[index] as Uint8Array]);
      },
      read: (itemKey, field) => doc[itemKey]?.[field]?.val,
      dispose: () => Automerge.free(doc),
    };
  },
};

export const automergeBackend: MergeContender = {
  key: "automerge-backend",
  label: "Automerge, backend only",
  includes:
    "Automerge, backend only: the WASM engine's `applyChanges([change])` without the JS document (read back through the backend), the fair comparison with Loro's `import`.",
  source: automergeSource,
  receiver: (stream) => () => {
    const doc = Automerge.init<Vault>();
    const backend = Automerge.getBackend(doc);
    return {
      applyAt: (index) => backend.applyChanges([stream[index] as Uint8Array]),
      read: (itemKey, field) => readBackend(backend, itemKey, field),
      dispose: () => Automerge.free(doc),
    };
  },
};
