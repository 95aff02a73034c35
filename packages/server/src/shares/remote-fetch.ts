/**
 * Guarded GETs to other domains' servers, for what this server fetches on a client's behalf (the
 * key-log relay): only `http(s)` URLs, no redirects, a time limit, a size limit read as the body
 * streams in, and never an address of this machine or a private network unless this server is
 * itself a server on this machine (a developer's `localhost:<port>` domains).
 *
 * Why the address check: without it a client could make this server fetch from its own network
 * (metadata services, admin ports) by naming a domain whose discovery document points there
 * (server-side request forgery). The host is resolved and every address checked before the
 * request; a DNS answer that changes between the check and the fetch (rebinding) is the residual
 * risk, bounded by the fixed paths requested and the strict parsing of the answer.
 */

import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import type { FetchLike } from "./discover.ts";

const privateRanges = (): BlockList => {
  const list = new BlockList();
  for (const [net, bits] of [
    ["0.0.0.0", 8],
    ["10.0.0.0", 8],
    ["100.64.0.0", 10],
    ["127.0.0.0", 8],
    ["169.254.0.0", 16],
    ["172.16.0.0", 12],
    ["192.0.0.0", 24],
    ["192.168.0.0", 16],
    ["198.18.0.0", 15],
    ["224.0.0.0", 4],
    ["240.0.0.0", 4],
  ] as const)
    list.addSubnet(net, bits, "ipv4");
  for (const [net, bits] of [
    ["::", 128],
    ["::1", 128],
    ["fc00::", 7],
    ["fe80::", 10],
    ["ff00::", 8],
  ] as const)
    list.addSubnet(net, bits, "ipv6");
  return list;
};

const PRIVATE = privateRanges();

/** True for an IP address of this machine, a private network, link-local or multicast. */
export const isPrivateAddress = (ip: string): boolean => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped !== null) return PRIVATE.check(mapped[1]!, "ipv4");
  const family = isIP(ip);
  if (family === 0) return true;
  return PRIVATE.check(ip, family === 4 ? "ipv4" : "ipv6");
};

/** `localhost`, `127.0.0.1` and `[::1]` with or without a port: a server on this machine. */
export const isLoopbackDomain = (domain: string): boolean => {
  const host = domain.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "127.0.0.1" || host === "::1";
};

export type RemoteFetchResult =
  | { readonly ok: true; readonly status: number; readonly text: string }
  | { readonly ok: false; readonly reason: string; readonly timedOut?: boolean };

export interface RemoteFetchOptions {
  readonly fetch: FetchLike;
  /** This server's own domain is on this machine: loopback targets are allowed (development). */
  readonly allowLoopback: boolean;
  /**
   * The operator named this target explicitly (a range mirror on their network): any address,
   * and plain HTTP, are allowed. Never set for a target a client chose.
   */
  readonly allowPrivate?: boolean;
  /** Request headers; default `accept: application/json`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  /** Resolves a host name to its addresses (the DNS; replaced in tests). */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

const resolveHost = async (host: string): Promise<readonly string[]> =>
  (await lookup(host, { all: true, verbatim: true })).map((found) => found.address);

/** Why `url` may not be fetched, or undefined when it may. */
const refusal = async (url: URL, options: RemoteFetchOptions): Promise<string | undefined> => {
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return `${url.protocol} is not an allowed scheme`;
  if (url.username !== "" || url.password !== "") return "credentials in a URL are not allowed";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (options.allowPrivate === true) return undefined;
  if (options.allowLoopback && isLoopbackDomain(host)) return undefined;
  if (url.protocol === "http:") return "plain HTTP is only allowed to a server on this machine";
  let addresses: readonly string[];
  try {
    addresses = isIP(host) !== 0 ? [host] : await (options.resolve ?? resolveHost)(host);
  } catch {
    return `${host} does not resolve`;
  }
  if (addresses.length === 0) return `${host} does not resolve`;
  if (addresses.some(isPrivateAddress))
    return `${host} is an address of a private network or of this machine`;
  return undefined;
};

/** Reads at most `maxBytes` of the body; more is an error and the rest is not read. */
const readBounded = async (response: Response, maxBytes: number): Promise<string | undefined> => {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
};

/** A guarded GET: the status and body text, or why it was not fetched or failed. */
export const remoteGet = async (
  target: string,
  options: RemoteFetchOptions,
): Promise<RemoteFetchResult> => {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { ok: false, reason: "not a URL" };
  }
  const refused = await refusal(url, options);
  if (refused !== undefined) return { ok: false, reason: refused };
  try {
    const response = await options.fetch(url, {
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: "error",
      headers: { ...(options.headers ?? { accept: "application/json" }) },
    });
    const text = await readBounded(response, options.maxBytes);
    if (text === undefined)
      return { ok: false, reason: `the answer exceeds ${options.maxBytes} bytes` };
    return { ok: true, status: response.status, text };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    return timedOut
      ? { ok: false, reason: `no answer within ${options.timeoutMs / 1000} s`, timedOut: true }
      : { ok: false, reason: "unreachable" };
  }
};
