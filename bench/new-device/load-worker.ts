/**
 * One CRDT's load in its own process. Usage (started by the new-device benchmark):
 *   node --import tsx --expose-gc load-worker.ts <system> <stream-file> <sets> <items>
 * Saves the source state once (untimed); each request times a load into a fresh replica and a
 * list of every title, then checks the replica (untimed).
 */

import { readFrames } from "../lib/frames.ts";
import { timed } from "../lib/timing.ts";
import { serveRequests } from "../lib/worker-process.ts";
import { createMergeCheck } from "../merge/check.ts";
import { createMergeWorkload } from "../merge/workload.ts";
import { crdtLoadByKey, type LoadReply } from "./crdt-loads.ts";

const [key, streamFile, sets, items] = process.argv.slice(2);
if (key === undefined || streamFile === undefined || sets === undefined || items === undefined) {
  throw new Error("usage: load-worker.ts <system> <stream-file> <sets> <items>");
}
const system = crdtLoadByKey(key);
const workload = createMergeWorkload({ sets: Number(sets), items: Number(items) });
const check = createMergeCheck(workload);
const state = system.save(readFrames(streamFile));

serveRequests<{ readonly kind: "run" }, LoadReply>(() => {
  const { ms, result: replica } = timed(() => {
    const loaded = system.load(state);
    const titles = loaded.titles();
    if (titles.length !== workload.itemKeys.length) {
      throw new Error(
        `${system.key} listed ${titles.length} items, expected ${workload.itemKeys.length}`,
      );
    }
    return loaded;
  });
  check(system.label, replica, workload.sets.length);
  replica.dispose();
  return { ms, stateBytes: state.length };
});
