/**
 * A checksum of an account's stored key material (salt, wrapped vault key, sealed Secret Key),
 * kept beside it in the account row, so that an unlock that fails can tell a damaged file from a
 * wrong password: the AEAD boxes alone cannot (both fail their tag), and "wrong password" on a
 * damaged file sends a person guessing passwords instead of restoring a backup.
 *
 * The checksum is public (computed from ciphertext and a salt) and detects damage, not
 * tampering: someone who can write the file can rewrite the checksum too, and then the unlock
 * still fails, as a wrong password. Vaults made before schema 4 have none until their first
 * successful unlock records it.
 */

import { hkdfSha256 } from "@keypears/crypto";
import type { AccountRecord } from "./account-record.ts";
import type { SqliteDatabase } from "./sqlite.ts";

const LABEL = new TextEncoder().encode("keypears/v1/account-key-check");
const CHECK_LENGTH = 16;

/** Length-prefixed (4 bytes, big-endian) so that no two different inputs share an encoding. */
const encode = (parts: readonly Uint8Array[]): Uint8Array => {
  const total = parts.reduce((sum, part) => sum + 4 + part.length, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const part of parts) {
    view.setUint32(at, part.length);
    bytes.set(part, at + 4);
    at += 4 + part.length;
  }
  return bytes;
};

export const keyMaterialCheck = (
  record: Pick<AccountRecord, "salt" | "wrappedVaultKey" | "sealedSecretKey">,
): Uint8Array =>
  hkdfSha256(
    encode([record.salt, record.wrappedVaultKey, record.sealedSecretKey]),
    undefined,
    LABEL,
    CHECK_LENGTH,
  );

/** The stored checksum, or undefined when the row has none yet (made before schema 4). */
export const readKeyCheck = (db: SqliteDatabase): Uint8Array | undefined => {
  const row = db.prepare("SELECT key_check FROM account WHERE id = 1").get() as
    { key_check: Uint8Array | null } | undefined;
  return row?.key_check ?? undefined;
};

export const writeKeyCheck = (db: SqliteDatabase, record: AccountRecord): void => {
  db.prepare("UPDATE account SET key_check = ? WHERE id = 1").run(keyMaterialCheck(record));
};

/** Whether the stored key material no longer matches its checksum: damage, not a wrong password. */
export const isKeyMaterialDamaged = (db: SqliteDatabase, record: AccountRecord): boolean => {
  const stored = readKeyCheck(db);
  if (stored === undefined) return false;
  const actual = keyMaterialCheck(record);
  return stored.length !== actual.length || stored.some((byte, i) => byte !== actual[i]);
};
