/**
 * Applying a large pulled batch with a background verifier (a worker thread verifying signatures
 * while the batch is applied): forged signatures are still caught, at their positions, and
 * everything else is applied as without one.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { BackgroundVerifier, SignatureJob } from "./background-verifier.ts";
import { nodeSignatureVerifier } from "./node/node-signature-verifier.ts";
import { flipBit, orderedWithForgeries } from "./testing/forged-batch.ts";
import {
  cheapDeps,
  createTestAccount,
  createTestHome,
  expectOk,
  joinTestDevice,
} from "./testing/test-platform.ts";
import type { Vault } from "./vault.ts";

const homes = [createTestHome(), createTestHome()];
const started: (readonly (SignatureJob | undefined)[])[] = [];
const recording: BackgroundVerifier = {
  start: (jobs) => {
    started.push(jobs);
    return nodeSignatureVerifier.start(jobs);
  },
};
let laptop: Vault;
let phone: Vault;

before(async () => {
  // The laptop writes as protocol version 2 did, one signature per event: the logs whose
  // signatures a device verifies (version 3 signs a push's events once, in its batch event).
  const created = await createTestAccount(homes[0]!.path, "erin@example.com", {
    serverUrl: "https://example.com",
    deps: cheapDeps({ unsafeVersion2ItemEventsForTests: true }),
  });
  laptop = created.vault;
  phone = await joinTestDevice(homes[1]!.path, created, {
    address: "erin@example.com",
    deviceId: "00000000000000cc",
    deps: cheapDeps({ signatureVerifier: recording }),
  });
});
after(() => {
  laptop.lock();
  phone.lock();
  for (const home of homes) home.remove();
});

test("a large batch is verified in the background, and forged signatures in it are still quarantined", async () => {
  // Forged after the server ordered them: a flipped signature bit, a flipped bit in the box.
  const { events, served, verified } = await orderedWithForgeries(
    laptop,
    phone,
    150,
    new Map([
      [40, flipBit((p) => p.length - 5, 1)],
      [120, flipBit(() => 60, 4)],
    ]),
  );
  assert.equal(events.length, 151, "the laptop's enrolment and its 150 items");
  const result = expectOk(phone.sync.applyOrdered(served, verified));
  assert.equal(started.length, 1, "one background batch, started once the signer was enrolled");
  assert.equal(started[0]?.filter((job) => job !== undefined).length, 150);
  assert.deepEqual(
    result.quarantined.map((q) => [q.position, q.reason]),
    [
      [events[40]!.position, "bad-signature"],
      [events[120]!.position, "bad-signature"],
    ],
  );
  assert.equal(result.applied, 148);
  const titles = phone.list().map((item) => item.title);
  assert.equal(titles.length, 148);
  assert.ok(!titles.includes("Item 39") && !titles.includes("Item 119"));
  assert.ok(titles.includes("Item 38") && titles.includes("Item 149"));
});
