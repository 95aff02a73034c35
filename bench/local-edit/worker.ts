/**
 * One local-edit contender in its own process (its own heap, so no other benchmark's garbage lands
 * in its latencies). Usage: node --import tsx --expose-gc worker.ts <contender> <dir> <items> <edits>
 */

import { collectGarbage } from "../lib/gc.ts";
import { serveRequests } from "../lib/worker-process.ts";
import { editContenderByKey } from "./contenders.ts";
import type { EditReply, EditRequest } from "./worker-protocol.ts";

const [key, dir, items, edits] = process.argv.slice(2);
if (key === undefined || dir === undefined || items === undefined || edits === undefined) {
  throw new Error("usage: worker.ts <contender> <dir> <items> <edits>");
}
const run = await editContenderByKey(key).prepare(dir, {
  items: Number(items),
  edits: Number(edits),
});

serveRequests<EditRequest, EditReply>((request) => {
  collectGarbage();
  return run(request);
});
