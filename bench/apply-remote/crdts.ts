/**
 * Yjs, Loro and Automerge in the apply benchmark, on their update streams for the same workload:
 * applied one update at a time to a fresh replica (the merge benchmark's receivers), and as one
 * batch (all updates in one call or one transaction). All in memory: none encrypts or persists.
 */

import * as Automerge from "@automerge/automerge";
import { LoroDoc, LoroMap } from "loro-crdt";
import * as Y from "yjs";
import { readFrames } from "../lib/frames.ts";
import { automergeBackend } from "../merge/automerge.ts";
import { createMergeCheck } from "../merge/check.ts";
import type { MergeContender, MergeTarget } from "../merge/contender.ts";
import { loro } from "../merge/loro.ts";
import { yjs } from "../merge/yjs.ts";
import { createMergeWorkload } from "../merge/workload.ts";
import type { ApplyContender, ApplyInput } from "./contender.ts";

const streamOf = (input: ApplyInput, sourceKey: string): Uint8Array[] => {
  const file = input.streams[sourceKey];
  if (file === undefined) throw new Error(`no ${sourceKey} stream`);
  return readFrames(file);
};

/** One update at a time, through the merge benchmark's receiver of `contender`. */
const oneAtATime = (
  contender: MergeContender,
  label: string,
  budgetMs: number,
): ApplyContender => ({
  key: `${contender.key}-each`,
  label,
  includes: contender.includes,
  group: "crdt",
  budgetMs,
  minRuns: 2,
  prepare: (input) => {
    const stream = streamOf(input, contender.source.key);
    const fresh = contender.receiver(stream);
    const check = createMergeCheck(createMergeWorkload(input.size));
    return async ({ share }) => {
      const target = fresh();
      const count = Math.ceil(stream.length * share);
      return {
        apply: () => {
          for (let i = 0; i < count; i++) target.applyAt(i);
        },
        check: () => check(label, target, count),
        dispose: () => target.dispose(),
      };
    };
  },
});

/** The whole stream in one call; `target` makes a fresh replica whose `applyAt` ignores its index. */
const batch = (
  key: string,
  sourceKey: string,
  label: string,
  includes: string,
  target: (stream: readonly Uint8Array[]) => MergeTarget,
): ApplyContender => ({
  key,
  label,
  includes,
  group: "crdt",
  budgetMs: 20_000,
  minRuns: 3,
  prepare: (input) => {
    const stream = streamOf(input, sourceKey);
    const check = createMergeCheck(createMergeWorkload(input.size));
    return async () => {
      const replica = target(stream);
      return {
        apply: () => replica.applyAt(0),
        check: () => check(label, replica, stream.length),
        dispose: () => replica.dispose(),
      };
    };
  },
});

const yjsItems = (doc: Y.Doc): Y.Map<Y.Map<string>> => doc.getMap<Y.Map<string>>("items");

export const crdtContenders: readonly ApplyContender[] = [
  oneAtATime(yjs, "Yjs, one update at a time", 30_000),
  batch(
    "yjs-batch",
    yjs.source.key,
    "Yjs, one batch",
    "Yjs, one batch: every update applied with `Y.applyUpdate` inside one `doc.transact`.",
    (stream) => {
      const doc = new Y.Doc();
      return {
        applyAt: () =>
          doc.transact(() => {
            for (const update of stream) Y.applyUpdate(doc, update);
          }),
        read: (itemKey, field) => yjsItems(doc).get(itemKey)?.get(field),
        dispose: () => doc.destroy(),
      };
    },
  ),
  oneAtATime(loro, "Loro, one update at a time", 30_000),
  batch(
    "loro-batch",
    loro.source.key,
    "Loro, one batch",
    "Loro, one batch: `doc.importBatch` of every update.",
    (stream) => {
      const doc = new LoroDoc();
      return {
        applyAt: () => {
          doc.importBatch([...stream]);
        },
        read: (itemKey, field) => {
          const item = doc.getMap("items").get(itemKey);
          const value: unknown = item instanceof LoroMap ? item.get(field) : undefined;
          return typeof value === "string" ? value : undefined;
        },
        dispose: () => doc.free(),
      };
    },
  ),
  oneAtATime(automergeBackend, "Automerge (backend), one change at a time", 20_000),
  batch(
    "automerge-batch",
    automergeBackend.source.key,
    "Automerge, one batch",
    "Automerge, one batch: `Automerge.applyChanges(doc, changes)` with every change, the document API (its JS view is updated once).",
    (stream) => {
      type Vault = Record<string, Record<string, Automerge.ImmutableString>>;
      let doc = Automerge.init<Vault>();
      return {
        applyAt: () => {
          [doc] = Automerge.applyChanges(doc, [...stream]);
        },
        read: (itemKey, field) => doc[itemKey]?.[field]?.val,
        dispose: () => Automerge.free(doc),
      };
    },
  ),
];
