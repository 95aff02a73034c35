/**
 * The exposed-password range relay (`GET /api/v1/relay/exposed-range/{prefix}`): the web app is
 * served under `connect-src 'self'`, so it cannot ask Have I Been Pwned's range API itself; this
 * server asks for it. The path holds 5 hex digits and nothing else (no query); the server fetches
 * `<source><PREFIX>` from the one source its operator configured (`--exposed-source`), with
 * `remoteGet`'s guards (no redirects, 10 s, at most 1 MiB, no private or loopback address unless
 * the operator allowed it for a mirror on their network), and returns the body as is, as
 * text/plain. Open to anyone (a local-only web account has no session), rate-limited per client
 * address. Nothing is cached and the prefix never reaches the log (the route is logged as a
 * template). What this server learns: the prefixes, as the range API itself would (SECURITY.md).
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import type { FetchLike } from "../shares/discover.ts";
import { remoteGet } from "../shares/remote-fetch.ts";
import { createRateLimiter, type RateLimit } from "../limits/rate-limiter.ts";

export const EXPOSED_RANGE_PATH = "/relay/exposed-range/";
/** Have I Been Pwned's range API. */
export const DEFAULT_EXPOSED_RANGE_SOURCE = "https://api.pwnedpasswords.com/range/";
/** A padded range file is about 40 KB; this leaves room for a mirror's larger ones. */
export const MAX_RANGE_BYTES = 1024 * 1024;
const TIMEOUT_MS = 10_000;
/** A vault's check asks once per distinct prefix: a large vault's first check fits at once. */
export const DEFAULT_EXPOSED_RANGE_PER_CLIENT: RateLimit = { capacity: 2000, refillPerMinute: 600 };

export interface ExposedRangeOptions {
  /** The range API's base URL; the upper-case prefix is appended. Default: Have I Been Pwned. */
  readonly source?: string;
  /** The operator allows a source on a private network or this machine (a local mirror). */
  readonly allowPrivate?: boolean;
  readonly perClient?: RateLimit;
  readonly fetch?: FetchLike;
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

export type ExposedRangeFailure = {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly data?: unknown;
};

export type ExposedRangeRelay = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  clientIp: string,
) => Promise<ExposedRangeFailure | undefined>;

/** The source as the relay uses it (an http(s) URL ending in `/`), or why it cannot be. */
export const parseRangeSource = (
  source: string,
): { ok: true; value: string } | { ok: false; error: string } => {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return {
      ok: false,
      error: `--exposed-source expects an http(s) URL, got ${JSON.stringify(source)}`,
    };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return {
      ok: false,
      error: `--exposed-source expects an http(s) URL, got ${JSON.stringify(source)}`,
    };
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "")
    return { ok: false, error: "--exposed-source may hold no credentials, query or fragment" };
  const text = url.toString();
  return { ok: true, value: text.endsWith("/") ? text : `${text}/` };
};

/** Whether `path` (under the API prefix) is this route's. */
export const isExposedRangePath = (path: string): boolean => path.startsWith(EXPOSED_RANGE_PATH);

export const createExposedRangeRelay = (options: ExposedRangeOptions = {}): ExposedRangeRelay => {
  const parsed = parseRangeSource(options.source ?? DEFAULT_EXPOSED_RANGE_SOURCE);
  if (!parsed.ok) throw new RangeError(parsed.error);
  const source = parsed.value;
  const limiter = createRateLimiter(options.perClient ?? DEFAULT_EXPOSED_RANGE_PER_CLIENT);
  return async (req, res, url, clientIp) => {
    if (req.method !== "GET")
      return { status: 405, code: "METHOD_NOT_ALLOWED", message: "Only GET is allowed here." };
    const prefix = url.pathname.slice(
      url.pathname.indexOf(EXPOSED_RANGE_PATH) + EXPOSED_RANGE_PATH.length,
    );
    if (!/^[0-9A-Fa-f]{5}$/.test(prefix) || url.search !== "")
      return {
        status: 400,
        code: "BAD_REQUEST",
        message: "Expected /relay/exposed-range/ followed by exactly 5 hex digits, and no query.",
      };
    const decision = limiter.take(clientIp);
    if (!decision.allowed) {
      res.setHeader("retry-after", String(decision.retryAfterSeconds));
      return {
        status: 429,
        code: "TOO_MANY_REQUESTS",
        message: "Too many requests; try again later.",
        data: { retryAfterSeconds: decision.retryAfterSeconds },
      };
    }
    const fetched = await remoteGet(`${source}${prefix.toUpperCase()}`, {
      fetch: options.fetch ?? fetch,
      allowLoopback: false,
      allowPrivate: options.allowPrivate === true,
      maxBytes: MAX_RANGE_BYTES,
      timeoutMs: TIMEOUT_MS,
      headers: { accept: "text/plain", "add-padding": "true" },
      ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
    });
    if (!fetched.ok)
      return {
        status: fetched.timedOut === true ? 504 : 502,
        code: "REMOTE_UNREACHABLE",
        message: `The range source could not be reached: ${fetched.reason}.`,
        data: { reason: fetched.reason },
      };
    if (fetched.status !== 200)
      return {
        status: 502,
        code: "REMOTE_UNREACHABLE",
        message: `The range source answered HTTP ${fetched.status}.`,
        data: { reason: `the range source answered HTTP ${fetched.status}` },
      };
    res.statusCode = 200;
    res.setHeader("content-type", "text/plain; charset=utf-8");
    res.end(fetched.text);
    return undefined;
  };
};
