import assert from "node:assert/strict";
import { test } from "node:test";
import { areaOf, shareOf, summarizeProfile } from "./profile.ts";

test("frames are grouped by workspace file, dependency, Node internal or V8's own", () => {
  assert.equal(
    areaOf("file:///repo/packages/vault/src/sqlite.ts", "run"),
    "packages/vault/src/sqlite.ts",
  );
  assert.equal(
    areaOf("file:///repo/node_modules/@orpc/server/dist/index.mjs", "x"),
    "@orpc/server",
  );
  assert.equal(areaOf("file:///repo/node_modules/cborg/lib/encode.js", "x"), "cborg");
  assert.equal(areaOf("node:internal/crypto/cipher", "update"), "node:internal/crypto/cipher");
  assert.equal(areaOf("", "(garbage collector)"), "(garbage collector)");
  assert.equal(areaOf("", "run"), "(native) run");
});

test("a profile's own time adds up by area, largest first", () => {
  const summary = summarizeProfile({
    nodes: [
      { id: 1, callFrame: { functionName: "(root)", url: "" } },
      { id: 2, callFrame: { functionName: "run", url: "" } },
      { id: 3, callFrame: { functionName: "seal", url: "file:///r/packages/crypto/src/aead.ts" } },
    ],
    samples: [2, 2, 3, 2],
    timeDeltas: [1000, 1000, 2000, 1000],
  });
  assert.equal(summary.totalMs, 5);
  assert.deepEqual(
    summary.areas.map((a) => [a.area, a.ms]),
    [
      ["(native) run", 3],
      ["packages/crypto/src/aead.ts", 2],
    ],
  );
  assert.equal(
    shareOf(summary, (area) => area.startsWith("packages/")),
    0.4,
  );
});

test("a native frame can count to its nearest caller with a source (run: SQLite or Ed25519)", () => {
  const profile = {
    nodes: [
      { id: 1, callFrame: { functionName: "(root)", url: "" }, children: [2, 4] },
      {
        id: 2,
        callFrame: { functionName: "verifyOneShot", url: "node:internal/crypto/sig" },
        children: [3],
      },
      { id: 3, callFrame: { functionName: "run", url: "" } },
      {
        id: 4,
        callFrame: { functionName: "run", url: "file:///r/packages/vault/src/node/node-sqlite.ts" },
        children: [5],
      },
      { id: 5, callFrame: { functionName: "run", url: "" } },
      { id: 6, callFrame: { functionName: "(garbage collector)", url: "" } },
    ],
    samples: [3, 3, 5, 6],
    timeDeltas: [1000, 1000, 1000, 1000],
  };
  assert.deepEqual(
    summarizeProfile(profile, { nativesToCaller: true }).areas.map((a) => [a.area, a.ms]),
    [
      ["node:internal/crypto/sig", 2],
      ["packages/vault/src/node/node-sqlite.ts", 1],
      ["(garbage collector)", 1],
    ],
  );
  assert.deepEqual(
    summarizeProfile(profile).areas.map((a) => [a.area, a.ms]),
    [
      ["(native) run", 3],
      ["(garbage collector)", 1],
    ],
  );
});
