import type { DeviceId } from "@keypears/sync-core";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { createSessionCache } from "./session-cache.ts";
import type { Session } from "./sessions.ts";

const session = (accountId: string, deviceId: string, expiresAt: number): Session => ({
  accountId,
  deviceId: deviceId as DeviceId,
  tokenHash: new Uint8Array(randomBytes(32)),
  expiresAt: new Date(expiresAt),
  pending: false,
});

describe("the session cache", () => {
  it("serves a session for its lifetime, never past the session's own expiry", () => {
    let now = 1_000;
    const cache = createSessionCache({ ttlMs: 5_000, now: () => now });
    const long = session("a", "d1", 1_000_000);
    const short = session("a", "d2", 3_000);
    cache.put(long);
    cache.put(short);
    now = 2_999;
    assert.equal(cache.get(long.tokenHash), long);
    assert.equal(cache.get(short.tokenHash), short);
    now = 3_000;
    assert.equal(cache.get(short.tokenHash), undefined, "expired with the session");
    assert.equal(cache.get(long.tokenHash), long);
    now = 6_000;
    assert.equal(
      cache.get(long.tokenHash),
      undefined,
      "looked up again after the cache's lifetime",
    );
    assert.equal(cache.get(new Uint8Array(32)), undefined);
  });

  it("forgets one token on sign-out, every session of a device on revocation, all on clear", () => {
    const cache = createSessionCache({ ttlMs: 5_000, now: () => 0 });
    const laptop = session("a", "laptop", 10_000);
    const phoneOne = session("a", "phone", 10_000);
    const phoneTwo = session("a", "phone", 10_000);
    const otherAccountsPhone = session("b", "phone", 10_000);
    for (const s of [laptop, phoneOne, phoneTwo, otherAccountsPhone]) cache.put(s);
    cache.endToken(laptop.tokenHash);
    assert.equal(cache.get(laptop.tokenHash), undefined);
    cache.endDevice("a", "phone" as DeviceId);
    assert.equal(cache.get(phoneOne.tokenHash), undefined);
    assert.equal(cache.get(phoneTwo.tokenHash), undefined);
    assert.equal(
      cache.get(otherAccountsPhone.tokenHash),
      otherAccountsPhone,
      "same device id, other account",
    );
    cache.clear();
    assert.equal(cache.size(), 0);
  });

  it("keeps at most maxEntries, dropping the oldest; a lifetime of 0 keeps nothing", () => {
    const cache = createSessionCache({ ttlMs: 5_000, now: () => 0, maxEntries: 2 });
    const [one, two, three] = [1, 2, 3].map((n) => session("a", `d${n}`, 10_000)) as [
      Session,
      Session,
      Session,
    ];
    cache.put(one);
    cache.put(two);
    cache.put(three);
    assert.equal(cache.size(), 2);
    assert.equal(cache.get(one.tokenHash), undefined);
    assert.equal(cache.get(three.tokenHash), three);
    const off = createSessionCache({ ttlMs: 0, now: () => 0 });
    off.put(one);
    assert.equal(off.get(one.tokenHash), undefined);
  });
});
