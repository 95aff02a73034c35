// Writes the protocol's test vectors (docs/protocol/vectors/*.json) from fixed inputs, by running
// the implementation. Run it only when the protocol changes on purpose: the tests beside the code
// load these files and fail if the implementation no longer gives the same bytes.
// Usage: node --import tsx scripts/protocol-vectors.ts
import { bytesToHex, concatBytes, utf8ToBytes } from "@keypears/base";
import {
  accountKeysFromPasswordKey,
  associatedData,
  DEFAULT_KDF_PARAMS,
  deriveDeviceKey,
  derivePasswordKey,
  deriveVaultKeys,
  formatSecretKey,
  hkdfSha256,
  LABELS,
  deviceKeyPairsFromSecrets,
  sealSecretKey,
  type SecretKey,
  type VaultKey,
  wrapVaultKey,
} from "@keypears/crypto";
import {
  applyToItem,
  type ChainHash,
  createItemState,
  type DeviceId,
  encodeBatch,
  encodeEventBody,
  encodeRosterOp,
  eventSignatureMessage,
  encodeEvent,
  encodeItemState,
  envelopeBytes,
  type EventEnvelope,
  type EventId,
  extendChain,
  type FieldValue,
  GENESIS,
  hashEvent,
  type ItemId,
  type RosterEntry,
  snapshotSignatureMessage,
  viewItem,
} from "@keypears/sync-core";
import {
  checkpointToJson,
  eventFromJson,
  type EventJson,
  viewToJson,
} from "@keypears/sync-core/testing";
import {
  BATCH_SIGNED_SCHEMA,
  EVENT_SCHEMA,
  nodeCompression,
  sealBatchSignedItemEvent,
  sealSignedSnapshot,
  signBatch,
  signedSnapshotPlaintext,
  sealEvent,
  sealSignedItemEvent,
  sealSignedRosterEvent,
  SIGNED_EVENT_SCHEMA,
} from "@keypears/vault";
import { sha256 } from "@noble/hashes/sha2.js";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format } from "prettier";

/** Written as the formatter would write them, so `prettier --check` passes. */
const out = async (name: string, value: unknown): Promise<void> => {
  const path = fileURLToPath(new URL(`../docs/protocol/vectors/${name}`, import.meta.url));
  writeFileSync(path, await format(JSON.stringify(value, null, 2), { parser: "json" }));
};

const range = (start: number, length: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);
const fixed = (bytes: Uint8Array) => (length: number) => {
  if (length !== bytes.length) throw new Error(`asked for ${length} random bytes`);
  return bytes.slice();
};
const hex = bytesToHex;

const VAULT_ID = "0f1e2d3c-4b5a-4968-8778-695a4b3c2d1e";

// --- Key derivation -----------------------------------------------------------------------------

