/**
 * Applying a pulled batch whose signatures were verified ahead, asynchronously, with WebCrypto (as
 * the vault in a browser worker does; this file runs in Node, where WebCrypto is OpenSSL, and in
 * Chromium, where it is BoringSSL): the apply takes those answers, and forged signatures are still
 * quarantined at their positions.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  createDeviceKeyPairs,
  createWebCryptoSignatureCheck,
  signAsDevice,
} from "@keypears/crypto";
import { createAheadSignatureVerifier } from "./ahead-signature-verifier.ts";
import { countingAnswers } from "./testing/counted-answers.ts";
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
const webCrypto = createAheadSignatureVerifier(createWebCryptoSignatureCheck());
/** How many answers the apply took from the verifier, and how many it had to verify itself. */
const { verifier: counting, taken } = countingAnswers(webCrypto);
let laptop: Vault;
let phone: Vault;

before(async () => {
  // The laptop writes as protocol version 2 did, one signature per event: the logs whose
  // signatures a device verifies (version 3 signs a push's events once, in its batch event).
  const created = await createTestAccount(homes[0]!.path, "fay@example.com", {
    serverUrl: "https://example.com",
    deps: cheapDeps({ unsafeVersion2ItemEventsForTests: true }),
  });
  laptop = created.vault;
  phone = await joinTestDevice(homes[1]!.path, created, {
    address: "fay@example.com",
    deviceId: "00000000000000dd",
    deps: cheapDeps({ signatureVerifier: counting }),
  });
});
after(() => {
  laptop.lock();
  phone.lock();
  for (const home of homes) home.remove();
});

test("signatures verified ahead with WebCrypto are taken by the apply, and forged ones are still quarantined", async () => {
  // Forged after the server ordered them: a flipped bit in a signature's S, in its R, in the box.
  const { events, served, verified } = await orderedWithForgeries(
    laptop,
    phone,
    150,
    new Map([
      [40, flipBit((p) => p.length - 5, 1)],
      [90, flipBit((p) => p.length - 40, 2)],
      [120, flipBit(() => 60, 4)],
    ]),
  );
  assert.equal(events.length, 151, "the laptop's enrolment and its 150 items");
  // The phone knows no device yet: the laptop's key comes from its enrolment in the same pages.
  assert.equal(phone.sync.quarantined().length, 0);
  await phone.sync.verifyAhead(served.slice(0, 100));
  await phone.sync.verifyAhead(served.slice(100));
  const result = expectOk(phone.sync.applyOrdered(served, verified));
  assert.deepEqual(
    result.quarantined.map((q) => [q.position, q.reason]),
    [40, 90, 120].map((i) => [events[i]!.position, "bad-signature"]),
  );
  assert.equal(result.applied, 147);
  assert.equal(taken.answered, 150, "every item signature's answer came from WebCrypto");
  assert.equal(taken.left, 0);
  const titles = phone.list().map((item) => item.title);
  assert.equal(titles.length, 147);
  assert.ok(!titles.includes("Item 39") && !titles.includes("Item 89"));
  assert.ok(titles.includes("Item 38") && titles.includes("Item 149"));
});

test("an answer is only ever taken for the same key, message and signature it was verified for", async () => {
  const keys = createDeviceKeyPairs();
  const message = new TextEncoder().encode("event");
  const job = {
    signingKey: keys.signingKey,
    message,
    signature: signAsDevice(keys.signingSeed, message),
  };
  const verifier = createAheadSignatureVerifier(createWebCryptoSignatureCheck());
  await verifier.ahead?.([job, undefined]);
  const otherMessage = { ...job, message: new TextEncoder().encode("other") };
  const otherKey = { ...job, signingKey: createDeviceKeyPairs().signingKey };
  assert.equal(verifier.start([otherMessage]).take(0), undefined, "another message");
  await verifier.ahead?.([job]);
  assert.equal(verifier.start([otherKey]).take(0), undefined, "another key");
  await verifier.ahead?.([job]);
  const batch = verifier.start([undefined, job]);
  assert.equal(batch.take(0), undefined, "no job");
  assert.equal(batch.take(1), true, "the same bytes: WebCrypto's answer");
  assert.equal(batch.take(1), undefined, "each answer is taken once");
  const none = createAheadSignatureVerifier(Promise.resolve(undefined));
  await none.ahead?.([job]);
  assert.equal(none.start([job]).take(0), undefined, "no WebCrypto Ed25519: nothing ahead");
});
