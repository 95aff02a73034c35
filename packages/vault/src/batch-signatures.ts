/**
 * The signatures of a batch of pulled events, handed to a background verifier before the batch
 * is applied (`background-verifier.ts`), and the check `applyOrdered` passes to `openRemote` for
 * each event: the background's answer where it verified exactly this key, message and signature,
 * otherwise a verification here.
 */

import { bytesEqual } from "@keypears/base";
import { isStrictEd25519Input, verifyDeviceSignature } from "@keypears/crypto";
import {
  type DeviceId,
  eventSignatureMessage,
  parseSignedPayload,
  type StoredEvent,
  type VaultId,
} from "@keypears/sync-core";
import type { BackgroundVerifier, SignatureJob, VerifyingBatch } from "./background-verifier.ts";
import type { SignatureCheck } from "./device-trust.ts";

/**
 * Below this many signatures a batch is verified here: a thread's hand-off costs more (a verifier
 * that answers from what it verified `ahead` is used for any batch).
 */
export const MIN_BACKGROUND_SIGNATURES = 64;

export interface BatchSignatures {
  /** The signature check for the event at `index` of the batch. */
  readonly checkAt: (index: number) => SignatureCheck;
  /**
   * The roster changed at `index` (an enrolment): the events after it go to the background again,
   * with the keys of the roster as it is now.
   */
  readonly rosterChangedAt: (index: number) => void;
  /** Stops the background work left (call in a `finally`). */
  readonly finish: () => void;
}

const inline: BatchSignatures = {
  checkAt: () => verifyDeviceSignature,
  rosterChangedAt: () => {},
  finish: () => {},
};

interface Started {
  readonly from: number;
  readonly jobs: readonly (SignatureJob | undefined)[];
  readonly batch: VerifyingBatch;
}

/**
 * The signature jobs of `events`' item events, each against its signer's key in the roster as it
 * is now. Events of this device (it holds them already), roster events and signers not in the
 * roster are left to the applying thread (`undefined`); so is every signature that fails the
 * strictness rule (docs/PROTOCOL.md 16.2), which the applying thread refuses without verifying:
 * a background answer is only ever the cofactorless equation's, on every platform alike.
 */
export const signatureJobsOf = (
  events: readonly StoredEvent[],
  vaultId: VaultId,
  ownDevice: DeviceId,
  signingKeyOf: (device: DeviceId) => Uint8Array | undefined,
): { readonly jobs: readonly (SignatureJob | undefined)[]; readonly count: number } => {
  const keyByDevice = new Map<DeviceId, Uint8Array | undefined>();
  let count = 0;
  const jobs = events.map((stored): SignatureJob | undefined => {
    // A signed item payload (version 2, kind 1; docs/PROTOCOL.md 16.2).
    if (stored.payload[0] !== 2 || stored.payload[1] !== 1) return undefined;
    const parsed = parseSignedPayload(stored.payload);
    if (!parsed.ok || parsed.value.signer === ownDevice) return undefined;
    const signer = parsed.value.signer;
    if (!keyByDevice.has(signer)) keyByDevice.set(signer, signingKeyOf(signer));
    const signingKey = keyByDevice.get(signer);
    if (signingKey === undefined) return undefined;
    if (!isStrictEd25519Input(signingKey, parsed.value.signature)) return undefined;
    count++;
    return {
      signingKey,
      message: eventSignatureMessage(vaultId, stored.id, parsed.value.unsigned),
      signature: parsed.value.signature,
    };
  });
  return { jobs, count };
};

/**
 * Starts verifying the item events' signatures of `events` in the background (`signatureJobsOf`);
 * every event whose signer's key turns out, at its position, to be another is verified here.
 */
export const startBatchSignatures = (
  verifier: BackgroundVerifier | undefined,
  events: readonly StoredEvent[],
  vaultId: VaultId,
  ownDevice: DeviceId,
  signingKeyOf: (device: DeviceId) => Uint8Array | undefined,
): BatchSignatures => {
  if (verifier === undefined) return inline;
  // A thread's hand-off costs more than a few verifications; answers verified ahead cost nothing.
  const worthIt = (count: number) =>
    verifier.ahead !== undefined || count >= MIN_BACKGROUND_SIGNATURES;
  if (!worthIt(events.length)) return inline;
  const start = (from: number): Started | undefined => {
    const { jobs, count } = signatureJobsOf(events.slice(from), vaultId, ownDevice, signingKeyOf);
    if (count === 0 || !worthIt(count)) return undefined;
    return { from, jobs, batch: verifier.start(jobs) };
  };
  let current = start(0);
  return {
    checkAt: (index) => (signingKey, message, signature) => {
      const job = current === undefined ? undefined : current.jobs[index - current.from];
      if (
        job !== undefined &&
        current !== undefined &&
        bytesEqual(job.signingKey, signingKey) &&
        bytesEqual(job.signature, signature) &&
        bytesEqual(job.message, message)
      ) {
        const answer = current.batch.take(index - current.from);
        if (answer !== undefined) return answer;
      }
      return verifyDeviceSignature(signingKey, message, signature);
    },
    rosterChangedAt: (index) => {
      current?.batch.finish();
      current = worthIt(events.length - index - 1) ? start(index + 1) : undefined;
    },
    finish: () => current?.batch.finish(),
  };
};