const keyDerivation = async () => {
  const address = "alice@example.com";
  const password = "Correct \uFB01sh \u2460 battery";
  const salt = range(0x00, 16);
  const secretKey = range(0x10, 16) as SecretKey;
  const vaultKey = range(0x20, 32) as VaultKey;
  const wrapNonce = range(0x40, 24);
  const secretKeyNonce = range(0x60, 24);
  const passwordKey = await derivePasswordKey({
    password,
    salt,
    address,
    params: DEFAULT_KDF_PARAMS,
  });
  if (!passwordKey.ok) throw new Error("derivation failed");
  const addressBytes = utf8ToBytes(address);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, addressBytes.length);
  const argon2Salt = sha256(
    concatBytes(utf8ToBytes(LABELS.argon2Salt), length, addressBytes, salt),
  );
  const rootKey = hkdfSha256(
    concatBytes(passwordKey.value, secretKey),
    salt,
    utf8ToBytes(LABELS.rootKeyPrefix + address),
    32,
  );
  const deviceKey = deriveDeviceKey(passwordKey.value);
  const { wrapKey, authSecret } = accountKeysFromPasswordKey(
    passwordKey.value,
    secretKey,
    salt,
    address,
  );
  const vaultKeys = deriveVaultKeys(vaultKey);
  return {
    description:
      "Account key derivation (PROTOCOL.md section 4): from a password, an account salt, an address and a Secret Key to every key, and the two boxes a device and a server keep. Bytes are lowercase hex.",
    vectors: [
      {
        address,
        password,
        passwordNfkc: password.normalize("NFKC"),
        salt: hex(salt),
        kdf: DEFAULT_KDF_PARAMS,
        secretKey: hex(secretKey),
        secretKeyText: formatSecretKey(secretKey),
        argon2Salt: hex(argon2Salt),
        passwordKey: hex(passwordKey.value),
        deviceKey: hex(deviceKey),
        rootKey: hex(rootKey),
        wrapKey: hex(wrapKey),
        authSecret: hex(authSecret),
        vaultId: VAULT_ID,
        vaultKey: hex(vaultKey),
        eventKey: hex(vaultKeys.eventKey),
        storeKey: hex(vaultKeys.storeKey),
        indexKey: hex(vaultKeys.indexKey),
        wrappedVaultKey: {
          nonce: hex(wrapNonce),
          associatedData: hex(associatedData("vault-key", address, VAULT_ID)),
          sealed: hex(
            wrapVaultKey(wrapKey, vaultKey, { address, vaultId: VAULT_ID }, fixed(wrapNonce)),
          ),
        },
        sealedSecretKey: {
          nonce: hex(secretKeyNonce),
          associatedData: hex(associatedData("secret-key", address)),
          sealed: hex(sealSecretKey(deviceKey, secretKey, address, fixed(secretKeyNonce))),
        },
      },
    ],
  };
};

// --- Envelopes and the chain ----------------------------------------------------------------------

const envelopeChain = () => {
  const envelopes: EventEnvelope[] = [
    { id: "0190a5c8-7e00-7000-8000-000000000001" as EventId, payload: new Uint8Array(0) },
    { id: "0190a5c8-7e01-7000-8000-000000000002" as EventId, payload: Uint8Array.of(1, 2, 3) },
    {
      id: "0190a5c8-7e02-7000-9abc-000000000003" as EventId,
      payload: new Uint8Array(100).fill(0xab),
    },
  ];
  let checkpoint = GENESIS;
  const events = envelopes.map((envelope) => {
    const bytes = envelopeBytes(envelope);
    checkpoint = extendChain(checkpoint, [bytes]);
    return {
      id: envelope.id,
      payload: hex(envelope.payload),
      envelopeBytes: hex(bytes),
      eventHash: hex(hashEvent(bytes)),
      position: checkpoint.position,
      chainHash: hex(checkpoint.hash),
    };
  });
  return {
    description:
      'Envelopes and the hash chain (PROTOCOL.md section 7): envelope bytes = 0x01 || event id (16 bytes) || payload; H_0 = SHA-256("keypears/v1/chain/genesis"); H_n = SHA-256(H_(n-1) || SHA-256(envelope bytes of event n)).',
    genesisLabel: "keypears/v1/chain/genesis",
    genesis: hex(GENESIS.hash),
    events,
    head: checkpointToJson(checkpoint),
  };
};

// --- A sealed event ---------------------------------------------------------------------------------

const setEvent: EventJson = {
  id: "0190a5c8-7e00-7000-8000-0000000000e1",
  vaultId: VAULT_ID,
  itemId: "0190a5c8-7e00-7000-8000-0000000000a1",
  hlc: { millis: 1720000000000, counter: 0, node: "a1b2c3d4e5f60718" },
  checkpoint: null,
  op: {
    kind: "set",
    lifecycleSeen: [],
    fields: [
      { name: "type", value: "login", basedOn: [] },
      { name: "title", value: "GitHub", basedOn: [] },
      { name: "username", value: "alice", basedOn: [] },
      { name: "password", value: "s3cret \u2713", basedOn: [] },
      { name: "urls", value: ["https://github.com"], basedOn: [] },
      { name: "favorite", value: true, basedOn: [] },
      { name: "custom:PIN", value: ["hidden", "1234"], basedOn: [] },
    ],
  },
};

