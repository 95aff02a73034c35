/**
 * What a new replica of Yjs, Loro and Automerge does in place of a new device's first sync: load
 * the document's whole state (as its peers save or send it) into a fresh replica, then list every
 * item's title. The state is saved from a replica that applied the workload's update stream.
 */

import * as Automerge from "@automerge/automerge";
import { LoroDoc, LoroMap } from "loro-crdt";
import * as Y from "yjs";
import type { MergeTarget } from "../merge/contender.ts";

export interface LoadedReplica extends MergeTarget {
  /** Every item's title, as a list of the vault shows them. */
  readonly titles: () => readonly (string | undefined)[];
}

export interface CrdtLoad {
  readonly key: string;
  readonly label: string;
  readonly includes: string;
  /** Untimed: applies the stream to a source replica and saves its whole state. */
  readonly save: (stream: readonly Uint8Array[]) => Uint8Array;
  /** Timed: a fresh replica loaded from the saved state. */
  readonly load: (state: Uint8Array) => LoadedReplica;
}

/** A load worker's answer to one run. */
export interface LoadReply {
  readonly ms: number;
  readonly stateBytes: number;
}

type AutomergeVault = Record<string, Record<string, Automerge.ImmutableString>>;

const yjsItems = (doc: Y.Doc): Y.Map<Y.Map<string>> => doc.getMap<Y.Map<string>>("items");

export const crdtLoads: readonly CrdtLoad[] = [
  {
    key: "yjs",
    label: "Yjs: load the state into a fresh replica, list",
    includes:
      "Yjs: `Y.applyUpdate` of `Y.encodeStateAsUpdate` of the source document (its whole state, v1 encoding) into a fresh `Y.Doc`, then every item's title read.",
    save: (stream) => {
      const doc = new Y.Doc();
      doc.transact(() => {
        for (const update of stream) Y.applyUpdate(doc, update);
      });
      const state = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      return state;
    },
    load: (state) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      return {
        applyAt: () => undefined,
        read: (itemKey, field) => yjsItems(doc).get(itemKey)?.get(field),
        titles: () => [...yjsItems(doc).values()].map((item) => item.get("title")),
        dispose: () => doc.destroy(),
      };
    },
  },
  {
    key: "loro",
    label: "Loro: import the snapshot into a fresh replica, list",
    includes:
      "Loro: `doc.import` of the source document's snapshot (`export({ mode: \"snapshot\" })`, history included) into a fresh `LoroDoc`, then every item's title read.",
    save: (stream) => {
      const doc = new LoroDoc();
      doc.importBatch([...stream]);
      const state = doc.export({ mode: "snapshot" });
      doc.free();
      return state;
    },
    load: (state) => {
      const doc = new LoroDoc();
      doc.import(state);
      const read = (itemKey: string, field: string): string | undefined => {
        const item = doc.getMap("items").get(itemKey);
        const value: unknown = item instanceof LoroMap ? item.get(field) : undefined;
        return typeof value === "string" ? value : undefined;
      };
      return {
        applyAt: () => undefined,
        read,
        titles: () =>
          doc
            .getMap("items")
            .keys()
            .map((key) => read(key, "title")),
        dispose: () => doc.free(),
      };
    },
  },
  {
    key: "automerge",
    label: "Automerge: load the saved document, list",
    includes:
      "Automerge: `Automerge.load` of `Automerge.save` of the source document (compressed, history included), then every item's title read through the document API.",
    save: (stream) => {
      const [doc] = Automerge.applyChanges(Automerge.init<AutomergeVault>(), [...stream]);
      const state = Automerge.save(doc);
      Automerge.free(doc);
      return state;
    },
    load: (state) => {
      const doc = Automerge.load<AutomergeVault>(state);
      return {
        applyAt: () => undefined,
        read: (itemKey, field) => doc[itemKey]?.[field]?.val,
        titles: () => Object.values(doc).map((item) => item["title"]?.val),
        dispose: () => Automerge.free(doc),
      };
    },
  },
];

export const crdtLoadByKey = (key: string): CrdtLoad => {
  const found = crdtLoads.find((c) => c.key === key);
  if (found === undefined) throw new Error(`unknown CRDT load ${key}`);
  return found;
};
