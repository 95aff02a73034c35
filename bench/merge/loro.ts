/** Loro in the merge benchmark: a root map of per-item maps, one commit and one exported update per set. */

import { LoroDoc, LoroMap } from "loro-crdt";
import type { MergeContender } from "./contender.ts";

export const loro: MergeContender = {
  key: "loro",
  label: "Loro",
  includes:
    "Loro: `doc.import` of each update (WASM); a field set is last-writer-wins on a per-item `LoroMap`.",
  source: {
    key: "loro",
    encode: (workload) => {
      const doc = new LoroDoc();
      doc.setPeerId(1);
      const items = doc.getMap("items");
      const updates: Uint8Array[] = [];
      let from = doc.oplogVersion();
      for (const set of workload.sets) {
        const item = items.getOrCreateContainer(
          workload.itemKeys[set.item] as string,
          new LoroMap(),
        );
        item.set(set.field, set.value);
        doc.commit();
        updates.push(doc.export({ mode: "update", from }));
        from = doc.oplogVersion();
      }
      doc.free();
      return updates;
    },
  },
  receiver: (stream) => () => {
    const doc = new LoroDoc();
    return {
      applyAt: (index) => {
        doc.import(stream[index] as Uint8Array);
      },
      read: (itemKey, field) => {
        const item = doc.getMap("items").get(itemKey);
        const value: unknown = item instanceof LoroMap ? item.get(field) : undefined;
        return typeof value === "string" ? value : undefined;
      },
      dispose: () => doc.free(),
    };
  },
};
