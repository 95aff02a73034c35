/** The growth benchmark's report: one table of every row at every size, a chart per benchmark, and the rows that grow faster than the vault. */

import type { BenchReport } from "../lib/benchmark.ts";
import type { ChartSeries, LineChart } from "../lib/chart.ts";
import { formatQuantity } from "../lib/format.ts";
import { packageVersion } from "../lib/package-version.ts";
import { type Cell, quantity, type Table } from "../lib/table.ts";
import type { GrowthPoint } from "./growth-benchmark.ts";

type Basis = "event" | "item" | "operation";
type ChartKey = "apply" | "sync" | "new-device" | "list" | "edit";

interface Metric {
  readonly key: string;
  readonly chart: ChartKey;
  readonly label: string;
  readonly kind: ChartSeries["kind"];
  /** What the time is divided by for the cost per unit: events, items, or nothing (one operation). */
  readonly basis: Basis;
  readonly ms: (point: GrowthPoint) => number;
}

const metrics: readonly Metric[] = [
  {
    key: "apply-vault",
    chart: "apply",
    label: "KeyPears vault: apply every event (`applyOrdered`)",
    kind: "keypears",
    basis: "event",
    ms: (p) => p.apply["keypears-vault"],
  },
  {
    key: "apply-yjs",
    chart: "apply",
    label: "Yjs: apply every update, one at a time",
    kind: "peer",
    basis: "event",
    ms: (p) => p.apply["yjs-each"],
  },
  {
    key: "apply-sqlite",
    chart: "apply",
    label: "Limit: SQLite, event insert + item upsert",
    kind: "limit",
    basis: "event",
    ms: (p) => p.apply["sqlite-limit"],
  },
  {
    key: "sync-push",
    chart: "sync",
    label: "End to end (Postgres): A pushes every event",
    kind: "keypears",
    basis: "event",
    ms: (p) => p.sync.pushMs,
  },
  {
    key: "sync-pull",
    chart: "sync",
    label: "End to end (Postgres): B pulls, verifies, applies, lists",
    kind: "keypears",
    basis: "event",
    ms: (p) => p.sync.pullMs,
  },
  {
    key: "sync-apply-floor",
    chart: "sync",
    label: "B's floor: the vault's apply alone (row above)",
    kind: "limit",
    basis: "event",
    ms: (p) => p.apply["keypears-vault"],
  },
  {
    key: "new-device-snapshot",
    chart: "new-device",
    label: "KeyPears: new device from a snapshot, to a listed vault",
    kind: "keypears",
    basis: "item",
    ms: (p) => p.sync.snapshotMs,
  },
  {
    key: "new-device-yjs",
    chart: "new-device",
    label: "Yjs: load the whole state into a fresh replica, list",
    kind: "peer",
    basis: "item",
    ms: (p) => p.yjsLoadMs,
  },
  {
    key: "list-first",
    chart: "list",
    label: "KeyPears: first list after opening the vault",
    kind: "keypears",
    basis: "item",
    ms: (p) => p.local.firstListMs,
  },
  {
    key: "list-again",
    chart: "list",
    label: "KeyPears: list again",
    kind: "keypears",
    basis: "item",
    ms: (p) => p.local.listMs,
  },
  {
    key: "search",
    chart: "list",
    label: "KeyPears: search every item for two characters",
    kind: "keypears",
    basis: "item",
    ms: (p) => p.local.searchMs,
  },
  {
    key: "list-limit",
    chart: "list",
    label: "Limit: SQLite, read every row of a plain table",
    kind: "limit",
    basis: "item",
    ms: (p) => p.local.limitReadMs,
  },
  {
    key: "edit",
    chart: "edit",
    label: "KeyPears: `vault.edit`, one commit, p50",
    kind: "keypears",
    basis: "operation",
    ms: (p) => p.local.editP50Ms,
  },
  {
    key: "unlock",
    chart: "edit",
    label: "KeyPears: open the vault (cheap key derivation)",
    kind: "keypears",
    basis: "operation",
    ms: (p) => p.local.unlockMs,
  },
  {
    key: "edit-limit",
    chart: "edit",
    label: "Limit: SQLite INSERT, one commit, p50",
    kind: "limit",
    basis: "operation",
    ms: (p) => p.local.limitInsertP50Ms,
  },
];

