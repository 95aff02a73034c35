/** The apply benchmark's tables: each system's time and rate beside the vault's, and the targets. */

import { DEFAULT_PULL_PAGE } from "@keypears/sync-client";
import type { BenchReport } from "../lib/benchmark.ts";
import { packageVersion } from "../lib/package-version.ts";
import { type ProfileSummary, profileColumns, profileRows, shareOf } from "../lib/profile.ts";
import type { Summary } from "../lib/stats.ts";
import { medianOf, quantity, type Table } from "../lib/table.ts";
import type { Target } from "../lib/targets.ts";
import type { VaultHistory } from "../fixtures/vault-history.ts";
import type { ApplyContender } from "./contender.ts";
import { APPLY_BATCH } from "./keypears.ts";

export interface ApplyMeasurement {
  readonly contender: ApplyContender;
  readonly time: Summary;
}

const count = (n: number): string => n.toLocaleString("en-US");

/** A run of the vault over part of the events, under the CPU profiler. */
export interface ApplyProfile {
  readonly share: number;
  readonly ms: number;
  readonly summary: ProfileSummary;
}

export const applyReport = (
  history: VaultHistory,
  measured: readonly ApplyMeasurement[],
  profile: ApplyProfile,
): BenchReport => {
  const events = history.workload.sets.length;
  const items = history.workload.itemKeys.length;
  const rateOf = (key: string): number => {
    const m = measured.find((x) => x.contender.key === key);
    if (m === undefined) throw new Error(`no measurement of ${key}`);
    return events / (m.time.median / 1000);
  };
  const vault = measured.find((m) => m.contender.key === "keypears-vault");
  if (vault === undefined) throw new Error("the vault was not measured");
  const table: Table = {
    columns: [
      { header: "System", align: "left" },
      { header: "Time, ms (median, min–max)", align: "right" },
      { header: "Rate, events/s", align: "right" },
      { header: "Time vs KeyPears vault", align: "right" },
      { header: "Runs", align: "right" },
    ],
    rows: measured.map(({ contender, time }) => ({
      key: contender.key,
      cells: [
        contender.label,
        medianOf(time, "ms"),
        quantity(events / (time.median / 1000), "per-second"),
        quantity(time.median / vault.time.median, "ratio"),
        quantity(time.n, "count"),
      ],
    })),
    notes: [
      ...measured.map((m) => m.contender.includes),
      "Each system runs in its own Node process, on a fresh replica each run (made untimed), after a forced garbage collection; every run is checked afterwards (untimed: the vault lists every item and sampled fields hold the last value set; the CRDTs pass the merge benchmark's check). Runs are interleaved round by round, after one warm-up run each (for the vault, the first 5% of the events on a throwaway device).",
      "The heavy rows get fewer runs: each system stops after its time budget (at least 2 runs), so the suite keeps to 15 minutes; the Runs column says how many.",
    ],
  };
  const yjsRate = rateOf("yjs-each");
  const sqliteRate = rateOf("sqlite-limit");
  const vaultRate = rateOf("keypears-vault");
  const targets: Target[] = [
    {
      label: "Vault apply rate vs Yjs (one update at a time)",
      goal: `≥ Yjs: ${count(Math.round(yjsRate))} events/s`,
      measured: quantity(vaultRate, "per-second"),
      reference: yjsRate,
      better: "higher",
    },
    {
      label: "Vault apply rate vs raw SQLite",
      goal: `≥ half of SQLite: ${count(Math.round(sqliteRate / 2))} events/s`,
      measured: quantity(vaultRate, "per-second"),
      reference: sqliteRate / 2,
      better: "higher",
    },
  ];
  return {
    title: `Applying remote events: ${count(events)} field writes over ${count(items)} items`,
    description: [
      `The merge benchmark's workload (${count(events)} field sets over ${count(items)} items), written on a first device through the vault's own API (\`vault.add\`/\`vault.edit\` in \`vault.transact\` batches; ${count(Math.round(history.payloadBytes / events))} bytes per sealed event on average), ordered as a server orders them (positions, chain hashes), and applied by a second device in batches of ${count(APPLY_BATCH)} (the sync client's: it verifies pages of ${count(DEFAULT_PULL_PAGE)} as they arrive and applies them together).`,
      "Yjs, Loro and Automerge apply their own update streams for the same field sets, made on a source replica, in memory (they neither encrypt nor persist). The values are the same everywhere; the vault's `urls` and `tags` are list fields, so there the workload's `url` and `tag` hold one-element lists.",
      `Versions: yjs ${packageVersion("yjs")}, loro-crdt ${packageVersion("loro-crdt")}, @automerge/automerge ${packageVersion("@automerge/automerge")}, better-sqlite3 ${packageVersion("better-sqlite3")}.`,
    ].join(" "),
    tables: [
      table,
      {
        columns: profileColumns,
        rows: profileRows(profile.summary, 14),
        notes: [
          `Where the vault's time goes: its worker applied the first ${Math.round(profile.share * 100)}% of the events once more to a fresh device, under the CPU profiler (sampled every 0.5 ms; ${(profile.ms / 1000).toFixed(1)} s, not in the table above), largest areas first. Native work (SQLite's statements, OpenSSL) counts to the frame that called it: \`(native) run\` and \`get\` are better-sqlite3 executing statements; \`initiv\`, \`update\`, \`final\` are Node's cipher.`,
        ],
      },
    ],
    targets,
    diagnosis: applyDiagnosis(
      history,
      vaultRate,
      { core: rateOf("keypears-core"), sqlite: sqliteRate, aead: rateOf("aead-limit") },
      profile,
    ),
  };
};

