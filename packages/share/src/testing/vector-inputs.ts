/** The fixed inputs of docs/protocol/vectors/sharing.json, shared by the generator and the test. */

import type { Address } from "@keypears/base";
import { sealShare, SUITES, type ShareEnvelope, type ShareSuite } from "../envelope.ts";
import { generateIdentity, type Identity } from "../identity.ts";
import { appendKeyLogEntry, type KeyLogEntry, verifyKeyLog } from "../key-log.ts";
import { safetyNumber } from "../safety-number.ts";
import { fixedRandom } from "./fixed-random.ts";

export const ALICE = "alice@a.example" as Address;
export const BOB = "bob@b.example" as Address;
export const CREATED_AT = 1_800_000_000_000;
export const CONTENT = {
  title: "Bank",
  type: "login",
  fields: { username: "alice", password: "correct horse battery staple" },
  message: "for the joint account",
};

export interface SharingVectors {
  readonly alice: {
    readonly secrets: Identity["secrets"];
    readonly log: readonly KeyLogEntry[];
    readonly safetyNumber: string;
  };
  readonly bob: {
    readonly secrets: Identity["secrets"];
    readonly log: readonly KeyLogEntry[];
    readonly safetyNumber: string;
  };
  readonly shares: Readonly<Record<ShareSuite, ShareEnvelope>>;
}

export const buildSharingVectors = (): SharingVectors & { aliceId: Identity; bobId: Identity } => {
  const aliceId = generateIdentity(fixedRandom("alice identity"));
  const bobId = generateIdentity(fixedRandom("bob identity"));
  const aliceRotated = generateIdentity(fixedRandom("alice rotated"));
  const aliceGenesis = appendKeyLogEntry(ALICE, [], aliceId, aliceId.publicKeys, CREATED_AT);
  // Alice's log has a rotation: entry 1 is signed by entry 0's key.
  const aliceLog = [
    aliceGenesis,
    appendKeyLogEntry(ALICE, [aliceGenesis], aliceId, aliceRotated.publicKeys, CREATED_AT + 1000),
  ];
  const bobLog = [appendKeyLogEntry(BOB, [], bobId, bobId.publicKeys, CREATED_AT)];
  const bobVerified = verifyKeyLog(BOB, bobLog);
  if (!bobVerified.ok) throw new Error("vector log does not verify");
  const shares = {} as Record<ShareSuite, ShareEnvelope>;
  for (const suite of SUITES) {
    const sealed = sealShare({
      id: "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b",
      from: ALICE,
      to: BOB,
      createdAt: CREATED_AT,
      expiresAt: CREATED_AT + 7 * 86_400_000,
      sender: aliceRotated,
      senderKeySeq: 1,
      recipient: bobVerified.value,
      content: CONTENT,
      suite,
      randomBytes: fixedRandom(`share ${suite}`),
    });
    if (!sealed.ok) throw new Error("vector share does not seal");
    shares[suite] = sealed.value;
  }
  return {
    aliceId: aliceRotated,
    bobId,
    alice: {
      secrets: aliceRotated.secrets,
      log: aliceLog,
      safetyNumber: safetyNumber(ALICE, aliceRotated.publicKeys),
    },
    bob: { secrets: bobId.secrets, log: bobLog, safetyNumber: safetyNumber(BOB, bobId.publicKeys) },
    shares,
  };
};