const deleteEvent: EventJson = {
  id: "0190a5c8-8a00-7000-8000-0000000000e2",
  vaultId: VAULT_ID,
  itemId: "0190a5c8-7e00-7000-8000-0000000000a1",
  hlc: { millis: 1720000003000, counter: 2, node: "0011223344556677" },
  checkpoint: {
    position: 1,
    hash: "5e0bd4dc2b2a7bd6e1b3e2b2c6fb7e51a3e55d1e4b7f3e4b7a2b8b9f1f0e0d0c",
  },
  op: {
    kind: "delete",
    basedOn: [],
    seenFields: [
      { name: "title", heads: ["0190a5c8-7e00-7000-8000-0000000000e1"] },
      { name: "password", heads: ["0190a5c8-7e00-7000-8000-0000000000e1"] },
    ],
  },
};

const sealedEvent = (keys: ReturnType<typeof deriveVaultKeys>) => {
  const seal = (json: EventJson, nonceStart: number) => {
    const event = eventFromJson(json);
    const plaintext = encodeEvent(event);
    const nonce = range(nonceStart, 24);
    const padded = new Uint8Array(Math.ceil((plaintext.length + 1) / 32) * 32);
    padded.set(plaintext);
    padded[plaintext.length] = 0x80;
    return {
      event: json,
      eventBytes: hex(plaintext),
      padded: hex(padded),
      nonce: hex(nonce),
      associatedData: hex(associatedData("event", event.vaultId, event.id, EVENT_SCHEMA)),
      payload: hex(sealEvent(keys, event, fixed(nonce))),
    };
  };
  return {
    description:
      'Events, their canonical bytes and sealed payloads (PROTOCOL.md sections 5 and 6). eventKey = HKDF(vaultKey, "keypears/v1/vault/events") of the vault key in key-derivation.json; payload = 0x01 || nonce || XChaCha20-Poly1305(eventKey, nonce, associatedData, padded).',
    vaultId: VAULT_ID,
    eventKey: hex(keys.eventKey),
    vectors: [seal(setEvent, 0x80), seal(deleteEvent, 0xa0)],
  };
};

// --- Batch-signed payloads (version 3) ----------------------------------------------------------

const batchSignedEvents = (keys: ReturnType<typeof deriveVaultKeys>) => {
  const device = deviceKeyPairsFromSecrets(range(0xc0, 32), range(0xe0, 32));
  const deviceId = "a1b2c3d4e5f60718" as DeviceId;
  const signer = { deviceId, signingSeed: device.signingSeed, epoch: 0 };
  const vaultId = VAULT_ID as Parameters<typeof signBatch>[2];
  const item = eventFromJson(setEvent);
  const itemNonce = range(0x98, 24);
  const itemPayload = sealBatchSignedItemEvent(keys, signer, item, fixed(itemNonce));
  const eventHash = hashEvent(envelopeBytes({ id: item.id, payload: itemPayload }));
  const batchId = "0190a5c8-7000-7000-8000-0000000000b1" as EventId;
  const checkpoint = { position: 2, hash: range(0x70, 32) as ChainHash };
  const batchNonce = range(0xa8, 24);
  const batch = signBatch(
    keys,
    signer,
    vaultId,
    batchId,
    checkpoint,
    [eventHash],
    fixed(batchNonce),
  );
  const unsigned = batch.payload.subarray(0, batch.payload.length - 64);
  return {
    description:
      'Protocol version 3 (PROTOCOL.md 18.1, 18.2): the set event of sealed-event.json as a batch-signed item payload, 0x03 || 0x01 || signer (8) || epoch (uint32) || box, whose box seals the padded event bytes of format 2 ([2, itemId, hlc, op]) with AD("event", vaultId, eventId, 3); and the batch event that signs it, a version-2 signed payload of kind 3 whose box seals canonical CBOR [1, checkpoint, eventHash_1 || ...] with AD("batch", vaultId, batchId, 3), eventHash = SHA-256(envelopeBytes) of the item event (section 7). The device is signed-event.json\'s; eventKey as in sealed-event.json.',
    vaultId: VAULT_ID,
    deviceId,
    item: {
      event: setEvent,
      eventBytes: hex(encodeEventBody(item)),
      nonce: hex(itemNonce),
      associatedData: hex(associatedData("event", VAULT_ID, item.id, BATCH_SIGNED_SCHEMA)),
      payload: hex(itemPayload),
      eventHash: hex(eventHash),
    },
    batch: {
      id: batchId,
      checkpoint: { position: checkpoint.position, hash: hex(checkpoint.hash) },
      plain: hex(encodeBatch({ checkpoint, hashes: [eventHash] })),
      nonce: hex(batchNonce),
      associatedData: hex(associatedData("batch", VAULT_ID, batchId, BATCH_SIGNED_SCHEMA)),
      unsigned: hex(unsigned),
      signatureMessage: hex(eventSignatureMessage(vaultId, batchId, unsigned)),
      signature: hex(batch.payload.subarray(batch.payload.length - 64)),
      payload: hex(batch.payload),
    },
  };
};

