/**
 * A lying server for tests: an HTTP proxy in front of a real KeyPears server that forwards every
 * request and, when an attack is set, rewrites the JSON answers of the routes it targets. Each
 * device can get its own proxy, so one device can be shown a history the others are not.
 * Answers in binary frames (docs/PROTOCOL.md §10.2a) are shown to the attack as the JSON route's
 * answer, under the JSON route's path, and what it returns is sent back as frames: every attack
 * works on both wire forms.
 */

import {
  decodePullPageFrames,
  decodePushAnswerFrames,
  decodeSnapshotFrames,
  encodePullPageFrames,
  encodePushAnswerFrames,
  encodeSnapshotFrames,
  EVENT_FRAMES_MEDIA_TYPE,
} from "@keypears/api";
import { base64UrlToBytes, bytesToBase64Url } from "@keypears/base";
import {
  chainStep,
  type ChainHash,
  envelopeBytes,
  type EventId,
  GENESIS_HASH as genesisHash,
  hashEvent,
} from "@keypears/sync-core";
import { createServer, type IncomingMessage, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";

export interface WireEvent {
  readonly id: string;
  readonly payload: string;
  readonly position: number;
  readonly chainHash: string;
}

export interface WireCheckpoint {
  readonly position: number;
  readonly hash: string;
}

export interface PullPage {
  readonly anchor: WireCheckpoint;
  readonly events: readonly WireEvent[];
  readonly head: WireCheckpoint;
}

export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
}

export interface AttackContext {
  /** GETs a path from the real server with the requesting device's own credentials. */
  readonly fetchJson: (path: string) => Promise<unknown>;
}

/** Returns the JSON to send instead of the real answer, or undefined to pass it through. */
export type Attack = (exchange: Exchange, body: unknown, context: AttackContext) => unknown;

export interface LyingProxy {
  readonly url: string;
  attack: Attack | undefined;
  readonly close: () => Promise<void>;
}

