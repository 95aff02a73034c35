import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { bytesToHex, bytesToUtf8, utf8ToBytes } from "@keypears/base";
import { associatedData } from "./associated-data.ts";

const hex = (...args: Parameters<typeof associatedData>) => bytesToHex(associatedData(...args));

test("the encoding is exactly prefix, zero byte, then tagged length-prefixed parts", () => {
  assert.equal(
    hex("item", "ab", Uint8Array.of(0xff), 258),
    bytesToHex(utf8ToBytes("keypears/v1/item")) +
      "00" +
      "02" +
      "00000002" +
      "6162" +
      "01" +
      "00000001" +
      "ff" +
      "03" +
      "0000000000000102",
  );
  assert.equal(
    hex("x", Number.MAX_SAFE_INTEGER),
    bytesToHex(utf8ToBytes("keypears/v1/x")) + "00" + "03" + "001fffffffffffff",
  );
});

test("associated data begins with keypears/v1/ and the purpose", () => {
  const ad = associatedData("vault-key", "alice@example.com", "v1");
  assert.equal(
    bytesToUtf8(ad.subarray(0, "keypears/v1/vault-key".length)),
    "keypears/v1/vault-key",
  );
});

test("different splits, types and purposes never encode alike", () => {
  const encodings = [
    hex("p", "ab", "c"),
    hex("p", "a", "bc"),
    hex("p", "abc"),
    hex("p", "abc", ""),
    hex("p", utf8ToBytes("abc")),
    hex("p", 97),
    hex("p", "a"),
    hex("p"),
    hex("p", ""),
    hex("p", new Uint8Array(0)),
    hex("p", 0),
    hex("pa", "bc"),
    hex("p-a", "bc"),
    hex("p/a", "bc"),
    hex("vault", "key"),
    hex("vault-key"),
    hex("p", 1, 2),
    hex("p", 2, 1),
    hex("p", 2 ** 32),
    hex("p", 1),
  ];
  assert.equal(new Set(encodings).size, encodings.length);
});

test("misuse throws: bad purpose, negative or fractional numbers, lone surrogates", () => {
  for (const purpose of [
    "",
    "Vault",
    "vault key",
    "vault\0key",
    "-vault",
    "vault-",
    "vault//key",
  ]) {
    assert.throws(() => associatedData(purpose), /invalid associated-data purpose/, purpose);
  }
  assert.throws(
    () => associatedData("p", -1),
    /part 0 must be bytes, a string or a non-negative safe integer/,
  );
  assert.throws(() => associatedData("p", "ok", 1.5), /part 1/);
  assert.throws(() => associatedData("p", 2 ** 53), /part 0/);
  assert.throws(() => associatedData("p", "\ud800"), /part 0 is not well-formed UTF-16/);
  assert.doesNotThrow(() => associatedData("p", "emoji 😀"));
});

test("the encoding is pinned: these parts give exactly these bytes", () => {
  const encoded = associatedData(
    "event",
    "6f9b4c1e-7a2d-4b3e-9c8f-1a2b3c4d5e6f",
    "018f0000-0000-7000-8000-000000000001",
    1,
    Uint8Array.of(1, 2, 3),
    "h\u00e9llo \u2603",
    2 ** 40 + 5,
  );
  assert.equal(
    bytesToHex(encoded),
    "6b657970656172732f76312f6576656e7400020000002436663962346331652d376132642d346233652d396338662d316132623363346435653666020000002430313866303030302d303030302d373030302d383030302d3030303030303030303030310300000000000000010100000003010203020000000a68c3a96c6c6f20e29883030000010000000005",
  );
});

test("the encoding equals a plain reference encoder over random parts (fast-check)", () => {
  const reference = (purpose: string, parts: readonly (Uint8Array | string | number)[]) => {
    const chunks: Uint8Array[] = [utf8ToBytes(`keypears/v1/${purpose}`), Uint8Array.of(0)];
    for (const part of parts) {
      const bytes =
        typeof part === "number"
          ? new Uint8Array(8)
          : typeof part === "string"
            ? utf8ToBytes(part)
            : part;
      const head = new Uint8Array(typeof part === "number" ? 1 : 5);
      head[0] = typeof part === "number" ? 3 : typeof part === "string" ? 2 : 1;
      if (typeof part === "number") new DataView(bytes.buffer).setBigUint64(0, BigInt(part));
      else new DataView(head.buffer).setUint32(1, bytes.length);
      chunks.push(head, bytes);
    }
    return bytesToHex(Uint8Array.from(chunks.flatMap((chunk) => [...chunk])));
  };
  const part = fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.string({ maxLength: 40 }),
    // ASCII, Latin-1 and beyond mixed: where a one-byte-a-character copy would stop being UTF-8.
    fc.string({ unit: fc.nat(0x2ff).map((code) => String.fromCharCode(code)), maxLength: 40 }),
    fc.maxSafeNat(),
  );
  fc.assert(
    fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
      assert.equal(hex("p", ...parts), reference("p", parts));
    }),
    { numRuns: 1000 },
  );
});
