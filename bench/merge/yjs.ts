/** Yjs in the merge benchmark: a top-level map of per-item maps, one update per transaction. */

import * as Y from "yjs";
import type { MergeContender } from "./contender.ts";

const itemsOf = (doc: Y.Doc): Y.Map<Y.Map<string>> => doc.getMap<Y.Map<string>>("items");

export const yjs: MergeContender = {
  key: "yjs",
  label: "Yjs",
  includes:
    "Yjs: `Y.applyUpdate` of each update (v1 encoding); a field set overwrites the key of a per-item `Y.Map` (the older value is dropped, no conflict is reported).",
  source: {
    key: "yjs",
    encode: (workload) => {
      const doc = new Y.Doc();
      doc.clientID = 1;
      const items = itemsOf(doc);
      const updates: Uint8Array[] = [];
      doc.on("update", (update: Uint8Array) => updates.push(update));
      for (const set of workload.sets) {
        const key = workload.itemKeys[set.item] as string;
        doc.transact(() => {
          let item = items.get(key);
          if (item === undefined) {
            item = new Y.Map<string>();
            items.set(key, item);
          }
          item.set(set.field, set.value);
        });
      }
      doc.destroy();
      return updates;
    },
  },
  receiver: (stream) => () => {
    const doc = new Y.Doc();
    return {
      applyAt: (index) => Y.applyUpdate(doc, stream[index] as Uint8Array),
      read: (itemKey, field) => itemsOf(doc).get(itemKey)?.get(field),
      dispose: () => doc.destroy(),
    };
  },
};