// --- Signed payloads (version 2) ---------------------------------------------------------------------

const signedEvents = (keys: ReturnType<typeof deriveVaultKeys>) => {
  const device = deviceKeyPairsFromSecrets(range(0xc0, 32), range(0xe0, 32));
  const deviceId = "a1b2c3d4e5f60718" as DeviceId;
  const signer = { deviceId, signingSeed: device.signingSeed, epoch: 0 };
  const vaultId = VAULT_ID as Parameters<typeof sealSignedRosterEvent>[2];
  const parts = (payload: Uint8Array, id: string) => {
    const unsigned = payload.subarray(0, payload.length - 64);
    return {
      unsigned: hex(unsigned),
      signatureMessage: hex(eventSignatureMessage(vaultId, id as EventId, unsigned)),
      signature: hex(payload.subarray(payload.length - 64)),
      payload: hex(payload),
    };
  };
  const itemNonce = range(0x90, 24);
  const item = eventFromJson(setEvent);
  const itemPayload = sealSignedItemEvent(keys, signer, item, fixed(itemNonce));
  const rosterId = "0190a5c8-7000-7000-8000-0000000000f1" as EventId;
  const enrol = {
    kind: "enrol" as const,
    deviceId,
    name: "laptop",
    signingKey: device.signingKey,
    exchangeKey: device.exchangeKey,
    at: 1720000000000,
  };
  const rosterNonce = range(0xb0, 24);
  const rosterPayload = sealSignedRosterEvent(
    keys,
    signer,
    vaultId,
    rosterId,
    enrol,
    fixed(rosterNonce),
  );
  // A signed snapshot (16.6) at position 2 of a log whose roster is this device (enrolled at 1)
  // and whose approval setting it turned on at 2; no item states (their bytes are item-state.json's).
  const checkpoint = { position: 2, hash: range(0x70, 32) };
  const entry: RosterEntry = {
    deviceId,
    name: "laptop",
    signingKey: device.signingKey,
    exchangeKey: device.exchangeKey,
    enrolledAt: 1,
    enrolledAtMs: 1720000000000,
    via: "self",
    approvedBy: null,
    revokedAt: null,
  };
  const approval = { required: true, position: 2, setBy: deviceId };
  const snapshotNonce = range(0x50, 24);
  const snapshot = (setting: typeof approval | "unknown") => {
    const payload = sealSignedSnapshot(
      keys,
      vaultId,
      checkpoint as Parameters<typeof sealSignedSnapshot>[2],
      [],
      [entry],
      setting,
      signer,
      fixed(snapshotNonce),
      nodeCompression,
    );
    const unsigned = payload.subarray(0, payload.length - 64);
    return {
      plain: hex(signedSnapshotPlaintext([], [entry], setting)),
      unsigned: hex(unsigned),
      signatureMessage: hex(
        snapshotSignatureMessage(
          vaultId,
          checkpoint as Parameters<typeof sealSignedSnapshot>[2],
          unsigned,
        ),
      ),
      payload: hex(payload),
    };
  };
  return {
    description:
      'Version-2 signed payloads (PROTOCOL.md 16.2, 16.4): payload = 0x02 || kind || signer (8) || epoch (uint32) || box || Ed25519 signature of signatureMessage = "keypears/v2/event-signature" || 0x00 || vaultId (16) || eventId (16) || unsigned. The item event\'s box seals the set event of sealed-event.json with AD("event", vaultId, eventId, 2); the roster event\'s box seals the enrolment\'s canonical bytes with AD("roster", vaultId, eventId, 2). eventKey as in sealed-event.json.',
    vaultId: VAULT_ID,
    device: {
      deviceId,
      signingSeed: hex(device.signingSeed),
      signingKey: hex(device.signingKey),
      exchangeSecret: hex(device.exchangeSecret),
      exchangeKey: hex(device.exchangeKey),
    },
    item: {
      event: setEvent,
      nonce: hex(itemNonce),
      associatedData: hex(associatedData("event", VAULT_ID, setEvent.id, SIGNED_EVENT_SCHEMA)),
      ...parts(itemPayload, setEvent.id),
    },
    roster: {
      id: rosterId,
      op: { ...enrol, signingKey: hex(enrol.signingKey), exchangeKey: hex(enrol.exchangeKey) },
      opBytes: hex(encodeRosterOp(enrol)),
      nonce: hex(rosterNonce),
      associatedData: hex(associatedData("roster", VAULT_ID, rosterId, SIGNED_EVENT_SCHEMA)),
      ...parts(rosterPayload, rosterId),
    },
    snapshot: {
      description:
        "Signed snapshots (PROTOCOL.md 16.6): plain is the canonical CBOR before DEFLATE (format 3: states, roster, approval setting [required, position, setBy]; format 2, still read: no setting); the payload's box is DEFLATE-raw(plain) as Node's zlib deflateRawSync writes it (default level), sealed under eventKey with associatedData. Another DEFLATE writer gives other bytes that open the same.",
      position: checkpoint.position,
      chainHash: hex(checkpoint.hash),
      roster: [
        {
          ...entry,
          signingKey: hex(entry.signingKey),
          exchangeKey: hex(entry.exchangeKey),
        },
      ],
      approval,
      nonce: hex(snapshotNonce),
      associatedData: hex(
        associatedData("snapshot", VAULT_ID, checkpoint.position, hex(checkpoint.hash)),
      ),
      format3: snapshot(approval),
      format2: snapshot("unknown"),
    },
  };
};

