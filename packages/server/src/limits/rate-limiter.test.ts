import assert from "node:assert/strict";
import { test } from "node:test";
import { createRateLimiter } from "./rate-limiter.ts";

test("allows a burst of `capacity`, then refuses with the time until the next token", () => {
  let time = 0;
  const limiter = createRateLimiter({ capacity: 3, refillPerMinute: 6 }, () => time);
  for (let i = 0; i < 3; i++) assert.equal(limiter.take("ip").allowed, true);
  assert.deepEqual(limiter.take("ip"), { allowed: false, retryAfterSeconds: 10 });
  time += 10_000;
  assert.equal(limiter.take("ip").allowed, true);
  assert.equal(limiter.take("ip").allowed, false);
});

test("keeps keys apart and lets check look without spending", () => {
  const limiter = createRateLimiter({ capacity: 1, refillPerMinute: 1 }, () => 0);
  assert.equal(limiter.check("a").allowed, true);
  assert.equal(limiter.take("a").allowed, true);
  assert.equal(limiter.check("a").allowed, false);
  assert.equal(limiter.take("b").allowed, true);
});

test("refuses a nonsensical limit", () => {
  assert.throws(() => createRateLimiter({ capacity: 0, refillPerMinute: 1 }), RangeError);
});

test("spends several tokens at once, and never asks for more than the capacity", () => {
  let time = 0;
  const limiter = createRateLimiter({ capacity: 10, refillPerMinute: 60 }, () => time);
  assert.equal(limiter.take("k", 7).allowed, true);
  assert.deepEqual(limiter.take("k", 5), { allowed: false, retryAfterSeconds: 2 });
  time += 60_000;
  assert.equal(limiter.take("k", 500).allowed, true);
  assert.equal(limiter.take("k").allowed, false);
});
