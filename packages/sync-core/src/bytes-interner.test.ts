import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { bytesToHex } from "@keypears/base";
import { createBytesInterner } from "./bytes-interner.ts";

test("property: an interner returns what its maker would, sharing one string per cached key", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 5 }), { minLength: 1, maxLength: 40 }),
      fc.constantFrom(1, 2, 8),
      (keys, slots) => {
        let made = 0;
        const intern = createBytesInterner(slots, 4, (bytes, start, end) => {
          made++;
          return bytesToHex(bytes.subarray(start, end));
        });
        for (const key of keys) {
          const padded = Uint8Array.of(7, ...key, 9);
          assert.equal(intern(padded, 1, 1 + key.length), bytesToHex(key));
        }
        assert.ok(made <= keys.length);
      },
    ),
  );
});

test("an interner caches nothing its maker refused, nor keys longer than its limit", () => {
  let made = 0;
  const intern = createBytesInterner(4, 2, (bytes, start, end) => {
    made++;
    if (bytes[start] === 0) throw new Error("refused");
    return bytesToHex(bytes.subarray(start, end));
  });
  const long = Uint8Array.of(1, 2, 3);
  assert.equal(intern(long, 0, 3), "010203");
  assert.equal(intern(long, 0, 3), "010203");
  assert.equal(made, 2);
  assert.throws(() => intern(Uint8Array.of(0), 0, 1), /refused/);
  assert.throws(() => intern(Uint8Array.of(0), 0, 1), /refused/);
  const short = Uint8Array.of(5, 6);
  assert.equal(intern(short, 0, 2), intern(short.slice(), 0, 2));
  assert.equal(made, 5);
});
