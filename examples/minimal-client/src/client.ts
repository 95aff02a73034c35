/**
 * A minimal KeyPears client: registers an account, pushes sealed events, and pulls and verifies
 * the vault's chain, checking that the server kept its promises (PROTOCOL.md sections 4 and 10).
 */

import { randomBytes } from "node:crypto";
import { call, discover } from "./api.ts";
import { fromBase64Url, toBase64Url, toHex } from "./bytes.ts";
import { type Checkpoint, GENESIS, type PulledEvent, verifyPage } from "./chain.ts";
import { type Event, sealEvent } from "./event.ts";
import { DEFAULT_KDF, deriveAccountKeys, vaultKeys } from "./keys.ts";
import { associatedData, open, seal } from "./seal.ts";

export interface Account {
  readonly apiUrl: string;
  readonly address: string;
  readonly token: string;
  readonly deviceId: string;
  readonly vaultId: string;
  readonly eventKey: Uint8Array;
  readonly secretKey: Uint8Array;
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
  };
};

export interface Pushed {
  readonly id: string;
  readonly payload: Uint8Array;
  readonly position: number;
}

export const pushEvents = async (account: Account, events: readonly Event[]): Promise<Pushed[]> => {
  const envelopes = events.map((event) => ({
    id: event.id,
    payload: sealEvent(account.eventKey, event, randomBytes(24)),
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
