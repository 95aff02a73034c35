/**
 * Skipping the history of an item whose oldest write is within the age limit never changes the
 * report: random items and histories, with and without the oldest write known, give the same findings.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type HealthItem, runHealthCheck } from "./health-report.ts";
import type { HistoryEntryLike } from "./password-age.ts";
import type { Strength, StrengthEstimator } from "./password-strength.ts";

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 1);
const strong: StrengthEstimator = {
  estimate: (): Strength => ({
    score: 4,
    guessesLog10: 20,
    crackSeconds: 1e16,
    crackTime: "centuries",
    reasons: [],
    warning: null,
    suggestions: [],
  }),
};
const randomBytes = (n: number) => new Uint8Array(n).fill(7);

interface Case {
  readonly item: HealthItem;
  readonly entries: readonly HistoryEntryLike[];
  /** A true lower bound of the entries' times (what the vault's `created` is). */
  readonly oldest: number;
}

/** An item whose password had a few writes (values from a small set, so runs repeat), the last one current. */
const itemCase = (index: number) =>
  fc
    .record({
      writes: fc.array(
        fc.record({ daysAgo: fc.integer({ min: -5, max: 800 }), value: fc.constantFrom("a", "b") }),
        { minLength: 1, maxLength: 5 },
      ),
      slackDays: fc.integer({ min: 0, max: 100 }),
    })
    .map(({ writes, slackDays }): Case => {
      // Distinct times, oldest first; the newest write is the current one.
      const times = writes.map((w, i) => NOW - w.daysAgo * DAY - i).sort((a, b) => a - b);
      const entries = times.map((at, i) => ({
        at,
        value: `${(writes[i] as { value: string }).value}${index}`,
        current: i === times.length - 1,
      }));
      const current = entries[entries.length - 1] as HistoryEntryLike;
      return {
        item: {
          id: `item-${index}`,
          type: "login",
          title: `Item ${index}`,
          status: "live",
          fields: [
            {
              name: "password",
              value: current.value,
              eventId: `write-${index}`,
              updated: { at: current.at },
            },
          ],
        },
        entries,
        oldest: (times[0] as number) - slackDays * DAY,
      };
    });

const cases = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => itemCase(i))));

const report = async (items: readonly Case[], withOldest: boolean, maxAgeDays: number) => {
  const byId = new Map(items.map((c) => [c.item.id, c]));
  const asked: string[] = [];
  const result = await runHealthCheck({
    items: items.map((c) => c.item),
    now: NOW,
    randomBytes,
    estimator: strong,
    maxAgeDays,
    history: (itemId) => {
      asked.push(itemId);
      return byId.get(itemId)?.entries;
    },
    ...(withOldest ? { oldestWrite: (itemId: string) => byId.get(itemId)?.oldest } : {}),
  });
  return { findings: result.findings, asked };
};

test("the findings are the same with the oldest writes known as without", async () => {
  await fc.assert(
    fc.asyncProperty(cases, fc.integer({ min: 1, max: 700 }), async (items, maxAgeDays) => {
      const without = await report(items, false, maxAgeDays);
      const withOldest = await report(items, true, maxAgeDays);
      assert.deepEqual(withOldest.findings, without.findings);
      // Only items whose oldest write is past the limit have their history read.
      for (const id of withOldest.asked) {
        const oldest = items.find((c) => c.item.id === id)?.oldest as number;
        assert.ok(NOW - oldest >= maxAgeDays * DAY, `${id}'s history was read needlessly`);
      }
    }),
    { numRuns: 300 },
  );
});

test("an item written within the limit is not asked for its history; an older one is", async () => {
  const item = (id: string, daysAgo: number): Case => ({
    item: {
      id,
      type: "login",
      title: id,
      status: "live",
      fields: [
        { name: "password", value: id, eventId: `w-${id}`, updated: { at: NOW - daysAgo * DAY } },
      ],
    },
    // Rewritten with the same value 400 days ago: old, although its current write is recent.
    entries: [
      { at: NOW - 400 * DAY, value: id, current: false },
      { at: NOW - daysAgo * DAY, value: id, current: true },
    ],
    oldest: NOW - 400 * DAY,
  });
  const recent: Case = { ...item("recent", 10), entries: [], oldest: NOW - 10 * DAY };
  const rewritten = item("rewritten", 10);
  const { findings, asked } = await report([recent, rewritten], true, 365);
  assert.deepEqual(asked, ["rewritten"]);
  assert.deepEqual(
    findings.filter((f) => f.kind === "old").map((f) => f.itemId),
    ["rewritten"],
  );
});
