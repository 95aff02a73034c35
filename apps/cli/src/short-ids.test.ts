import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { shortIdAmong, shortIdsFor } from "./short-ids.ts";

// Ids that share long prefixes, as UUIDv7 made in the same millisecond do.
const idLike = fc
  .tuple(
    fc.constantFrom("01a2008e-a2f3-7", "01a2008e-a2f4-7", "01a2008e-a2f3-8"),
    fc.stringMatching(/^[0-9a-f]{0,6}$/),
  )
  .map(([head, tail]) => `${head}${tail}`);

test("one id's short form by one pass is the sorted index's short form", () => {
  const seed = Date.now();
  console.log(`fast-check seed: ${seed}`);
  fc.assert(
    fc.property(fc.uniqueArray(idLike, { minLength: 1, maxLength: 30 }), (ids) => {
      const index = shortIdsFor(ids);
      for (const id of ids) assert.equal(shortIdAmong(ids, id), index(id));
      assert.equal(shortIdAmong(ids, "not-there"), "not-there");
    }),
    { seed, numRuns: 300 },
  );
});
