/**
 * A client session whose secrets the tests then look for on the server: it registers, encrypts
 * vault items (AES-256-GCM under a key only the "client" holds) whose plaintexts carry a unique
 * marker, pushes them and a snapshot, and pulls them back. Returns every secret and every
 * ciphertext, so a test can show the server stored exactly the ciphertext and none of the secrets.
 */

import { base64UrlToBytes, bytesToBase64Url } from "@keypears/base";
import { createCipheriv, randomBytes } from "node:crypto";
import assert from "node:assert/strict";
import { createKeypearsClient } from "@keypears/api";
import { newDeviceId, newEventId, newVaultId, TEST_KDF } from "./test-server.ts";

export interface ScenarioSecrets {
  /** Plaintext strings the client wrote (titles, usernames, passwords, URLs, the master password). */
  readonly plaintexts: readonly string[];
  /** Values that must never be stored or logged: the auth secret, the session token, the vault key. */
  readonly secretBytes: readonly Uint8Array[];
  /** The ciphertexts pushed, which the server must store byte for byte. */
  readonly ciphertexts: readonly Uint8Array[];
}

const encrypt = (key: Uint8Array, plaintext: string): Uint8Array => {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return new Uint8Array(Buffer.concat([nonce, body, cipher.getAuthTag()]));
};

/** The box in the version-2 layout the server's signer filter checks (the signature is random). */
const signedLayout = (header: readonly number[], box: Uint8Array): Uint8Array =>
  new Uint8Array(Buffer.concat([Uint8Array.from(header), box, randomBytes(64)]));

export const runSecretScenario = async (
  apiUrl: string,
  domain: string,
): Promise<ScenarioSecrets> => {
  const marker = `KPMARK${randomBytes(6).toString("hex")}`;
  const masterPassword = `${marker}-correct horse battery staple`;
  const items = [
    {
      title: `${marker} Bank`,
      username: `${marker}.alice`,
      password: `${marker}-hunter2`,
      url: `https://${marker}.example.com/login`,
    },
    {
      title: `${marker} Mail`,
      username: "alice@mail.test",
      password: `${marker}-s3cret!`,
      url: `https://mail.test/${marker}`,
    },
  ];
  // What a real client derives from password and Secret Key; the test only needs their bytes.
  const authSecret = new Uint8Array(randomBytes(32));
  const vaultKey = new Uint8Array(randomBytes(32));
  const wrappedVaultKey = encrypt(new Uint8Array(randomBytes(32)), bytesToBase64Url(vaultKey));
  const vaultId = newVaultId();
  const deviceId = newDeviceId();
  const signer = [...Buffer.from(deviceId, "hex")];
  const session = await createKeypearsClient(apiUrl).accounts.register({
    address: `alice@${domain}`,
    authSecret: bytesToBase64Url(authSecret),
    kdf: TEST_KDF,
    salt: bytesToBase64Url(randomBytes(16)),
    device: { id: deviceId, name: "laptop" },
    vault: { vaultId, wrappedVaultKey: bytesToBase64Url(wrappedVaultKey) },
  });
  const client = createKeypearsClient(apiUrl, { token: session.token });

  const ciphertexts = items.map((item) =>
    signedLayout([2, 1, ...signer, 0, 0, 0, 0], encrypt(vaultKey, JSON.stringify(item))),
  );
  const events = ciphertexts.map((payload) => ({
    id: newEventId(),
    payload: bytesToBase64Url(payload),
  }));
  const pushed = await client.vaults.push({ vaultId, events });
  const snapshot = signedLayout(
    [2, ...signer, 0, 0, 0, 0],
    encrypt(vaultKey, JSON.stringify({ items })),
  );
  await client.snapshots.put({
    vaultId,
    position: pushed.head.position,
    chainHash: pushed.head.hash,
    payload: bytesToBase64Url(snapshot),
  });

  // The server hands back exactly the bytes it was given.
  const page = await client.vaults.pull({ vaultId, after: 0 });
  assert.deepEqual(
    page.events.map((e) => base64UrlToBytes(e.payload)),
    ciphertexts,
  );
  const latest = await client.snapshots.latest({ vaultId });
  assert.deepEqual(base64UrlToBytes(latest.payload), snapshot);

  return {
    plaintexts: [marker, masterPassword, ...items.flatMap((item) => Object.values(item))],
    secretBytes: [authSecret, base64UrlToBytes(session.token), vaultKey],
    ciphertexts: [...ciphertexts, snapshot],
  };
};

/** Every way a secret's bytes could appear in a file or a log: raw, hex and base64url. */
export const encodings = (bytes: Uint8Array): readonly Buffer[] => [
  Buffer.from(bytes),
  Buffer.from(Buffer.from(bytes).toString("hex")),
  Buffer.from(bytesToBase64Url(bytes)),
];