const SQLITE_NATIVE = new Set(["run", "get", "all", "exec", "prepare", "iterate"]);
const CIPHER_NATIVE = new Set([
  "initiv",
  "update",
  "final",
  "setAAD",
  "getAuthTag",
  "setAuthTag",
  "CipherBase",
]);

/** Areas of a profile, grouped by the work they do. */
export const isSqlite = (area: string): boolean =>
  area === "better-sqlite3" ||
  area.startsWith("packages/vault/src/sqlite") ||
  (area.startsWith("(native) ") && SQLITE_NATIVE.has(area.slice(9)));
export const isAead = (area: string): boolean =>
  area.startsWith("node:internal/crypto") ||
  area === "node:crypto" ||
  area.startsWith("packages/crypto/") ||
  area === "@noble/ciphers" ||
  (area.startsWith("(native) ") && CIPHER_NATIVE.has(area.slice(9)));
export const isCodec = (area: string): boolean =>
  area === "cborg" || /packages\/sync-core\/src\/.*(codec|canonical|cbor)/.test(area);

/** Items each batch touches, on average: each is merged in memory and rewritten once per batch. */
const itemsPerBatch = (history: VaultHistory): number => {
  const sets = history.workload.sets;
  let touched = 0;
  for (let start = 0; start < sets.length; start += APPLY_BATCH) {
    touched += new Set(sets.slice(start, start + APPLY_BATCH).map((set) => set.item)).size;
  }
  return touched / Math.ceil(sets.length / APPLY_BATCH);
};

const pct = (share: number): string => `${(share * 100).toFixed(0)}%`;

const applyDiagnosis = (
  history: VaultHistory,
  vaultRate: number,
  rates: { readonly core: number; readonly sqlite: number; readonly aead: number },
  profile: ApplyProfile,
): string[] => {
  const summary = profile.summary;
  const perEventUs = 1e6 / vaultRate;
  const touched = itemsPerBatch(history);
  const perEvent = touched / APPLY_BATCH;
  const sqlite = shareOf(summary, isSqlite);
  const aead = shareOf(summary, isAead);
  const gc = shareOf(summary, (area) => area === "(garbage collector)");
  const codec = shareOf(summary, isCodec);
  return [
    `The vault spends ${perEventUs.toFixed(0)} µs per event. Its profile: SQLite ${pct(sqlite)}, the AEAD ${pct(aead)} (Node's cipher, HChaCha20, associated data), garbage collection ${pct(gc)}, CBOR ${pct(codec)}; the merge itself is not the problem (the core-only row decodes and merges the same events at ${Math.round(rates.core).toLocaleString("en-US")}/s, ${pct(vaultRate / rates.core)} of the vault's time). The cost is the work per event, not one slow step: per event, \`applyOrdered\` looks the id up (a SELECT), opens the event (one AEAD open), inserts it, and seals and inserts a history row per field written (one AEAD seal, one INSERT); per item a batch touches (${touched.toFixed(0)} of ${APPLY_BATCH.toLocaleString("en-US")} events here, so ${perEvent.toFixed(2)} per event), it opens and decodes the item's merge state once (decoded states are kept across batches) and at the end encodes and seals the state and the item's view (two CBOR encodings, two AEAD seals, an UPSERT of both). That is about ${(2 + 3 * perEvent).toFixed(1)} AEAD operations and ${(3 + 2 * perEvent).toFixed(1)} statements per event, against one each for the limit rows; and each AEAD operation costs more than its bytes (the AEAD row: a new Node cipher object and an HChaCha20 subkey in JavaScript for every box).`,
    `What would close it, for the vault's owners: (1) the per-write history row is the price of the per-field history table (a seal and an INSERT per field write); reading history from the item's sealed merge state, which holds every write, would remove it and leave about one AEAD open and two statements per event, the work of the two limit rows together: about ${Math.round(1 / (1 / rates.sqlite + 1 / rates.aead)).toLocaleString("en-US")} events/s at their rates in this run; (2) seal the state and the view in one box; (3) make one AEAD operation cheaper (HChaCha20 in native code or WASM, a reused cipher context). Matching Yjs while encrypting each event would need the AEAD itself far cheaper than this machine's per-box cost, or one box per batch instead of per event, which the server's per-event chain and dedupe do not allow.`,
  ];
};