/** The table's row keys, in order. */
export const GROWTH_ROW_KEYS: readonly string[] = metrics.map((m) => m.key);

const charts: Readonly<Record<ChartKey, { readonly title: string; readonly yTitle: string }>> = {
  apply: { title: "Applying remote events: time per event", yTitle: "µs per event" },
  sync: { title: "End-to-end sync on Postgres: time per event", yTitle: "µs per event" },
  "new-device": { title: "New device: time per item", yTitle: "µs per item" },
  list: { title: "List and search: time per item", yTitle: "µs per item" },
  edit: { title: "One edit, opening the vault: time per operation", yTitle: "ms" },
};

/** The cost per unit at a point: µs per event or item, or ms per operation. */
export const perUnit = (metric: Metric, point: GrowthPoint): number =>
  metric.basis === "event"
    ? (metric.ms(point) * 1000) / point.events
    : metric.basis === "item"
      ? (metric.ms(point) * 1000) / point.items
      : metric.ms(point);

/** A row's cost per unit grows faster than the vault when it rises by more than this from the smallest size to the largest. */
export const SUPERLINEAR_FACTOR = 1.5;

export const growthOf = (metric: Metric, points: readonly GrowthPoint[]): number => {
  const first = points[0];
  const last = points.at(-1);
  if (first === undefined || last === undefined) return Number.NaN;
  return perUnit(metric, last) / perUnit(metric, first);
};

const count = (n: number): string => n.toLocaleString("en-US");
const formatUnit = (value: number): string => formatQuantity({ value, unit: "us" });

/** A size whose measurement stopped with an error: named in the report instead of losing the run. */
export interface FailedSize {
  readonly items: number;
  readonly reason: string;
}

