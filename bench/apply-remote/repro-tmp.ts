import { existsSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { vaultHistory } from "../fixtures/vault-history.ts";
import { joinOffline } from "../fixtures/bench-account.ts";
import { pagesOf, readOrderedEvents } from "../fixtures/ordered-events.ts";

const sets = Number(process.env.SETS ?? 20000);
const cache = `/tmp/apply-work/fixture-${sets}`;
if (!existsSync(cache + ".json")) {
  const h = await vaultHistory({ sets, items: sets / 10 }, console.log);
  copyFileSync(h.orderedEventsFile, cache + ".frames");
  writeFileSync(cache + ".json", JSON.stringify(h.account));
}
const account = JSON.parse(readFileSync(cache + ".json", "utf8"));
const events = readOrderedEvents(cache + ".frames");
const threadCpuMs = (): number => {
  const f = readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
};
const inspector = process.env.PROF ? await import("node:inspector") : undefined;
for (let r = 0; r < Number(process.env.RUNS ?? 2); r++) {
  const home = mkdtempSync(join("/tmp/apply-work", "dev-"));
  const vault = await joinOffline(home, account);
  const t = performance.now();
  const c0 = process.cpuUsage();
  const m0 = threadCpuMs();
  for (const page of pagesOf(events, 50000)) {
    const a = vault.sync.applyOrdered(page.events, page.end);
    if (!a.ok) throw new Error(JSON.stringify(a.error));
  }
  const ms = performance.now() - t;
  const c = process.cpuUsage(c0);
  const main = threadCpuMs() - m0;
  console.log(
    `applied ${events.length} in ${ms.toFixed(0)} ms wall (${((events.length / ms) * 1000).toFixed(0)}/s); cpu user ${(c.user / 1000).toFixed(0)} sys ${(c.system / 1000).toFixed(0)} ms => ${((events.length / (c.user + c.system)) * 1e6).toFixed(0)} events per cpu-s; main thread cpu ${main} ms => ${((events.length / main) * 1000).toFixed(0)} events per main-thread cpu-s`,
  );
  vault.lock();
}
void inspector;
