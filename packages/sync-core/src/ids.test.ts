import assert from "node:assert/strict";
import { test } from "node:test";
import { createSeededRandom } from "./deps.ts";
import {
  createDeviceId,
  createIdFactory,
  createUuidV7Generator,
  createVaultId,
  encodeUuidV7,
  isDeviceId,
  isUuid,
  uuidV7Millis,
} from "./ids.ts";
import { hexToBytes } from "@keypears/base";

test("UUIDv7 layout matches the RFC 9562 Appendix A.6 example", () => {
  const id = encodeUuidV7(0x017f22e279b0, 0xcc3, hexToBytes("18c4dc0c0c07398f"));
  assert.equal(id, "017f22e2-79b0-7cc3-98c4-dc0c0c07398f");
  assert.equal(uuidV7Millis(id), 0x017f22e279b0);
});

test("UUIDv7 ids from one generator strictly increase, even within one millisecond and when the clock steps back", () => {
  const times = [1000, 1000, 1000, 999, 500, 1001, 1001];
  let i = 0;
  const next = createUuidV7Generator(
    () => times[Math.min(i++, times.length - 1)] as number,
    createSeededRandom(7),
  );
  const ids = times.map(() => next());
  for (let k = 1; k < ids.length; k++)
    assert.ok((ids[k - 1] as string) < (ids[k] as string), `${ids[k - 1]} < ${ids[k]}`);
  assert.ok(ids.every(isUuid));
  assert.equal(uuidV7Millis(ids[4] as string), 1000);
});

test("UUIDv7 counter overflow borrows the next millisecond instead of repeating", () => {
  const next = createUuidV7Generator(() => 5, createSeededRandom(1));
  let previous = next();
  for (let k = 0; k < 5000; k++) {
    const id = next();
    assert.ok(previous < id);
    previous = id;
  }
  assert.ok(uuidV7Millis(previous) > 5);
});

test("ids are deterministic for a given seed and time", () => {
  const make = () =>
    createIdFactory({ now: () => 1_700_000_000_000, randomBytes: createSeededRandom(42) });
  assert.equal(make().eventId(), make().eventId());
  const other = createIdFactory({
    now: () => 1_700_000_000_000,
    randomBytes: createSeededRandom(43),
  });
  assert.notEqual(make().eventId(), other.eventId());
});

test("vault ids are random version-4 UUIDs and device ids are 16 hex digits", () => {
  const random = createSeededRandom(3);
  const vault = createVaultId(random);
  assert.ok(isUuid(vault));
  assert.equal(vault[14], "4");
  const device = createDeviceId(random);
  assert.ok(isDeviceId(device));
  assert.notEqual(createDeviceId(random), device);
});