export const startLyingProxy = async (target: string): Promise<LyingProxy> => {
  const targetUrl = new URL(target);
  const proxy: { attack: Attack | undefined } = { attack: undefined };
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    const exchange: Exchange = {
      method: req.method ?? "GET",
      path: url.pathname.replace(/\/frames$/, ""),
      query: url.searchParams,
    };
    const upstream = httpRequest(
      {
        hostname: targetUrl.hostname,
        port: targetUrl.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: targetUrl.host },
      },
      (answer) => {
        const attack = proxy.attack;
        const type = answer.headers["content-type"] ?? "";
        const isJson = type.includes("application/json");
        const frames = type.startsWith(EVENT_FRAMES_MEDIA_TYPE)
          ? framesAsJson(exchange)
          : undefined;
        if (attack === undefined || (!isJson && frames === undefined)) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const raw = Buffer.concat(chunks);
          const body: unknown =
            frames === undefined ? JSON.parse(raw.toString("utf8")) : frames.read(raw);
          const context: AttackContext = {
            fetchJson: async (path) => {
              const reply = await fetch(new URL(path, target), {
                headers: { authorization: req.headers.authorization ?? "" },
              });
              return reply.json();
            },
          };
          const respond = async () => {
            const replaced =
              (answer.statusCode ?? 500) < 300 ? await attack(exchange, body, context) : undefined;
            const text =
              frames === undefined || replaced === undefined
                ? frames === undefined
                  ? JSON.stringify(replaced ?? body)
                  : raw
                : frames.write(replaced);
            const { "transfer-encoding": _chunked, ...rest } = answer.headers;
            const headers = { ...rest, "content-length": String(Buffer.byteLength(text)) };
            res.writeHead(answer.statusCode ?? 502, headers);
            res.end(text);
          };
          respond().catch(() => {
            res.writeHead(502);
            res.end();
          });
        });
      },
    );
    upstream.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get attack() {
      return proxy.attack;
    },
    set attack(value) {
      proxy.attack = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

const fromWire = (checkpoint: WireCheckpoint) => ({
  position: checkpoint.position,
  hash: base64UrlToBytes(checkpoint.hash),
});
const toWire = (checkpoint: { position: number; hash: Uint8Array }): WireCheckpoint => ({
  position: checkpoint.position,
  hash: bytesToBase64Url(checkpoint.hash),
});
const decoded = <T>(result: { ok: true; value: T } | { ok: false; error: { reason: string } }) => {
  if (!result.ok) throw new Error(`the real server sent malformed frames: ${result.error.reason}`);
  return result.value;
};

/** For a frames answer: to the JSON route's answer and back (an attack writes JSON shapes). */
const framesAsJson = (
  exchange: Exchange,
): { read: (bytes: Uint8Array) => unknown; write: (json: unknown) => Uint8Array } | undefined => {
  if (isPull(exchange))
    return {
      read: (bytes) => {
        const page = decoded(decodePullPageFrames(bytes));
        return {
          anchor: toWire(page.anchor),
          head: toWire(page.head),
          events: page.events.map((e) => ({
            id: e.id,
            payload: bytesToBase64Url(e.payload),
            position: e.position,
            chainHash: bytesToBase64Url(e.chainHash),
          })),
        };
      },
      write: (json) => {
        const page = json as PullPage;
        return encodePullPageFrames({
          anchor: fromWire(page.anchor),
          head: fromWire(page.head),
          events: page.events.map((e) => ({
            id: e.id,
            payload: base64UrlToBytes(e.payload),
            position: e.position,
            chainHash: base64UrlToBytes(e.chainHash),
          })),
        });
      },
    };
  if (isPush(exchange))
    return {
      read: (bytes) => {
        const answer = decoded(decodePushAnswerFrames(bytes));
        return {
          head: toWire(answer.head),
          events: answer.events.map((e) => ({ ...e, chainHash: bytesToBase64Url(e.chainHash) })),
        };
      },
      write: (json) => {
        const answer = json as {
          head: WireCheckpoint;
          events: { id: string; position: number; chainHash: string; duplicate: boolean }[];
        };
        return encodePushAnswerFrames({
          head: fromWire(answer.head),
          events: answer.events.map((e) => ({
            ...e,
            chainHash: e.chainHash === "" ? new Uint8Array(32) : base64UrlToBytes(e.chainHash),
          })),
        });
      },
    };
  if (exchange.path.endsWith("/snapshots/latest"))
    return {
      read: (bytes) => {
        const snapshot = decoded(decodeSnapshotFrames(bytes));
        return {
          position: snapshot.position,
          chainHash: bytesToBase64Url(snapshot.chainHash),
          size: snapshot.payload.length,
          payload: bytesToBase64Url(snapshot.payload),
        };
      },
      write: (json) => {
        const snapshot = json as { position: number; chainHash: string; payload: string };
        return encodeSnapshotFrames({
          position: snapshot.position,
          chainHash: base64UrlToBytes(snapshot.chainHash),
          payload: base64UrlToBytes(snapshot.payload),
        });
      },
    };
  return undefined;
};

/** Pull pages only: `/api/v1/vaults/{id}/events` answered to a GET. */
export const isPull = (exchange: Exchange): boolean =>
  exchange.method === "GET" && /\/vaults\/[^/]+\/events$/.test(exchange.path);

/**
 * Re-chains a page's events after its anchor, as a server that rewrites history consistently would,
 * and moves the head to the end of the rewritten page.
 */
export const rechain = (
  page: PullPage,
  events: readonly { id: string; payload: string }[],
): PullPage => {
  let hash = base64UrlToBytes(page.anchor.hash) as ChainHash;
  const rewritten = events.map((event, i) => {
    const bytes = envelopeBytes({
      id: event.id as EventId,
      payload: base64UrlToBytes(event.payload),
    });
    hash = chainStep(hash, hashEvent(bytes));
    return {
      id: event.id,
      payload: event.payload,
      position: page.anchor.position + i + 1,
      chainHash: bytesToBase64Url(hash),
    };
  });
  const last = rewritten.at(-1);
  return {
    anchor: page.anchor,
    events: rewritten,
    head: last === undefined ? page.anchor : { position: last.position, hash: last.chainHash },
  };
};

/** Pushes: `/api/v1/vaults/{id}/events` answered to a POST. */
export const isPush = (exchange: Exchange): boolean =>
  exchange.method === "POST" && /\/vaults\/[^/]+\/events$/.test(exchange.path);

const GENESIS_WIRE = (): WireCheckpoint => ({ position: 0, hash: bytesToBase64Url(genesisHash) });

/**
 * A consistent fork: the device behind this proxy is shown the vault's history without the events
 * `hidden()` names, re-chained, with its own pushes' receipts renumbered to match. Nothing it
 * receives is internally inconsistent; only a comparison with another device's history can tell.
 */
export const forkedView =
  (hidden: () => ReadonlySet<string>): Attack =>
  async (exchange, body, context) => {
    if (!isPull(exchange) && !isPush(exchange)) return undefined;
    const vaultPath = exchange.path.replace(/\/events$/, "");
    const real: WireEvent[] = [];
    for (let after = 0; ;) {
      const page = (await context.fetchJson(
        `${vaultPath}/events?after=${after}&limit=5000`,
      )) as PullPage;
      real.push(...page.events);
      if (page.events.length === 0 || after + page.events.length >= page.head.position) break;
      after += page.events.length;
    }
    const view = rechain(
      { anchor: GENESIS_WIRE(), events: [], head: GENESIS_WIRE() },
      real.filter((e) => !hidden().has(e.id)),
    );
    if (isPush(exchange)) {
      const pushed = body as { events: { id: string; duplicate: boolean }[] };
      return {
        events: pushed.events.map((e) => {
          const mine = view.events.find((v) => v.id === e.id);
          return {
            id: e.id,
            duplicate: e.duplicate,
            position: mine?.position ?? 0,
            chainHash: mine?.chainHash ?? "",
          };
        }),
        head: view.head,
      };
    }
    const after = Number(exchange.query.get("after") ?? "0");
    const anchor =
      after === 0
        ? GENESIS_WIRE()
        : view.events[after - 1] === undefined
          ? view.head
          : { position: after, hash: view.events[after - 1]!.chainHash };
    return { anchor, events: view.events.slice(after), head: view.head };
  };