// --- Merge --------------------------------------------------------------------------------------------

const A = "aaaaaaaaaaaaaaaa";
const B = "bbbbbbbbbbbbbbbb";
let nextId = 0;
const eventId = () => `0190a5c8-0000-7000-8000-${(++nextId).toString(16).padStart(12, "0")}`;

const setOp = (
  fields: Record<string, unknown>,
  basedOn: Record<string, string[]> = {},
  lifecycleSeen: string[] = [],
) => ({
  kind: "set" as const,
  lifecycleSeen,
  fields: Object.entries(fields).map(([name, value]) => ({
    name,
    value: value as FieldValue,
    basedOn: basedOn[name] ?? [],
  })),
});

const mergeCase = (name: string, explanation: string, build: (item: string) => EventJson[]) => {
  const item = eventId().replace(/-0000-/, "-1111-");
  const events = build(item);
  const state = createItemState(item as ItemId);
  for (const json of events) applyToItem(state, eventFromJson(json));
  return {
    name,
    explanation,
    itemId: item,
    events,
    view: viewToJson(viewItem(state)),
    stateBytes: hex(encodeItemState(state)),
  };
};

const event = (
  item: string,
  node: string,
  millis: number,
  op: EventJson["op"],
  id = eventId(),
): EventJson => ({
  id,
  vaultId: VAULT_ID,
  itemId: item,
  hlc: { millis, counter: 0, node },
  checkpoint: null,
  op,
});

