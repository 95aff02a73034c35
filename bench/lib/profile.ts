/**
 * CPU profiles taken inside a benchmark process (through `node:inspector`), summarised by where
 * the time was spent: each sampled frame's own time, grouped by the module it belongs to (a
 * workspace file, a dependency, a Node internal, garbage collection). Coarse on purpose: it holds
 * without source maps, and it is what a note on a missed target needs as evidence.
 */

import { Session } from "node:inspector";
import { type Column, quantity, type Row } from "./table.ts";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}

export interface ProfileOptions {
  /**
   * Counts a native frame (`(native) run`) to the nearest caller with a source, instead of to its
   * own name: `run` is better-sqlite3 running a statement and also Node's crypto job (Ed25519
   * verification, `SignJob.run`), which a name alone cannot tell apart.
   */
  readonly nativesToCaller?: boolean;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileShare {
  /** Where: `packages/vault/src/sqlite.ts`, `cborg`, `node:internal/crypto/cipher`, `(garbage collector)`. */
  readonly area: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Every area, largest first. */
  readonly areas: readonly ProfileShare[];
}

/** The module a frame belongs to: a workspace file, a dependency (by package name), a Node internal, or V8's own. */
export const areaOf = (url: string, functionName: string): string => {
  if (url === "") return functionName.startsWith("(") ? functionName : `(native) ${functionName}`;
  const workspace = /\/((?:packages|apps|bench)\/.+?)(?:\?.*)?$/.exec(url);
  if (workspace?.[1] !== undefined && !workspace[1].includes("node_modules/")) return workspace[1];
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency?.[1] !== undefined) return dependency[1];
  if (url.startsWith("node:")) return url.replace(/^node:internal\/deps\//, "node:");
  return url;
};

export const summarizeProfile = (
  profile: CpuProfile,
  options: ProfileOptions = {},
): ProfileSummary => {
  const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentById = new Map<number, ProfileNode>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentById.set(child, node);
  /** The frame a sample counts to: itself, or for a native frame its nearest caller with a source. */
  const attributed = (node: ProfileNode): ProfileNode => {
    if (options.nativesToCaller !== true) return node;
    if (node.callFrame.url !== "" || node.callFrame.functionName.startsWith("(")) return node;
    let caller = parentById.get(node.id);
    while (caller !== undefined && caller.callFrame.url === "") {
      if (caller.callFrame.functionName.startsWith("(")) return node;
      caller = parentById.get(caller.id);
    }
    return caller ?? node;
  };
  const msByArea = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const sampled = nodeById.get(id);
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    if (sampled === undefined || ms <= 0) return;
    const node = attributed(sampled);
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    msByArea.set(area, (msByArea.get(area) ?? 0) + ms);
    total += ms;
  });
  return {
    totalMs: total,
    areas: [...msByArea]
      .map(([area, ms]) => ({ area, ms, share: total === 0 ? 0 : ms / total }))
      .sort((a, b) => b.ms - a.ms),
  };
};

/** A profiler on this process: start it, do the work, stop it for the summary. */
export const startProfiling = async (
  options: ProfileOptions = {},
): Promise<() => Promise<ProfileSummary>> => {
  const session = new Session();
  session.connect();
  const post = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 500 });
  await post("Profiler.start");
  return async () => {
    const { profile } = (await post("Profiler.stop")) as { profile: CpuProfile };
    await post("Profiler.disable");
    session.disconnect();
    return summarizeProfile(profile, options);
  };
};

/** Runs `work` under the profiler; resolves with its result and the summary. */
export const profiled = async <T>(
  work: () => T | Promise<T>,
  options: ProfileOptions = {},
): Promise<{ readonly result: T; readonly profile: ProfileSummary }> => {
  const stop = await startProfiling(options);
  try {
    const result = await work();
    return { result, profile: await stop() };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
};

/** What some areas are, for readers of a profile table. */
const AREA_NOTES: Readonly<Record<string, string>> = {
  "packages/vault/src/sqlite.ts": "SQLite statements (better-sqlite3's native work lands here)",
  "packages/vault/src/node/node-sqlite.ts":
    "SQLite statements: better-sqlite3 running them, counted to this adapter",
  "packages/vault/src/node/node-signature-verifier.ts":
    "handing version-2 item events' signatures to the worker thread and taking its answers",
  "better-sqlite3": "SQLite transactions: BEGIN, COMMIT and its flush to disk",
  "node:internal/crypto/cipher": "Node's ChaCha20-Poly1305 (OpenSSL), per call",
  "packages/crypto/src/xchacha-native.ts": "XChaCha20 on Node: HChaCha20 subkey, nonce",
  "packages/crypto/src/associated-data.ts": "AEAD associated data, built per box",
  "node:internal/crypto/sig":
    "Node's Ed25519 (OpenSSL): each signature verified (one per batch event in version 3; one per event in logs written by version 2)",
  "packages/crypto/src/device-signing.ts": "Ed25519 signatures of devices",
  "(garbage collector)": "garbage collection",
  "(idle)": "idle: waiting on I/O or another process",
  "(program)": "V8 and native code outside JavaScript",
  cborg: "CBOR encoding and decoding",
  "@noble/hashes": "SHA-256 (chain, event hashes) and HKDF",
  "@noble/ciphers": "HChaCha20 (noble)",
  "@orpc/server": "oRPC: routing, procedures",
  "@orpc/openapi": "oRPC: OpenAPI request and response codec",
  "@orpc/shared": "oRPC: shared helpers (JSON)",
  zod: "zod: input and output validation",
  pg: "node-postgres driver",
  "pg-protocol": "Postgres wire protocol",
};

export const describeArea = (area: string): string => {
  const note = AREA_NOTES[area];
  return note === undefined ? `\`${area}\`` : `\`${area}\` (${note})`;
};

/** The share of the profile's time spent in areas that `matches` picks. */
export const shareOf = (summary: ProfileSummary, matches: (area: string) => boolean): number =>
  summary.areas.filter((a) => matches(a.area)).reduce((sum, a) => sum + a.share, 0);

/** The largest areas of a profile as table rows: where, milliseconds of own time, share. */
export const profileRows = (summary: ProfileSummary, top: number): Row[] =>
  summary.areas.slice(0, top).map((a) => ({
    key: a.area,
    cells: [describeArea(a.area), quantity(a.ms, "ms"), `${(a.share * 100).toFixed(1)}%`],
  }));

export const profileColumns: readonly Column[] = [
  { header: "Where (own time of each frame)", align: "left" },
  { header: "ms", align: "right" },
  { header: "Share", align: "right" },
];
