import assert from "node:assert/strict";
import { test } from "node:test";
import { drawRandomBytes, randomIndex, systemRandomBytes } from "./random.ts";
import { chiSquared } from "./testing/chi-squared.ts";
import { createSeededRandomBytes } from "./testing/seeded-random.ts";

test("systemRandomBytes returns the length asked for, beyond getRandomValues' 64 KiB limit", () => {
  assert.equal(systemRandomBytes(0).length, 0);
  const big = systemRandomBytes(100_000);
  assert.equal(big.length, 100_000);
  assert.ok(big.subarray(90_000).some((byte) => byte !== 0));
  assert.throws(() => systemRandomBytes(-1), /non-negative integer length/);
});

test("the seeded test source is deterministic per seed, whatever the call sizes", () => {
  const a = createSeededRandomBytes("s");
  const b = createSeededRandomBytes("s");
  const joined = new Uint8Array(5000);
  joined.set(a(1), 0);
  joined.set(a(4095), 1);
  joined.set(a(904), 4096);
  assert.deepEqual(b(5000), joined);
  assert.notDeepEqual(createSeededRandomBytes("t")(32), createSeededRandomBytes("s")(32));
});

test("randomIndex is uniform, even for a range that does not divide 2^32", () => {
  const random = createSeededRandomBytes("random-index");
  // 3 does not divide 2^32; so 100,000 draws must still spread evenly (chi-squared, 2 degrees of freedom, p = 0.001: 13.8).
  const counts = [0, 0, 0];
  for (let i = 0; i < 100_000; i++) counts[randomIndex(3, random)]! += 1;
  assert.ok(chiSquared(counts) < 13.8, `chi-squared ${chiSquared(counts)} for ${counts.join(",")}`);
  assert.equal(randomIndex(1, random), 0);
});

test("randomIndex rejects draws in the biased tail instead of folding them", () => {
  // For n = 3 the accepted draws are below 2^32 - (2^32 mod 3) = 2^32 - 1, so the draw 2^32 - 1 must be redrawn.
  const draws = [Uint8Array.of(0xff, 0xff, 0xff, 0xff), Uint8Array.of(0, 0, 0, 5)];
  const scripted = (length: number) => {
    assert.equal(length, 4);
    return draws.shift() as Uint8Array;
  };
  assert.equal(randomIndex(3, scripted), 5 % 3);
  assert.equal(draws.length, 0);
});

test("a random source that returns the wrong length is caught", () => {
  assert.throws(() => drawRandomBytes(() => new Uint8Array(3), 4), /returned 3 bytes, expected 4/);
  assert.throws(() => randomIndex(0, systemRandomBytes), /between 1 and 2\^32/);
});
