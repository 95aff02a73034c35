/**
 * A minimal KeyPears client: registers an account, pushes sealed events, and pulls and verifies
 * the vault's chain, checking that the server kept its promises (PROTOCOL.md sections 4 and 10).
 */

import { generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import { call, discover } from "./api.ts";
import { concat, fromBase64Url, fromHex, toBase64Url, toHex, utf8, uuidBytes } from "./bytes.ts";
import { type Checkpoint, GENESIS, type PulledEvent, verifyPage } from "./chain.ts";
import { encodeEvent, type Event } from "./event.ts";
import { DEFAULT_KDF, deriveAccountKeys, vaultKeys } from "./keys.ts";
import { associatedData, open, pad, seal } from "./seal.ts";

export interface Account {
  readonly apiUrl: string;
  readonly address: string;
  readonly token: string;
  readonly deviceId: string;
  readonly vaultId: string;
  readonly eventKey: Uint8Array;
  readonly secretKey: Uint8Array;
  /** This device's Ed25519 private key: every payload it writes is signed (PROTOCOL.md 16.2). */
  readonly signingKey: KeyObject;
}

/** A random UUID of the given version (4 for vault ids, 7 for event and item ids). */
export const newUuid = (version: 4 | 7, millis = Date.now()): string => {
  const bytes = randomBytes(16);
  if (version === 7) bytes.writeUIntBE(millis, 0, 6);
  bytes[6] = ((bytes[6] as number) & 0x0f) | (version << 4);
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

interface Session {
  readonly token: string;
  readonly deviceId: string;
  readonly account: {
    readonly address: string;
    readonly vaults: readonly { readonly vaultId: string; readonly wrappedVaultKey: string }[];
  };
}

export const registerAccount = async (
  serverUrl: string,
  address: string,
  password: string,
): Promise<Account> => {
  const domain = address.slice(address.lastIndexOf("@") + 1);
  const { apiUrl } = await discover(serverUrl, domain);
  const salt = randomBytes(16);
  const secretKey = new Uint8Array(randomBytes(16));
  const keys = await deriveAccountKeys({ password, salt, address, secretKey, kdf: DEFAULT_KDF });
  const vaultId = newUuid(4);
  const vaultKey = randomBytes(32);
  const wrapped = seal(
    keys.wrapKey,
    vaultKey,
    associatedData("vault-key", address, vaultId),
    randomBytes(24),
  );
  const deviceId = randomBytes(8).toString("hex");
  const session = await call<Session>(apiUrl, "POST", "/accounts", {
    body: {
      address,
      authSecret: toBase64Url(keys.authSecret),
      kdf: DEFAULT_KDF,
      salt: toBase64Url(salt),
      device: { id: deviceId, name: "minimal client" },
      vault: { vaultId, wrappedVaultKey: toBase64Url(wrapped) },
    },
  });
  // The server must hand back the key we wrapped, and it must open with our credentials.
  const served = session.account.vaults.find((vault) => vault.vaultId === vaultId);
  if (served === undefined) throw new Error("the server lost the vault");
  const opened = open(
    keys.wrapKey,
    fromBase64Url(served.wrappedVaultKey),
    associatedData("vault-key", address, vaultId),
  );
  if (toHex(opened) !== toHex(vaultKey)) throw new Error("the wrapped vault key changed");
  return {
    apiUrl,
    address,
    token: session.token,
    deviceId: session.deviceId,
    vaultId,
    eventKey: vaultKeys(vaultKey).eventKey,
    secretKey,
    signingKey: generateKeyPairSync("ed25519").privateKey,
  };
};

/**
 * A version-2 signed payload (docs/PROTOCOL.md 16.2) of an item event: the box sealed with event
 * schema 2 in its associated data, `0x02 || 1 || signer || epoch 0 || box`, then the Ed25519
 * signature over the context, vault id, event id and those bytes. (A device accepts it only after
 * this device's enrolment, 16.4, which this example does not write.)
 */
export const signedEventPayload = (account: Account, event: Event): Uint8Array => {
  const box = seal(
    account.eventKey,
    pad(encodeEvent(event)),
    associatedData("event", event.vaultId, event.id, 2),
    randomBytes(24),
  );
  const unsigned = concat(Uint8Array.of(2, 1), fromHex(account.deviceId), new Uint8Array(4), box);
  const message = concat(
    utf8("keypears/v2/event-signature\u0000"),
    uuidBytes(account.vaultId),
    uuidBytes(event.id),
    unsigned,
  );
  return concat(unsigned, sign(null, message, account.signingKey));
};

export interface Pushed {
  readonly id: string;
  readonly payload: Uint8Array;
  readonly position: number;
}

export const pushEvents = async (account: Account, events: readonly Event[]): Promise<Pushed[]> => {
  const envelopes = events.map((event) => ({
    id: event.id,
    payload: signedEventPayload(account, event),
  }));
  const answer = await call<{ events: { id: string; position: number }[] }>(
    account.apiUrl,
    "POST",
    `/vaults/${account.vaultId}/events`,
    {
      token: account.token,
      body: { events: envelopes.map((e) => ({ id: e.id, payload: toBase64Url(e.payload) })) },
    },
  );
  return envelopes.map((envelope, index) => ({
    ...envelope,
    position: answer.events[index]?.position ?? Number.NaN,
  }));
};

interface WireCheckpoint {
  readonly position: number;
  readonly hash: string;
}
const checkpoint = (wire: WireCheckpoint): Checkpoint => ({
  position: wire.position,
  hash: fromBase64Url(wire.hash),
});

/**
 * Pulls from `trusted` to the head, verifying every page, and checks each of our pushed events
 * came back with its bytes at the position promised. Returns the new trusted checkpoint.
 */
export const pullAndVerify = async (
  account: Account,
  trusted: Checkpoint,
  promised: readonly Pushed[],
): Promise<{ verified: Checkpoint; events: PulledEvent[] }> => {
  let current = trusted;
  const events: PulledEvent[] = [];
  for (;;) {
    const page = await call<{
      anchor: WireCheckpoint;
      events: { id: string; payload: string; position: number; chainHash: string }[];
      head: WireCheckpoint;
    }>(
      account.apiUrl,
      "GET",
      `/vaults/${account.vaultId}/events?after=${current.position}&limit=2`,
      {
        token: account.token,
      },
    );
    const pulled = page.events.map((e) => ({
      id: e.id,
      payload: fromBase64Url(e.payload),
      position: e.position,
      chainHash: fromBase64Url(e.chainHash),
    }));
    current = verifyPage(current, {
      anchor: checkpoint(page.anchor),
      events: pulled,
      head: checkpoint(page.head),
    });
    events.push(...pulled);
    if (current.position >= page.head.position || pulled.length === 0) break;
  }
  for (const own of promised) {
    const served = events.find((event) => event.id === own.id);
    if (served === undefined) throw new Error(`missing event ${own.id}`);
    if (served.position !== own.position) throw new Error(`reordered: ${own.id}`);
    if (toHex(served.payload) !== toHex(own.payload)) throw new Error(`tampered: ${own.id}`);
  }
  return { verified: current, events };
};

export { GENESIS };
