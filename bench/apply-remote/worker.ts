/**
 * One apply contender in its own process. Usage (started by the apply benchmark):
 *   node --import tsx --expose-gc bench/apply-remote/worker.ts <contender> <input.json>
 *
 * Setup (reading the workload, decoding streams) happens before `ready`; each request makes a
 * fresh replica (untimed), times one apply after a forced garbage collection, then checks the
 * result (untimed) and disposes of it.
 */

import { readFileSync } from "node:fs";
import { collectGarbage } from "../lib/gc.ts";
import { profiled } from "../lib/profile.ts";
import { timed } from "../lib/timing.ts";
import { serveRequests } from "../lib/worker-process.ts";
import { applyContenderByKey } from "./contenders.ts";
import type { ApplyInput } from "./contender.ts";
import type { ApplyReply, ApplyRequest } from "./worker-protocol.ts";

const [key, inputFile] = process.argv.slice(2);
if (key === undefined || inputFile === undefined) {
  throw new Error("usage: worker.ts <contender> <input.json>");
}
const input = JSON.parse(readFileSync(inputFile, "utf8")) as ApplyInput;
const fresh = applyContenderByKey(key).prepare(input);

/** The share of the workload a warm-up applies, where a system can stop early (the vault, SQLite, updates one at a time). */
const WARMUP_SHARE = 0.05;

serveRequests<ApplyRequest, ApplyReply>(async (request) => {
  const share =
    request.kind === "run" ? 1 : request.kind === "warmup" ? WARMUP_SHARE : request.share;
  const run = await fresh({ share });
  try {
    if (request.kind === "profile") {
      collectGarbage();
      const started = performance.now();
      const { profile } = await profiled(run.apply, { nativesToCaller: true });
      return { ms: performance.now() - started, profile };
    }
    const { ms } = timed(run.apply);
    run.check();
    return { ms };
  } finally {
    run.dispose();
  }
});
