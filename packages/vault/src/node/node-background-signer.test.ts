/**
 * The Node background signer: the worker's signatures are exactly Ed25519's with the seed it was
 * handed; each message is claimed by one thread; a finished batch stops the worker.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { createDeviceKeyPairs, signAsDevice } from "@keypears/crypto";
import { systemDeps } from "@keypears/sync-core";
import { nodeBackgroundSigner } from "./node-background-signer.ts";

const random = systemDeps.randomBytes;

/** Waits (generously, polling) until the worker has signed or left every message. */
const settled = async (unsigned: () => number): Promise<void> => {
  const deadline = Date.now() + 120_000;
  while (unsigned() > 0) {
    if (Date.now() > deadline) throw new Error("the worker never answered");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

test("the worker's signatures are exactly Ed25519's, with the seed it was handed", async () => {
  const { signingSeed } = createDeviceKeyPairs(random);
  const messages = Array.from({ length: 300 }, (_, i) => random(i % 7 === 0 ? 0 : 40 + (i % 500)));
  const batch = nodeBackgroundSigner.start(signingSeed, messages);
  try {
    await settled(batch.unsigned);
    messages.forEach((message, i) => {
      assert.deepEqual(batch.take(i), signAsDevice(signingSeed, message), `message ${i}`);
    });
    // Out of range is the caller's.
    assert.equal(batch.take(-1), undefined);
    assert.equal(batch.take(messages.length), undefined);
  } finally {
    batch.finish();
  }
});

test("messages the caller claims first are left to it; the others are signed by the worker", async () => {
  const { signingSeed } = createDeviceKeyPairs(random);
  const messages = Array.from({ length: 1000 }, () => random(100));
  const batch = nodeBackgroundSigner.start(signingSeed, messages);
  try {
    // Claimed at once, long before the worker (a signature at a time, in order) reaches them:
    // 600 signatures (tens of ms) ahead; at 100, a stall here of a few ms could lose the race.
    const claimed = [600, 800, 999];
    for (const i of claimed) assert.equal(batch.take(i), undefined, `message ${i} is claimed`);
    await settled(batch.unsigned);
    for (const i of claimed) assert.equal(batch.take(i), undefined, `message ${i} is the caller's`);
    const signed = messages.filter((message, i) => {
      const signature = batch.take(i);
      if (signature !== undefined)
        assert.deepEqual(signature, signAsDevice(signingSeed, message), `message ${i}`);
      return signature !== undefined;
    });
    assert.equal(signed.length, messages.length - claimed.length, "the worker signed the rest");
  } finally {
    batch.finish();
  }
});

test("a finished batch stops the worker, and a seed of the wrong length is refused", async () => {
  const { signingSeed } = createDeviceKeyPairs(random);
  const messages = Array.from({ length: 2000 }, () => random(64));
  const batch = nodeBackgroundSigner.start(signingSeed, messages);
  batch.finish();
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(batch.unsigned() > 1000, `the worker stopped (${batch.unsigned()} left)`);
  assert.throws(
    () => nodeBackgroundSigner.start(signingSeed.subarray(0, 16), messages),
    /32 bytes/,
  );
});
