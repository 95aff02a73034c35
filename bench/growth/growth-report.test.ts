import assert from "node:assert/strict";
import { test } from "node:test";
import { isQuantity } from "../lib/table.ts";
import type { GrowthPoint } from "./growth-benchmark.ts";
import { GROWTH_ROW_KEYS, growthReport } from "./growth-report.ts";

/** A point at `items` items where every total is `msPerItem` per item (linear growth), except what `overrides` says. */
const point = (
  items: number,
  msPerItem: number,
  overrides: { readonly firstListMs?: number; readonly editP50Ms?: number } = {},
): GrowthPoint => {
  const linear = items * msPerItem;
  return {
    items,
    events: items * 10,
    runs: 1,
    apply: { "keypears-vault": linear, "yjs-each": linear / 10, "sqlite-limit": linear / 20 },
    // Deferred: one write per item. Per batch: one per item below 50,000 items; above, as a
    // batch of 50,000 touches most of them.
    stateWrites: items,
    stateWritesPerBatch: items < 50_000 ? items : items * 8,
    applyBatch: 50_000,
    maxDeferred: 100_000,
    sync: { pushMs: linear, pullMs: linear, snapshotMs: linear },
    yjsLoadMs: linear / 5,
    local: {
      items,
      unlockMs: 15,
      firstListMs: overrides.firstListMs ?? linear / 100,
      listMs: linear / 1000,
      searchMs: linear / 1000,
      editP50Ms: overrides.editP50Ms ?? 5,
      limitReadMs: linear / 2000,
      limitInsertP50Ms: 3,
    },
  };
};

const growthColumn = (report: ReturnType<typeof growthReport>, key: string): number => {
  const row = report.tables[0]?.rows.find((r) => r.key === key);
  const cell = row?.cells.at(-1);
  assert.ok(cell !== undefined && isQuantity(cell), `no growth for ${key}`);
  return cell.value;
};

test("rows that grow with the vault read 1× per unit; one that grows faster is a finding", () => {
  const points = [
    point(1_000, 0.1),
    point(10_000, 0.1),
    // The first list costs 4× per item at the largest size; an edit takes 3× as long.
    point(100_000, 0.1, { firstListMs: 100_000 * 0.004, editP50Ms: 15 }),
  ];
  const report = growthReport(points, { smoke: false });
  const table = report.tables[0];
  assert.ok(table !== undefined);
  assert.deepEqual(
    table.rows.map((r) => r.key),
    GROWTH_ROW_KEYS,
  );
  assert.equal(growthColumn(report, "apply-vault"), 1);
  assert.equal(growthColumn(report, "new-device-snapshot"), 1);
  assert.equal(growthColumn(report, "unlock"), 1);
  assert.equal(growthColumn(report, "list-first"), 4);
  assert.equal(growthColumn(report, "edit"), 3);
  const findings = table.notes.filter((note) =>
    note.startsWith("**Grows faster than the vault:**"),
  );
  assert.equal(findings.length, 2);
  assert.match(
    findings[0] ?? "",
    /first list after opening the vault: the cost per item rose 4\.00×/,
  );
  assert.match(findings[1] ?? "", /vault\.edit.*the cost per operation rose 3\.00×/);
  // Why the apply can grow: the item states it writes per event, and the share a batch touches.
  const states = table.notes.find((note) => note.startsWith("Item states the vault's apply"));
  assert.match(states ?? "", /0\.10 → 0\.10 → 0\.10 per event \(1,000, 10,000, 100,000 in all\)/);
  assert.match(states ?? "", /more than 100,000 items are waiting/);
  assert.match(
    states ?? "",
    /it would be 0\.10 → 0\.10 → 0\.80 per event: at 100,000 items a batch touches 38% of them/,
  );
});

test("a peer or a limit that grows faster is shown but is not a finding of ours", () => {
  const slowPeer = (items: number, factor: number): GrowthPoint => {
    const base = point(items, 0.1);
    return { ...base, yjsLoadMs: base.yjsLoadMs * factor };
  };
  const report = growthReport([slowPeer(1_000, 1), slowPeer(100_000, 3)], { smoke: false });
  assert.equal(growthColumn(report, "new-device-yjs"), 3);
  assert.equal(
    report.tables[0]?.notes.some((note) => note.startsWith("**Grows faster")),
    false,
  );
});

test("each chart plots its rows' cost per unit at every size", () => {
  const report = growthReport([point(1_000, 0.2), point(10_000, 0.3)], { smoke: false });
  const apply = report.charts?.find((c) => c.file === "growth-apply.svg");
  assert.ok(apply !== undefined);
  assert.equal(apply.logX, true);
  const vault = apply.series.find((s) => s.kind === "keypears");
  // 0.2 ms per item over 10 events per item: 20 µs per event; then 30.
  assert.deepEqual(vault?.points, [
    { x: 1_000, y: 20 },
    { x: 10_000, y: 30 },
  ]);
  const edit = report.charts?.find((c) => c.file === "growth-edit.svg");
  assert.deepEqual(
    edit?.series.map((s) => [s.kind, s.points.map((p) => p.y)]),
    [
      ["keypears", [5, 5]],
      ["keypears", [15, 15]],
      ["limit", [3, 3]],
    ],
  );
});

test("a size whose run failed is named with its reason, and the sizes measured are still reported", () => {
  const report = growthReport([point(1_000, 0.1), point(10_000, 0.1)], {
    smoke: false,
    failed: [{ items: 100_000, reason: "A (snapshot): not stored" }],
  });
  assert.equal(growthColumn(report, "apply-vault"), 1);
  assert.deepEqual(
    report.tables[0]?.notes.filter((note) => note.startsWith("**Not measured")),
    ["**Not measured: 100,000 items.** The run at that size stopped: A (snapshot): not stored"],
  );
});
