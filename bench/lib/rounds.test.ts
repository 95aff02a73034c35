import assert from "node:assert/strict";
import { test } from "node:test";
import { runBudgetedRounds } from "./rounds.ts";

const subject = (key: string, ms: number, minRuns: number, budgetMs: number, order: string[]) => ({
  key,
  minRuns,
  budgetMs,
  runOnce: async () => {
    order.push(key);
    return ms;
  },
});

test("budgeted rounds give a slow subject its minimum runs and a fast one all of them, interleaved", async () => {
  const order: string[] = [];
  const samples = await runBudgetedRounds(
    [subject("slow", 100, 2, 150, order), subject("fast", 1, 2, 150, order)],
    { runs: 5 },
  );
  assert.equal(samples.get("slow")?.length, 2);
  assert.equal(samples.get("fast")?.length, 5);
  assert.deepEqual(order.slice(0, 4), ["slow", "fast", "fast", "slow"]);
});

test("budgeted rounds never run more than asked, nor fewer than the minimum when asked for fewer", async () => {
  const samples = await runBudgetedRounds([subject("a", 1, 3, 1_000, [])], { runs: 2 });
  assert.equal(samples.get("a")?.length, 2);
});
