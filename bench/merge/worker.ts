/**
 * One merge contender in its own process. Usage (started by the merge benchmark):
 *   node --import tsx --expose-gc bench/merge/worker.ts <contender> <stream-file> <sets> <items>
 *
 * The first request applies the stream once and measures the memory that stays allocated (a fresh
 * process, so only this contender's allocations count); it is also the warm-up, and it may be given
 * a time limit. Each later request times one full run on a fresh replica. Every run is checked for
 * correctness after it is timed.
 */

import { readFrames } from "../lib/frames.ts";
import { memoryAfterGc, retainedBetween } from "../lib/memory.ts";
import { timed } from "../lib/timing.ts";
import { serveRequests } from "../lib/worker-process.ts";
import { createMergeCheck } from "./check.ts";
import type { MergeTarget } from "./contender.ts";
import { contenderByKey } from "./contenders.ts";
import type { MergeReply, MergeRequest } from "./worker-protocol.ts";
import { createMergeWorkload } from "./workload.ts";

const [key, streamFile, sets, items] = process.argv.slice(2);
if (key === undefined || streamFile === undefined || sets === undefined || items === undefined) {
  throw new Error("usage: worker.ts <contender> <stream-file> <sets> <items>");
}
const contender = contenderByKey(key);
const check = createMergeCheck(createMergeWorkload({ sets: Number(sets), items: Number(items) }));
const stream = readFrames(streamFile);
if (stream.length !== Number(sets)) {
  throw new Error(`${streamFile} holds ${stream.length} updates, expected one per set (${sets})`);
}
const fresh = contender.receiver(stream);

/** Applies the updates in order until all are applied or the deadline passes (checked every 256). */
const applyStream = (target: MergeTarget, deadline: number): number => {
  const count = stream.length;
  for (let i = 0; i < count; i++) {
    target.applyAt(i);
    if ((i & 255) === 255 && performance.now() > deadline) return i + 1;
  }
  return count;
};

serveRequests<MergeRequest, MergeReply>((request) => {
  const target = fresh();
  let reply: MergeReply;
  if (request.kind === "first") {
    const before = memoryAfterGc();
    const { ms, result: applied } = timed(() =>
      applyStream(target, performance.now() + request.limitMs),
    );
    reply = { ms, applied, memory: retainedBetween(before, memoryAfterGc()) };
  } else {
    const { ms, result: applied } = timed(() => applyStream(target, Number.POSITIVE_INFINITY));
    reply = { ms, applied };
  }
  check(contender.label, target, reply.applied);
  target.dispose();
  return reply;
});