const merge = () => {
  const cases = [
    mergeCase(
      "concurrent-writes-of-one-field",
      "Two devices change the password, each based on the same first write: two heads with different values, a field conflict; the value is the head with the greater clock. A concurrent write of another field merges without conflict.",
      (item) => {
        const e1 = event(item, A, 1000, setOp({ type: "login", title: "Bank", password: "one" }));
        const e2 = event(item, A, 2000, setOp({ password: "two" }, { password: [e1.id] }));
        const e3 = event(item, B, 1500, setOp({ password: "three" }, { password: [e1.id] }));
        const e4 = event(item, B, 1600, setOp({ notes: "from the phone" }));
        return [e1, e2, e3, e4];
      },
    ),
    mergeCase(
      "conflict-resolved",
      "A write based on both heads supersedes both: one head, no conflict.",
      (item) => {
        const e1 = event(item, A, 1000, setOp({ title: "Bank", password: "one" }));
        const e2 = event(item, A, 2000, setOp({ password: "two" }, { password: [e1.id] }));
        const e3 = event(item, B, 1500, setOp({ password: "three" }, { password: [e1.id] }));
        const e4 = event(item, B, 2500, setOp({ password: "three" }, { password: [e2.id, e3.id] }));
        return [e1, e2, e3, e4];
      },
    ),
    mergeCase(
      "same-value-is-no-conflict",
      "Two concurrent writes of the same value: two heads, no conflict.",
      (item) => {
        const e1 = event(item, A, 1000, setOp({ title: "Bank" }));
        const e2 = event(item, A, 2000, setOp({ title: "My bank" }, { title: [e1.id] }));
        const e3 = event(item, B, 2000, setOp({ title: "My bank" }, { title: [e1.id] }));
        return [e1, e2, e3];
      },
    ),
    mergeCase(
      "edit-concurrent-with-delete",
      "One device deletes the item having seen the first write; another changes the password without seeing the delete: the item stays live, with an edit-delete conflict.",
      (item) => {
        const e1 = event(item, A, 1000, setOp({ title: "Bank", password: "one" }));
        const e2 = event(item, A, 3000, {
          kind: "delete",
          basedOn: [],
          seenFields: [
            { name: "password", heads: [e1.id] },
            { name: "title", heads: [e1.id] },
          ],
        });
        const e3 = event(item, B, 2000, setOp({ password: "two" }, { password: [e1.id] }));
        return [e1, e2, e3];
      },
    ),
    mergeCase(
      "delete-after-seeing-every-edit",
      "A delete that saw every field's head trashes the item: no conflict.",
      (item) => {
        const e1 = event(item, A, 1000, setOp({ title: "Bank" }));
        const e2 = event(item, A, 2000, {
          kind: "delete",
          basedOn: [],
          seenFields: [{ name: "title", heads: [e1.id] }],
        });
        return [e1, e2];
      },
    ),
    mergeCase(
      "restore-concurrent-with-delete",
      "After a delete, one device restores and another deletes again, both based on the first delete: a lifecycle conflict; the head with the greater clock (the restore) decides the status.",
      (item) => {
        const e1 = event(item, A, 1000, setOp({ title: "Bank" }));
        const seen = [{ name: "title", heads: [e1.id] }];
        const e2 = event(item, A, 2000, { kind: "delete", basedOn: [], seenFields: seen });
        const e3 = event(item, A, 3000, { kind: "restore", basedOn: [e2.id], seenFields: seen });
        const e4 = event(item, B, 2500, { kind: "purge", basedOn: [e2.id], seenFields: seen });
        return [e1, e2, e3, e4];
      },
    ),
  ];
  return {
    merge: {
      description:
        "The merge (PROTOCOL.md section 8): each case is one item's events (apply them in any order, any number of times) and the view every replica must compute: status, each field's value and heads (winner first), conflicts, lifecycle heads, first and last clock.",
      cases: cases.map(({ name, explanation, itemId, events, view }) => ({
        name,
        explanation,
        itemId,
        events,
        view,
      })),
    },
    itemState: {
      description:
        "An item's merge state and its canonical bytes (PROTOCOL.md section 9): the state after applying a merge case's events, encoded. Decoding the bytes and encoding again gives the same bytes.",
      vectors: cases.map(({ name, itemId, events, stateBytes }) => ({
        name,
        itemId,
        events,
        stateBytes,
      })),
    },
  };
};

const derivation = await keyDerivation();
await out("key-derivation.json", derivation);
await out("envelope-chain.json", envelopeChain());
const vector = derivation.vectors[0];
if (vector === undefined) throw new Error("no vector");
const keys = deriveVaultKeys(Uint8Array.from(Buffer.from(vector.vaultKey, "hex")) as VaultKey);
await out("sealed-event.json", sealedEvent(keys));
await out("signed-event.json", signedEvents(keys));
await out("batch-signed-event.json", batchSignedEvents(keys));
const merged = merge();
await out("merge.json", merged.merge);
await out("item-state.json", merged.itemState);
console.log("wrote docs/protocol/vectors/*.json");