export const growthReport = (
  points: readonly GrowthPoint[],
  { smoke, failed = [] }: { readonly smoke: boolean; readonly failed?: readonly FailedSize[] },
): BenchReport => {
  const sizes = points.map((p) => count(p.items));
  const unitOf = { event: "µs per event", item: "µs per item", operation: "ms" } as const;
  const table: Table = {
    columns: [
      { header: "Row", align: "left" },
      ...points.map((p) => ({ header: `${count(p.items)} items, ms`, align: "right" as const })),
      { header: "Cost per unit", align: "left" },
      {
        header: `Per unit, ${sizes.at(-1) ?? ""} vs ${sizes[0] ?? ""} items`,
        align: "right",
      },
    ],
    rows: metrics.map((metric) => ({
      key: metric.key,
      cells: [
        metric.label,
        ...points.map((p): Cell => quantity(metric.ms(p), "ms")),
        `${points.map((p) => formatUnit(perUnit(metric, p))).join(" → ")} ${unitOf[metric.basis]}`,
        quantity(growthOf(metric, points), "ratio"),
      ],
    })),
    notes: [
      `Each size is the merge workload at that size: ${WRITES_NOTE}. Runs per size: ${points.map((p) => `${count(p.items)} items ${p.runs}`).join(", ")} (medians); every row after a warm-up.`,
      "The apply rows are the apply benchmark's contenders, each in its own process on a fresh replica. The end-to-end rows are the sync benchmark's scenario on Postgres: a real server over HTTP, device A pushing every event (batches of 1,000), device B pulling, verifying, applying and listing them; the new-device row is its third device, from A's snapshot to a listed vault; Yjs loads the same final state.",
      "List, search and edit run in their own process on a copy of device A (ten writes per item in each item's merge state; its outbox still holds every event, as on a device that imported and has not synced): the vault opened afresh (the file in the OS cache), its first list, the list again (from the item store's cache), a search for two characters through every item's fields, then edits of a random item's password, one commit each (synchronous = FULL). The limits beside them use a plain SQLite table of as many rows of 200 bytes on the same disk.",
      `The last column divides the cost per unit (per event, per item, or per operation for an edit and an open) at the largest size by that at the smallest: 1× is linear growth of the total (constant for an operation); above ${SUPERLINEAR_FACTOR}× on a KeyPears row is a finding, named below. Charts (Vega-Lite ${packageVersion("vega-lite")}, SVG beside this report) plot the cost per unit against the vault's size.`,
    ],
  };
  const chartList: LineChart[] = (Object.keys(charts) as ChartKey[]).map((key) => ({
    file: `growth-${key}.svg`,
    title: charts[key].title,
    xTitle: "items in the vault (ten writes each)",
    yTitle: charts[key].yTitle,
    logX: true,
    series: metrics
      .filter((m) => m.chart === key)
      .map((m) => ({
        name: m.label.replaceAll("`", ""),
        kind: m.kind,
        points: points.map((p) => ({ x: p.items, y: perUnit(m, p) })),
      })),
  }));
  const superlinear = metrics.filter(
    (m) => m.kind === "keypears" && growthOf(m, points) > SUPERLINEAR_FACTOR,
  );
  const findings = superlinear.map(
    (m) =>
      `**Grows faster than the vault:** ${m.label}: the cost per ${m.basis} rose ${growthOf(m, points).toFixed(2)}× from ${sizes[0]} to ${sizes.at(-1)} items (${points.map((p) => formatUnit(perUnit(m, p))).join(" → ")} ${unitOf[m.basis]}).`,
  );
  const stateNote = stateWritesNote(points);
  return {
    title: `How cost grows: ${sizes.join(", ")} items`,
    description: `The vault grows for years. The same rows at ${sizes.join(", ")} items, ${WRITES_NOTE}${smoke ? " (smoke sizes: the numbers mean nothing)" : ""}, each beside its peer and its limit, to show which costs grow with the vault faster than the vault itself.`,
    tables: [
      {
        ...table,
        notes: [
          ...table.notes,
          ...(stateNote === undefined ? [] : [stateNote]),
          ...findings,
          ...failed.map(
            (f) =>
              `**Not measured: ${count(f.items)} items.** The run at that size stopped: ${f.reason}`,
          ),
        ],
      },
    ],
    charts: chartList,
  };
};

/**
 * Why the apply's cost per event can grow with the vault: the item states it writes per event, from
 * the workload's order and the vault's batch size (`state-writes.ts`).
 */
const stateWritesNote = (points: readonly GrowthPoint[]): string | undefined => {
  const last = points.at(-1);
  if (last === undefined) return undefined;
  const perEvent = (writes: (p: GrowthPoint) => number) =>
    points.map((p) => (writes(p) / p.events).toFixed(2)).join(" → ");
  const batches = Math.ceil((last.events + 1) / last.applyBatch);
  const share = last.stateWritesPerBatch / batches / last.items;
  return `Item states the vault's apply writes: ${perEvent((p) => p.stateWrites)} per event (${points.map((p) => count(p.stateWrites)).join(", ")} in all). The sync client applies batches of ${count(last.applyBatch)} events, each in one transaction (its events and the checkpoint); every batch but a pull's last defers the items it touches (vault schema 7), which are written once (each one's sealed merge state, which holds every write of the item, and its view) by the last batch, or whenever more than ${count(last.maxDeferred)} items are waiting. Were every batch to write the items it touches (as before schema 7), it would be ${perEvent((p) => p.stateWritesPerBatch)} per event: at ${count(last.items)} items a batch touches ${Math.round(share * 100)}% of them, and an item would be written again in almost every batch that holds one of its writes.`;
};

const WRITES_NOTE = "ten field writes per item (the first makes the item)";
