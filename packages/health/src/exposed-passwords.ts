/**
 * Passwords known from breaches, asked about with k-anonymity: the range API of Have I Been Pwned
 * (and of any mirror that serves the same files) takes the first 5 hex digits of a password's
 * SHA-1 and answers with every suffix of that prefix it knows and how often each was seen. Only
 * the prefix leaves the device: about a million known passwords share each one, and the request
 * asks for padding so the answer's size says nothing either. The comparison happens here.
 *
 * Range file format: one line per hash, `SUFFIX:COUNT` (35 hex digits, a colon, a decimal count),
 * CRLF or LF; padding lines have count 0 and are ignored.
 */

import { bytesToHex, utf8ToBytes } from "@keypears/base";
import { sha1 } from "@noble/hashes/legacy.js";

/** Have I Been Pwned's range API; a self-hoster points `source` at a mirror of it. */
export const DEFAULT_EXPOSED_SOURCE = "https://api.pwnedpasswords.com/range/";
export const DEFAULT_EXPOSED_TIMEOUT_MS = 10_000;
const CONCURRENT_REQUESTS = 4;

/** The subset of `fetch` the check uses, so any platform's (or a test's) can be passed. */
export type FetchLike = (
  url: string,
  init: { readonly headers: Record<string, string>; readonly signal: AbortSignal },
) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  readonly text: () => Promise<string>;
}>;

export interface ExposedCheckOptions {
  /** The range API's base URL; the prefix is appended. Default: Have I Been Pwned. */
  readonly source?: string;
  readonly fetch?: FetchLike;
  /** Per request. */
  readonly timeoutMs?: number;
}

export type ExposedCheckFailure = {
  readonly kind: "exposed-check-failed";
  readonly source: string;
  /** What went wrong, without any password or hash in it. */
  readonly reason: string;
};

/** A password's SHA-1 split as the range API wants it (uppercase hex). */
export const rangeKey = (
  password: string,
): { readonly prefix: string; readonly suffix: string } => {
  const hex = bytesToHex(sha1(utf8ToBytes(password))).toUpperCase();
  return { prefix: hex.slice(0, 5), suffix: hex.slice(5) };
};

/** Parses one range file into suffix → count, skipping padding (count 0). Throws on a malformed line. */
export const parseRange = (body: string): ReadonlyMap<string, number> => {
  const counts = new Map<string, number>();
  for (const raw of body.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    const match = /^([0-9A-Fa-f]{35}):(\d+)$/.exec(line);
    if (match === null) throw new Error("the range file has a malformed line");
    const count = Number(match[2]);
    if (count > 0) counts.set((match[1] as string).toUpperCase(), count);
  }
  return counts;
};

/** Checks that `source` is an http(s) URL; the check refuses anything else before sending a byte. */
export const parseExposedSource = (source: string): URL | undefined => {
  try {
    const url = new URL(source);
    return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
  } catch {
    return undefined;
  }
};

/**
 * How often each password was seen in breaches (0: never), by the caller's key for it. One request
 * per distinct prefix, a few at a time, each with a timeout; any failure fails the whole check, so
 * a partial answer is never taken for "not exposed".
 */
export const checkExposed = async <K>(
  passwords: ReadonlyMap<K, string>,
  options: ExposedCheckOptions = {},
): Promise<
  | { readonly ok: true; readonly counts: ReadonlyMap<K, number>; readonly requests: number }
  | { readonly ok: false; readonly error: ExposedCheckFailure }
> => {
  const source = options.source ?? DEFAULT_EXPOSED_SOURCE;
  const fail = (reason: string) =>
    ({ ok: false, error: { kind: "exposed-check-failed", source, reason } }) as const;
  if (parseExposedSource(source) === undefined) return fail("the source is not an http(s) URL");
  const fetchRange = options.fetch ?? (globalThis.fetch as unknown as FetchLike | undefined);
  if (fetchRange === undefined) return fail("this platform has no fetch");
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXPOSED_TIMEOUT_MS;

  const keysByPrefix = new Map<string, { key: K; suffix: string }[]>();
  for (const [key, password] of passwords) {
    const { prefix, suffix } = rangeKey(password);
    const list = keysByPrefix.get(prefix) ?? [];
    list.push({ key, suffix });
    keysByPrefix.set(prefix, list);
  }
  const base = source.endsWith("/") ? source : `${source}/`;
  const counts = new Map<K, number>();
  const prefixes = [...keysByPrefix.keys()];
  let failure: string | undefined;

  const fetchOne = async (prefix: string): Promise<void> => {
    let body: string;
    try {
      const response = await fetchRange(`${base}${prefix}`, {
        headers: { "Add-Padding": "true" },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        failure ??= `the source answered HTTP ${response.status}`;
        return;
      }
      body = await response.text();
    } catch (error) {
      failure ??= describeFetchError(error, timeoutMs);
      return;
    }
    let range: ReadonlyMap<string, number>;
    try {
      range = parseRange(body);
    } catch (error) {
      failure ??= (error as Error).message;
      return;
    }
    for (const { key, suffix } of keysByPrefix.get(prefix) ?? [])
      counts.set(key, range.get(suffix) ?? 0);
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < prefixes.length)
      await fetchOne(prefixes[next++] as string);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_REQUESTS, prefixes.length) }, worker));
  if (failure !== undefined) return fail(failure);
  return { ok: true, counts, requests: prefixes.length };
};

const describeFetchError = (error: unknown, timeoutMs: number): string => {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError")
    return `no answer within ${timeoutMs / 1000} s`;
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? ` (${cause.code})` : "";
  return `the source could not be reached${code}`;
};
