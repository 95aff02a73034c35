/** Key derivation (PROTOCOL.md section 4.4): password, salt, address and Secret Key to every key. */

import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { argon2id } from "hash-wasm";
import { concat, len32, utf8 } from "./bytes.ts";

export interface KdfParams {
  readonly algorithm: "argon2id";
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
}

export const DEFAULT_KDF: KdfParams = {
  algorithm: "argon2id",
  memoryKiB: 65536,
  iterations: 3,
  parallelism: 1,
};

/** A client refuses parameters below the floor, whoever offers them (section 4.2). */
export const checkFloor = (kdf: KdfParams): void => {
  if (
    kdf.algorithm !== "argon2id" ||
    kdf.memoryKiB < 65536 ||
    kdf.iterations < 3 ||
    kdf.parallelism < 1
  ) {
    throw new Error("key-derivation parameters below the floor");
  }
};

export const subkey = (key: Uint8Array, label: string): Uint8Array =>
  hkdf(sha256, key, undefined, utf8(label), 32);

export const argon2Salt = (address: string, salt: Uint8Array): Uint8Array => {
  const addressBytes = utf8(address);
  return sha256(
    concat(utf8("keypears/v1/argon2-salt"), len32(addressBytes.length), addressBytes, salt),
  );
};

export interface AccountKeys {
  readonly passwordKey: Uint8Array;
  readonly deviceKey: Uint8Array;
  readonly rootKey: Uint8Array;
  readonly wrapKey: Uint8Array;
  readonly authSecret: Uint8Array;
}

export const deriveAccountKeys = async (input: {
  readonly password: string;
  readonly salt: Uint8Array;
  readonly address: string;
  readonly secretKey: Uint8Array;
  readonly kdf: KdfParams;
}): Promise<AccountKeys> => {
  checkFloor(input.kdf);
  const passwordKey = await argon2id({
    password: utf8(input.password.normalize("NFKC")),
    salt: argon2Salt(input.address, input.salt),
    iterations: input.kdf.iterations,
    memorySize: input.kdf.memoryKiB,
    parallelism: input.kdf.parallelism,
    hashLength: 32,
    outputType: "binary",
  });
  const rootKey = hkdf(
    sha256,
    concat(passwordKey, input.secretKey),
    input.salt,
    utf8(`keypears/v1/root|${input.address}`),
    32,
  );
  return {
    passwordKey,
    deviceKey: subkey(passwordKey, "keypears/v1/device-key"),
    rootKey,
    wrapKey: subkey(rootKey, "keypears/v1/wrap-key"),
    authSecret: subkey(rootKey, "keypears/v1/auth"),
  };
};

export const vaultKeys = (vaultKey: Uint8Array) => ({
  eventKey: subkey(vaultKey, "keypears/v1/vault/events"),
  storeKey: subkey(vaultKey, "keypears/v1/vault/store"),
  indexKey: subkey(vaultKey, "keypears/v1/vault/index"),
});

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The Secret Key as people see it (section 4.3): `K1-XXXXX-...-XC`. */
export const formatSecretKey = (secretKey: Uint8Array): string => {
  let bits = "";
  for (const byte of secretKey) bits += byte.toString(2).padStart(8, "0");
  bits = bits.padEnd(130, "0");
  let body = "";
  for (let i = 0; i < 130; i += 5) body += CROCKFORD[parseInt(bits.slice(i, i + 5), 2)];
  const check = sha256(concat(utf8("keypears/v1/secret-key-check"), secretKey))[0] as number;
  body += CROCKFORD[check >> 3];
  return `K1-${body.match(/.{1,5}/g)?.join("-")}`;
};
