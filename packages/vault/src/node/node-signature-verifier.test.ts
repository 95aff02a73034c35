import assert from "node:assert/strict";
import { test } from "node:test";
import { createDeviceKeyPairs, signAsDevice, verifyDeviceSignature } from "@keypears/crypto";
import {
  type ChainHash,
  createDeviceId,
  createIdFactory,
  createVaultId,
  type DeviceId,
  type StoredEvent,
  systemDeps,
} from "@keypears/sync-core";
import type { BackgroundVerifier, SignatureJob, VerifyingBatch } from "../background-verifier.ts";
import { startBatchSignatures } from "../batch-signatures.ts";
import { signPayload } from "../signed-sealing.ts";
import { nodeSignatureVerifier } from "./node-signature-verifier.ts";

const random = systemDeps.randomBytes;

/** Waits (generously, polling) until the worker has answered or left every job. */
const settled = async (unanswered: () => number): Promise<void> => {
  const deadline = Date.now() + 120_000;
  while (unanswered() > 0) {
    if (Date.now() > deadline) throw new Error("the worker never answered");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const makeJobs = (count: number): SignatureJob[] => {
  const device = createDeviceKeyPairs(random);
  const other = createDeviceKeyPairs(random);
  return Array.from({ length: count }, (_, i) => {
    const message = random(40 + (i % 300));
    const signature = signAsDevice(device.signingSeed, message);
    // Every third signature is forged in some way: a flipped bit, another message, another key.
    if (i % 9 === 3) signature[i % 64] = (signature[i % 64] as number) ^ 1;
    if (i % 9 === 6) return { signingKey: device.signingKey, message: random(50), signature };
    if (i % 9 === 0) return { signingKey: other.signingKey, message, signature };
    return { signingKey: device.signingKey, message, signature };
  });
};

test("the worker's answers are exactly Ed25519's, valid and forged signatures alike", async () => {
  const jobs = makeJobs(300);
  const batch = nodeSignatureVerifier.start(jobs);
  await settled(batch.unanswered);
  jobs.forEach((job, i) => {
    assert.equal(
      batch.take(i),
      verifyDeviceSignature(job.signingKey, job.message, job.signature),
      `job ${i}`,
    );
  });
  assert.ok(jobs.some((job) => !verifyDeviceSignature(job.signingKey, job.message, job.signature)));
  batch.finish();
});

test("jobs the caller claims first, missing jobs and malformed keys are left to the caller", async () => {
  const jobs: (SignatureJob | undefined)[] = makeJobs(200);
  jobs[5] = undefined;
  jobs[6] = { ...(jobs[6] as SignatureJob), signingKey: random(31) };
  const batch = nodeSignatureVerifier.start(jobs);
  // Taken at once: almost always before the worker reached it, so the caller's from then on.
  const last = jobs[199] as SignatureJob;
  const first = batch.take(199);
  if (first !== undefined)
    assert.equal(first, verifyDeviceSignature(last.signingKey, last.message, last.signature));
  assert.equal(batch.take(-1), undefined);
  assert.equal(batch.take(200), undefined);
  await settled(batch.unanswered);
  assert.equal(batch.take(5), undefined);
  assert.equal(batch.take(6), undefined);
  assert.equal(batch.take(199), first);
  batch.finish();
});

test("a finished batch is dropped by the worker: the caller verifies what is left", async () => {
  const jobs = makeJobs(2000);
  const batch = nodeSignatureVerifier.start(jobs);
  batch.finish();
  // Whatever the worker did not answer before it saw the batch finished stays with the caller.
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i] as SignatureJob;
    const answer = batch.take(i);
    if (answer !== undefined) {
      assert.equal(answer, verifyDeviceSignature(job.signingKey, job.message, job.signature));
    }
  }
  // The worker is free for the next batch.
  const next = makeJobs(100);
  const second = nodeSignatureVerifier.start(next);
  await settled(second.unanswered);
  assert.equal(
    next.filter((job, i) => second.take(i) !== undefined).length,
    next.length,
    "every job of the next batch was answered by the worker",
  );
  second.finish();
});

