/** The reused findings of a group read exactly as the naive per-member filter, map and join made them. */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type GroupMember, reusedFindings } from "./reused-findings.ts";

/** The findings as the report made them before: a filter, a map and a join per member. */
const naiveAt = (members: readonly GroupMember[], group: number, k: number) => {
  const others = members
    .filter((_, j) => j !== k)
    .map((other) => ({ id: other.id, title: other.title }));
  return {
    kind: "reused",
    severity: "high",
    group,
    others,
    message: `The same password is used by ${others.length === 1 ? "1 other item" : `${others.length} other items`}: ${others.map((o) => `"${o.title}"`).join(", ")}.`,
    action: "Give each site its own generated password.",
  };
};
const naive = (members: readonly GroupMember[], group: number) =>
  members.map((_, k) => naiveAt(members, group, k));

const member = fc.record({ id: fc.uuid(), title: fc.string({ maxLength: 12 }) });

test("every member's list and message are those of the naive report", () => {
  fc.assert(
    fc.property(
      fc.array(member, { minLength: 2, maxLength: 40 }),
      fc.nat(1000),
      (members, group) => {
        // Compared as text: a failing deep comparison's diff of long lists takes minutes to print.
        return (
          JSON.stringify(reusedFindings(members, group)) === JSON.stringify(naive(members, group))
        );
      },
    ),
    { numRuns: 300 },
  );
});

test("titles that hold quotes, commas and nothing at all read the same", () => {
  const members = ["", ",", '"', ", ", "a, b"].map((title, i) => ({ id: `id${i}`, title }));
  assert.deepEqual(reusedFindings(members, 3), naive(members, 3));
});

test("a group of 5,000 reads the same, messages serialized in full", () => {
  const members = Array.from({ length: 5000 }, (_, i) => ({ id: `id${i}`, title: `Site ${i}` }));
  const fast = reusedFindings(members, 1);
  for (const k of [0, 1, 2499, 4998, 4999])
    assert.ok(
      JSON.stringify(fast[k]) === JSON.stringify(naiveAt(members, 1, k)),
      `member ${k} differs`,
    );
});
