/**
 * A KeyPears server in a process of its own, for the benchmarks (started by `server-process.ts`):
 * generous rate limits and quotas, warnings and errors only in the log, and its own memory reported on
 * request, so a benchmark can measure the server apart from the clients that load it.
 *
 *   node --import tsx bench/lib/server-entry.ts '<ServerEntryOptions as JSON>'
 */

import { startServer } from "@keypears/server";
import { type ProfileSummary, startProfiling } from "./profile.ts";
import type { ServerEntryOptions, ServerMessage, ServerRequest } from "./server-protocol.ts";

const [json] = process.argv.slice(2);
if (json === undefined) throw new Error("usage: server-entry.ts '<options as JSON>'");
const options = JSON.parse(json) as ServerEntryOptions;
const generous = { capacity: 1_000_000, refillPerMinute: 1_000_000 };

const send = (message: ServerMessage): void => {
  process.send?.(message);
};

const server = await startServer({
  domain: options.domain,
  port: 0,
  database: options.database,
  rateLimits: { register: generous, login: generous, failedLogins: generous },
  // A vault of 100,000 items with a million events (about 340 MB with its snapshot: the growth
  // benchmark's largest) is above the default quotas (256 MiB stored, 50,000 events a minute), as an
  // operator would raise them with `--quota-stored-bytes` and `--quota-events-per-minute`.
  quotas: { maxStoredBytes: 4 * 1024 ** 3, eventsPerMinute: 10_000_000 },
  logLevel: "warn",
  log: (line) => process.stderr.write(`${line}\n`),
  keepAliveMs: options.keepAliveMs ?? 15_000,
  shutdownGraceMs: 2_000,
});

let stopProfiling: (() => Promise<ProfileSummary>) | undefined;

process.on("message", (message: ServerRequest) => {
  if (message.type === "usage") {
    const cpu = process.cpuUsage();
    send({
      type: "usage",
      usage: {
        rssBytes: process.memoryUsage().rss,
        // maxRSS is in KiB: the peak resident set since the process started.
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        cpuMs: (cpu.user + cpu.system) / 1000,
      },
    });
  } else if (message.type === "profile-start") {
    void startProfiling().then((stop) => {
      stopProfiling = stop;
      send({ type: "profiling" });
    });
  } else if (message.type === "profile-stop") {
    const stop = stopProfiling;
    stopProfiling = undefined;
    if (stop === undefined) throw new Error("the profiler is not running");
    void stop().then((profile) => send({ type: "profile", profile }));
  } else if (message.type === "stop") {
    void server.close().then(() => {
      send({ type: "stopped" });
      process.disconnect();
    });
  }
});
process.on("disconnect", () => {
  void server.close().then(() => process.exit(0));
});
send({ type: "listening", url: server.url, apiUrl: server.apiUrl });