/** Signed item payloads as devices write them (the box is opaque here). */
const signedEvents = (count: number, signerKeys = createDeviceKeyPairs(random)) => {
  const vaultId = createVaultId(random);
  const ids = createIdFactory(systemDeps);
  const signer = {
    deviceId: createDeviceId(random),
    signingSeed: signerKeys.signingSeed,
    epoch: 0,
  };
  const events: StoredEvent[] = Array.from({ length: count }, (_, i) => {
    const id = ids.eventId();
    return {
      id,
      payload: signPayload(signer, vaultId, id, "item", random(120)),
      position: i + 1,
      chainHash: random(32) as ChainHash,
    };
  });
  return { vaultId, signer: signer.deviceId, signingKey: signerKeys.signingKey, events };
};

/** A background verifier that records the jobs it was given. */
const recording = () => {
  const started: (readonly (SignatureJob | undefined)[])[] = [];
  const batches: VerifyingBatch[] = [];
  const verifier: BackgroundVerifier = {
    start: (jobs) => {
      started.push(jobs);
      const batch = nodeSignatureVerifier.start(jobs);
      batches.push(batch);
      return batch;
    },
  };
  return { verifier, started, batches };
};

test("a batch's check answers for exactly the key, message and signature the worker verified", async () => {
  const { vaultId, signer, signingKey, events } = signedEvents(150);
  const { verifier, started } = recording();
  const signatures = startBatchSignatures(
    verifier,
    events,
    vaultId,
    "0000000000000000" as DeviceId,
    (device) => (device === signer ? signingKey : undefined),
  );
  assert.equal(started.length, 1);
  assert.equal(started[0]?.filter((job) => job !== undefined).length, 150);
  const jobs = started[0] as readonly SignatureJob[];
  const wrongKey = createDeviceKeyPairs(random).signingKey;
  for (const [i, job] of jobs.entries()) {
    const check = signatures.checkAt(i);
    // The key the applying thread determines decides: another key is verified afresh.
    assert.equal(check(wrongKey, job.message, job.signature), false);
    assert.equal(check(job.signingKey, job.message, job.signature), true);
    const forged = Uint8Array.from(job.signature, (b, k) => (k === 0 ? b ^ 1 : b));
    assert.equal(check(job.signingKey, job.message, forged), false);
    assert.equal(check(job.signingKey, random(job.message.length), job.signature), false);
  }
  signatures.finish();
});

test("a batch whose signer's key in the roster is another is verified against the right key", async () => {
  const { vaultId, signingKey, events } = signedEvents(100);
  const stale = createDeviceKeyPairs(random).signingKey;
  const { verifier, started, batches } = recording();
  const signatures = startBatchSignatures(
    verifier,
    events,
    vaultId,
    "0000000000000000" as DeviceId,
    () => stale,
  );
  const jobs = started[0] as readonly SignatureJob[];
  // The worker answers every job (all false: the stale key) before the checks run.
  await settled((batches[0] as VerifyingBatch).unanswered);
  for (const [i, job] of jobs.entries()) {
    assert.equal(signatures.checkAt(i)(signingKey, job.message, job.signature), true, `event ${i}`);
  }
  signatures.finish();
});

test("small batches, this device's own events and unknown signers stay on the applying thread", () => {
  const { vaultId, signer, signingKey, events } = signedEvents(100);
  const small = recording();
  startBatchSignatures(small.verifier, events.slice(0, 10), vaultId, "0" as DeviceId, () =>
    Uint8Array.of(),
  ).finish();
  assert.equal(small.started.length, 0);
  const own = recording();
  startBatchSignatures(own.verifier, events, vaultId, signer, () => signingKey).finish();
  assert.equal(own.started.length, 0);
  const unknown = recording();
  startBatchSignatures(
    unknown.verifier,
    events,
    vaultId,
    "0" as DeviceId,
    () => undefined,
  ).finish();
  assert.equal(unknown.started.length, 0);
});
