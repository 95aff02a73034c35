/**
 * The idle realtime subscribers of the server-load benchmark, a process of their own: opens many
 * head streams (`GET /vaults/{id}/stream`, server-sent events) with one socket each, counts the
 * heads they receive, and keeps them open until told to close.
 */

import { Agent, type ClientRequest, request as httpRequest } from "node:http";
import { serveRequests } from "../lib/worker-process.ts";
import type { SubscriberReply, SubscriberRequest, VaultSession } from "./protocol.ts";

/** Streams being opened at once, so the server's accept queue is never flooded. */
const OPENING_AT_ONCE = 100;
const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
const streams = new Set<ClientRequest>();
let heads = 0;
let failures = 0;
let firstFailure: string | null = null;

const fail = (message: string): void => {
  failures++;
  firstFailure ??= message;
};

/** Resolves when the stream delivered its first head (the server's head now). */
const openStream = (apiUrl: string, vault: VaultSession): Promise<void> =>
  new Promise((resolve) => {
    const url = new URL(`${apiUrl}/vaults/${vault.vaultId}/stream`);
    const req = httpRequest(url, {
      agent,
      headers: { authorization: `Bearer ${vault.token}`, accept: "text/event-stream" },
    });
    let first = true;
    req.on("response", (res) => {
      if (res.statusCode !== 200) {
        fail(`stream answered ${res.statusCode}`);
        res.resume();
        resolve();
        return;
      }
      res.setEncoding("utf8");
      let partial = "";
      res.on("data", (chunk: string) => {
        const lines = (partial + chunk).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) {
          if (!line.startsWith("data:")) continue;
          heads++;
          if (first) {
            first = false;
            resolve();
          }
        }
      });
      res.on("end", () => streams.delete(req));
    });
    req.on("error", (error) => {
      streams.delete(req);
      fail(error.message);
      resolve();
    });
    req.end();
    streams.add(req);
  });

const stats = (ms: number): SubscriberReply => ({
  open: streams.size,
  heads,
  failures,
  firstFailure,
  ms,
});

serveRequests<SubscriberRequest, SubscriberReply>(async (request) => {
  const started = performance.now();
  if (request.kind === "open") {
    let next = 0;
    const opener = async (): Promise<void> => {
      while (next < request.count) {
        const index = next++;
        await openStream(
          request.apiUrl,
          request.vaults[index % request.vaults.length] as VaultSession,
        );
      }
    };
    await Promise.all(Array.from({ length: OPENING_AT_ONCE }, opener));
  } else if (request.kind === "close") {
    for (const stream of streams) stream.destroy();
    streams.clear();
  }
  return stats(performance.now() - started);
});
