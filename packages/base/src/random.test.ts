import assert from "node:assert/strict";
import { test } from "node:test";
import { systemRandomBytes } from "./random.ts";

test("draws have the asked length and never repeat, across pool refills", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const bytes = systemRandomBytes(16);
    assert.equal(bytes.length, 16);
    const hex = Buffer.from(bytes).toString("hex");
    assert.ok(!seen.has(hex));
    seen.add(hex);
  }
  assert.equal(systemRandomBytes(0).length, 0);
  assert.equal(systemRandomBytes(100_000).length, 100_000);
});

test("a draw is a private copy: changing it does not change the next draw", () => {
  const a = systemRandomBytes(32);
  a.fill(0);
  assert.notDeepEqual(systemRandomBytes(32), new Uint8Array(32));
});

test("bytes look uniform (every value appears in a large sample)", () => {
  const counts = Array.from({ length: 256 }, () => 0);
  for (const byte of systemRandomBytes(200_000)) counts[byte]!++;
  // Each count is Binomial(200000, 1/256): mean 781, sd 28. Bounds about 8 sd away fail a good
  // source with probability about 5e-14 (the former 600..1000: about 2e-9).
  assert.ok(
    counts.every((c) => c > 560 && c < 1020),
    `each byte value near 781 of 200000: ${Math.min(...counts)} to ${Math.max(...counts)}`,
  );
});

test("nonsense lengths are refused", () => {
  assert.throws(() => systemRandomBytes(-1), RangeError);
  assert.throws(() => systemRandomBytes(1.5), RangeError);
});
