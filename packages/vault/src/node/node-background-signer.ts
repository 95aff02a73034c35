/**
 * The background signer on Node: one worker thread per process signs a batch of this device's
 * event messages (Node's native Ed25519, OpenSSL) while the vault seals and writes the batch on
 * the main thread. The batch sits in shared memory; each message has a state word that the worker
 * and the main thread claim with compare-and-swap, so each message is signed by one of them:
 *
 *   FREE ──worker claims──▶ SIGNING ──▶ SIGNED   (the main thread takes the signature)
 *     └──main thread claims (the worker had not reached it)──▶ CALLER (signed on main)
 *
 * The main thread never waits: a message the worker is still on is signed on the main thread too
 * (Ed25519 is deterministic: the same signature), and the worker runs ahead again.
 *
 * On Linux the worker runs at the lowest priority (nice 19; Linux keeps one per thread). At normal
 * priority, on a machine whose other core was busy, the worker took turns with the main thread on
 * one core: a 10,000-item import took 2.79 s against 2.12 s signing in line (load 3.5). At the
 * lowest it takes only idle time; when there is none, the main thread signs nearly everything.
 *
 * The batch travels in one shared buffer (each buffer handed over costs more than its bytes): state
 * words, offsets, the seed, the signatures, the messages. `finish` zeroes the seed; the worker
 * builds its private key object from it once per batch, zeroes its own copy of the key's encoding,
 * and keeps nothing after the batch. The worker's code is a string evaluated in the worker (it needs only
 * `node:crypto`), so the CLI's bundle needs no second entry point.
 */

import { lazyEvalWorker } from "./eval-worker.ts";
import type { BackgroundSigner, SigningBatch } from "../background-signer.ts";

const FREE = 0;
const SIGNING = 1;
const SIGNED = 2;
const CALLER = 3;
const SEED = 32;
const SIGNATURE = 64;
/** PKCS#8 DER prefix of an Ed25519 private key (RFC 8410); the 32-byte seed follows. */
const PKCS8_PREFIX = "302e020100300506032b657004220420";
/** The worker: state word 0 cancels the batch; word 1 + i is message i's state. */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const crypto = require("node:crypto");
const PREFIX = Buffer.from("${PKCS8_PREFIX}", "hex");
// Linux keeps a nice value per thread (priority 0 is the calling thread): this one yields to
// every other, so on a busy machine it takes only idle time and never the main thread's core.
if (process.platform === "linux") {
  try {
    require("node:os").setPriority(0, 19);
  } catch {}
}
parentPort.on("message", ({ buffer, count }) => {
  const state = new Int32Array(buffer, 0, 1 + count);
  const offset = new Uint32Array(buffer, 4 * (1 + count), count + 1);
  const seedAt = 4 * (2 * count + 2);
  const out = new Uint8Array(buffer, seedAt + ${SEED}, ${SIGNATURE} * count);
  const bytes = new Uint8Array(buffer, seedAt + ${SEED} + ${SIGNATURE} * count);
  if (Atomics.load(state, 0) !== 0) return;
  const der = Buffer.concat([PREFIX, new Uint8Array(buffer, seedAt, ${SEED})]);
  let key;
  try {
    key = crypto.createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  } catch {
    return;
  } finally {
    der.fill(0);
  }
  for (let i = 0; i < count; i++) {
    if (Atomics.load(state, 0) !== 0) return;
    if (Atomics.compareExchange(state, 1 + i, ${FREE}, ${SIGNING}) !== ${FREE}) continue;
    out.set(crypto.sign(null, bytes.subarray(offset[i], offset[i + 1]), key), i * ${SIGNATURE});
    Atomics.store(state, 1 + i, ${SIGNED});
  }
});
`;

/** A batch nobody helps with: the caller signs every message. */
const alone: SigningBatch = { take: () => undefined, finish: () => {}, unsigned: () => 0 };

const helper = lazyEvalWorker(WORKER_SOURCE);

export const nodeBackgroundSigner: BackgroundSigner = {
  start: (signingSeed, messages) => {
    if (signingSeed.length !== SEED) throw new RangeError("a signing seed is 32 bytes");
    const thread = messages.length === 0 ? undefined : helper();
    if (thread === undefined) return alone;
    const count = messages.length;
    let size = 0;
    for (const message of messages) size += message.length;
    // One shared buffer (a buffer's hand-off costs more than its bytes): the state words, the
    // messages' offsets, the seed, the signatures, then the messages.
    const seedAt = 4 * (2 * count + 2);
    const buffer = new SharedArrayBuffer(seedAt + SEED + SIGNATURE * count + size);
    const states = new Int32Array(buffer, 0, 1 + count);
    const offsets = new Uint32Array(buffer, 4 * (1 + count), count + 1);
    const seed = new Uint8Array(buffer, seedAt, SEED);
    const signatures = new Uint8Array(buffer, seedAt + SEED, SIGNATURE * count);
    const data = new Uint8Array(buffer, seedAt + SEED + SIGNATURE * count);
    seed.set(signingSeed);
    let at = 0;
    messages.forEach((message, index) => {
      offsets[index] = at;
      data.set(message, at);
      at += message.length;
    });
    offsets[count] = at;
    thread.postMessage({ buffer, count });
    return {
      take: (index) => {
        if (!(index >= 0 && index < messages.length)) return undefined;
        // Never waits: a message the worker is still on is signed by the caller too.
        if (Atomics.compareExchange(states, 1 + index, FREE, CALLER) !== SIGNED) return undefined;
        return signatures.slice(index * SIGNATURE, (index + 1) * SIGNATURE);
      },
      finish: () => {
        Atomics.store(states, 0, 1);
        seed.fill(0);
      },
      unsigned: () => {
        let count = 0;
        for (let word = 1; word < states.length; word++) {
          const state = Atomics.load(states, word);
          if (state === FREE || state === SIGNING) count++;
        }
        return count;
      },
    };
  },
};
