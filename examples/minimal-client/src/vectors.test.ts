/**
 * This client against the specification's test vectors (docs/protocol/vectors/): if these pass,
 * its keys, boxes, event bytes and chain are the ones any KeyPears implementation computes.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { fromHex, toHex } from "./bytes.ts";
import { chainStep, envelopeBytes, GENESIS, verifyPage } from "./chain.ts";
import { encodeEvent, type Event, eventAd, sealEvent } from "./event.ts";
import {
  argon2Salt,
  deriveAccountKeys,
  formatSecretKey,
  type KdfParams,
  vaultKeys,
} from "./keys.ts";
import { associatedData, open, pad, seal } from "./seal.ts";

const load = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../../docs/protocol/vectors/${name}`, import.meta.url), "utf8"),
  ) as T;

interface Box {
  readonly nonce: string;
  readonly associatedData: string;
  readonly sealed: string;
}
const keysFile = load<{
  vectors: {
    address: string;
    password: string;
    salt: string;
    kdf: KdfParams;
    secretKey: string;
    secretKeyText: string;
    argon2Salt: string;
    passwordKey: string;
    deviceKey: string;
    rootKey: string;
    wrapKey: string;
    authSecret: string;
    vaultId: string;
    vaultKey: string;
    eventKey: string;
    storeKey: string;
    indexKey: string;
    wrappedVaultKey: Box;
    sealedSecretKey: Box;
  }[];
}>("key-derivation.json");

it("derives the keys of key-derivation.json", async () => {
  for (const v of keysFile.vectors) {
    const salt = fromHex(v.salt);
    assert.equal(toHex(argon2Salt(v.address, salt)), v.argon2Salt);
    const keys = await deriveAccountKeys({
      password: v.password,
      salt,
      address: v.address,
      secretKey: fromHex(v.secretKey),
      kdf: v.kdf,
    });
    assert.equal(toHex(keys.passwordKey), v.passwordKey);
    assert.equal(toHex(keys.deviceKey), v.deviceKey);
    assert.equal(toHex(keys.rootKey), v.rootKey);
    assert.equal(toHex(keys.wrapKey), v.wrapKey);
    assert.equal(toHex(keys.authSecret), v.authSecret);
    const vault = vaultKeys(fromHex(v.vaultKey));
    assert.equal(toHex(vault.eventKey), v.eventKey);
    assert.equal(toHex(vault.storeKey), v.storeKey);
    assert.equal(toHex(vault.indexKey), v.indexKey);
    assert.equal(formatSecretKey(fromHex(v.secretKey)), v.secretKeyText);

    const wrapAd = associatedData("vault-key", v.address, v.vaultId);
    assert.equal(toHex(wrapAd), v.wrappedVaultKey.associatedData);
    const wrapped = seal(
      keys.wrapKey,
      fromHex(v.vaultKey),
      wrapAd,
      fromHex(v.wrappedVaultKey.nonce),
    );
    assert.equal(toHex(wrapped), v.wrappedVaultKey.sealed);
    const secretAd = associatedData("secret-key", v.address);
    assert.equal(toHex(secretAd), v.sealedSecretKey.associatedData);
    const sealedSecret = fromHex(v.sealedSecretKey.sealed);
    assert.equal(toHex(open(keys.deviceKey, sealedSecret, secretAd)), v.secretKey);
  }
});

it("computes the envelopes and chain of envelope-chain.json, and catches a changed byte", () => {
  const file = load<{
    genesis: string;
    events: {
      id: string;
      payload: string;
      envelopeBytes: string;
      position: number;
      chainHash: string;
    }[];
    head: { position: number; hash: string };
  }>("envelope-chain.json");
  assert.equal(toHex(GENESIS.hash), file.genesis);
  let hash = GENESIS.hash;
  for (const event of file.events) {
    const bytes = envelopeBytes(event.id, fromHex(event.payload));
    assert.equal(toHex(bytes), event.envelopeBytes);
    hash = chainStep(hash, bytes);
    assert.equal(toHex(hash), event.chainHash);
  }
  const page = (events: typeof file.events) => ({
    anchor: GENESIS,
    head: { position: file.head.position, hash: fromHex(file.head.hash) },
    events: events.map((e) => ({
      id: e.id,
      payload: fromHex(e.payload),
      position: e.position,
      chainHash: fromHex(e.chainHash),
    })),
  });
  assert.equal(toHex(verifyPage(GENESIS, page(file.events)).hash), file.head.hash);
  const changed = file.events.map((e, i) =>
    i === 2 ? { ...e, payload: `00${e.payload.slice(2)}` } : e,
  );
  assert.throws(() => verifyPage(GENESIS, page(changed)), /tampered at 3/);
  assert.throws(() => verifyPage(GENESIS, page(file.events.slice(1))), /missing event at 1/);
});

it("encodes and seals the events of sealed-event.json to exactly their bytes", () => {
  const file = load<{
    eventKey: string;
    vectors: {
      event: Event;
      eventBytes: string;
      padded: string;
      nonce: string;
      associatedData: string;
      payload: string;
    }[];
  }>("sealed-event.json");
  for (const v of file.vectors) {
    assert.equal(toHex(encodeEvent(v.event)), v.eventBytes);
    assert.equal(toHex(pad(fromHex(v.eventBytes))), v.padded);
    assert.equal(toHex(eventAd(v.event.vaultId, v.event.id)), v.associatedData);
    assert.equal(toHex(sealEvent(fromHex(file.eventKey), v.event, fromHex(v.nonce))), v.payload);
  }
});
