/**
 * The background verifier on Node: one worker thread per process verifies a batch's Ed25519
 * signatures (Node's native Ed25519, OpenSSL) while the vault applies the batch on the main
 * thread. The batch sits in shared memory; each job has a state word that the worker and the
 * main thread claim with compare-and-swap, so each signature is verified exactly once:
 *
 *   FREE ──worker claims──▶ VERIFYING ──▶ VALID | INVALID   (the main thread takes the answer)
 *     └───main thread claims (the worker had not reached it)──▶ CALLER (verified on main)
 *
 * The main thread never waits: when it catches up with the worker it verifies that signature
 * itself (the worker's later answer is the same and unused), and the worker runs ahead again.
 * Both threads stay busy, and a worker descheduled on a loaded machine slows nothing down.
 *
 * The worker's code is a string evaluated in the worker (it needs only `node:crypto`), so the
 * CLI's bundle needs no second entry point.
 */

import { lazyEvalWorker } from "./eval-worker.ts";
import type { BackgroundVerifier, SignatureJob, VerifyingBatch } from "../background-verifier.ts";

const FREE = 0;
const VERIFYING = 1;
const VALID = 2;
const INVALID = 3;
const CALLER = 4;
const KEY = 32;
const SIGNATURE = 64;
/** The worker: state word 0 cancels the batch; word 1 + i is job i's state. */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const crypto = require("node:crypto");
const SPKI = Buffer.from("302a300506032b6570032100", "hex");
const keys = new Map();
const keyObject = (bytes) => {
  const id = bytes.toString("latin1");
  let key = keys.get(id);
  if (key === undefined) {
    key = crypto.createPublicKey({ key: Buffer.concat([SPKI, bytes]), format: "der", type: "spki" });
    if (keys.size > 1000) keys.clear();
    keys.set(id, key);
  }
  return key;
};
parentPort.on("message", ({ states, data, offsets }) => {
  const state = new Int32Array(states);
  const bytes = Buffer.from(data);
  const offset = new Uint32Array(offsets);
  const count = offset.length - 1;
  for (let i = 0; i < count; i++) {
    if (Atomics.load(state, 0) !== 0) return;
    if (Atomics.compareExchange(state, 1 + i, ${FREE}, ${VERIFYING}) !== ${FREE}) continue;
    const start = offset[i];
    let valid = false;
    try {
      valid = crypto.verify(
        null,
        Buffer.from(bytes.subarray(start + ${KEY + SIGNATURE}, offset[i + 1])),
        keyObject(Buffer.from(bytes.subarray(start, start + ${KEY}))),
        Buffer.from(bytes.subarray(start + ${KEY}, start + ${KEY + SIGNATURE})),
      );
    } catch {
      valid = false;
    }
    Atomics.store(state, 1 + i, valid ? ${VALID} : ${INVALID});
  }
});
`;

/** A batch nobody helps with: the caller verifies every signature. */
const alone: VerifyingBatch = { take: () => undefined, finish: () => {}, unanswered: () => 0 };

const helper = lazyEvalWorker(WORKER_SOURCE);

export const nodeSignatureVerifier: BackgroundVerifier = {
  start: (jobs) => {
    const thread = helper();
    if (thread === undefined) return alone;
    let size = 0;
    for (const job of jobs) if (job !== undefined) size += KEY + SIGNATURE + job.message.length;
    const states = new Int32Array(new SharedArrayBuffer(4 * (1 + jobs.length)));
    const data = new Uint8Array(new SharedArrayBuffer(size));
    const offsets = new Uint32Array(new SharedArrayBuffer(4 * (jobs.length + 1)));
    let at = 0;
    jobs.forEach((job, index) => {
      offsets[index] = at;
      if (!isWellFormed(job)) {
        states[1 + index] = CALLER;
        return;
      }
      data.set(job.signingKey, at);
      data.set(job.signature, at + KEY);
      data.set(job.message, at + KEY + SIGNATURE);
      at += KEY + SIGNATURE + job.message.length;
    });
    offsets[jobs.length] = at;
    thread.postMessage({ states: states.buffer, data: data.buffer, offsets: offsets.buffer });
    return {
      take: (index) => {
        if (index < 0 || index >= jobs.length) return undefined;
        const word = 1 + index;
        // Never waits: a signature the worker is still on is verified here too (the same answer),
        // which lets the worker run ahead again; a waiting thread under load wakes late.
        const state = Atomics.compareExchange(states, word, FREE, CALLER);
        return state === VALID ? true : state === INVALID ? false : undefined;
      },
      finish: () => {
        Atomics.store(states, 0, 1);
      },
      unanswered: () => {
        let count = 0;
        for (let word = 1; word < states.length; word++) {
          const state = Atomics.load(states, word);
          if (state === FREE || state === VERIFYING) count++;
        }
        return count;
      },
    };
  },
};

/** Keys and signatures of the wrong length are left to the caller, whose check refuses them. */
const isWellFormed = (job: SignatureJob | undefined): job is SignatureJob =>
  job !== undefined && job.signingKey.length === KEY && job.signature.length === SIGNATURE;
