import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex, hexToBytes } from "@keypears/base";
import { deriveSubkey, hkdfSha256 } from "./hkdf.ts";
import { AD_PREFIX, LABELS } from "./labels.ts";

const range = (from: number, to: number): Uint8Array =>
  Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

test("HKDF-SHA256 reproduces RFC 5869 test cases 1 to 3", () => {
  assert.equal(
    bytesToHex(hkdfSha256(new Uint8Array(22).fill(0x0b), range(0x00, 0x0c), range(0xf0, 0xf9), 42)),
    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
  );
  assert.equal(
    bytesToHex(hkdfSha256(range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), 82)),
    "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c" +
      "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71" +
      "cc30c58179ec3e87c14c01d5c1f3434f1d87",
  );
  assert.equal(
    bytesToHex(hkdfSha256(new Uint8Array(22).fill(0x0b), new Uint8Array(0), new Uint8Array(0), 42)),
    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
  );
  // An absent salt is the same as an empty one: HashLen zero bytes.
  assert.deepEqual(
    hkdfSha256(new Uint8Array(22).fill(0x0b), undefined, new Uint8Array(0), 42),
    hexToBytes(
      "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
    ),
  );
});

test("deriveSubkey gives independent keys per label and the same key for the same label", () => {
  const key = range(1, 32);
  const events = deriveSubkey(key, LABELS.vaultEvents);
  assert.equal(events.length, 32);
  assert.deepEqual(deriveSubkey(key, LABELS.vaultEvents), events);
  assert.notDeepEqual(deriveSubkey(key, LABELS.vaultStore), events);
  assert.notDeepEqual(deriveSubkey(range(2, 33), LABELS.vaultEvents), events);
  assert.equal(deriveSubkey(key, LABELS.vaultEvents, 64).length, 64);
  // It is HKDF with no salt and the label as info.
  assert.deepEqual(
    events,
    hkdfSha256(key, undefined, new TextEncoder().encode(LABELS.vaultEvents), 32),
  );
});

test("deriveSubkey refuses short keys, foreign labels and short outputs", () => {
  assert.throws(
    () => deriveSubkey(new Uint8Array(16), LABELS.vaultEvents),
    /at least 32 bytes, got 16/,
  );
  assert.throws(() => deriveSubkey(new Uint8Array(32), "events"), /must start with "keypears\/"/);
  assert.throws(
    () => deriveSubkey(new Uint8Array(32), LABELS.vaultEvents, 8),
    /at least 16 bytes, got 8/,
  );
  assert.throws(
    () => hkdfSha256(new Uint8Array(32), undefined, new Uint8Array(0), 255 * 32 + 1),
    /8160/,
  );
});

test("every label is distinct, versioned and none is a prefix of another", () => {
  const labels = Object.values(LABELS);
  assert.equal(new Set(labels).size, labels.length);
  for (const label of labels) {
    assert.ok(label.startsWith(AD_PREFIX), label);
    for (const other of labels)
      if (other !== label) assert.ok(!other.startsWith(label), `${label} / ${other}`);
  }
});
