import assert from "node:assert/strict";
import { test } from "node:test";
import { fflateCompression } from "./compression.ts";
import { nodeCompression } from "./node/node-compression.ts";

const sample = new TextEncoder().encode("snapshot ".repeat(5000) + "tail");

test("fflate and node:zlib read each other's raw DEFLATE", () => {
  assert.deepEqual(nodeCompression.inflate(fflateCompression.deflate(sample), 1 << 20), sample);
  assert.deepEqual(fflateCompression.inflate(nodeCompression.deflate(sample), 1 << 20), sample);
});

test("inflating past the limit is refused on both, and garbage is an error", () => {
  const bomb = nodeCompression.deflate(new Uint8Array(4 << 20));
  assert.throws(() => fflateCompression.inflate(bomb, 1 << 20), /inflates past/);
  assert.throws(() => nodeCompression.inflate(bomb, 1 << 20));
  assert.equal(fflateCompression.inflate(bomb, 4 << 20).length, 4 << 20);
  assert.throws(() => fflateCompression.inflate(new Uint8Array([0xff, 0xff, 0xff]), 100));
});
