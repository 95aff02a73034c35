/**
 * The device key: seals this device's copy of the Secret Key, so the Secret Key is never on disk
 * in plaintext. It comes from the password alone (a device that has the file needs only the
 * password to unlock), so a stolen device file is as strong as Argon2id over the password: the
 * Secret Key protects against a stolen *server*, the device key against a casual copy of the file.
 */

import { type Brand, err, ok, type Result } from "@keypears/base";
import type { PasswordKey } from "./account-keys.ts";
import { open, seal } from "./aead.ts";
import { associatedData } from "./associated-data.ts";
import { expectBytes } from "./expect-bytes.ts";
import { deriveSubkey } from "./hkdf.ts";
import { LABELS } from "./labels.ts";
import { type RandomBytes, systemRandomBytes } from "./random.ts";
import { SECRET_KEY_LENGTH, type SecretKey } from "./secret-key.ts";
import type { WrongCredentials } from "./vault-keys.ts";

export type DeviceKey = Brand<Uint8Array, "DeviceKey">;

export const deriveDeviceKey = (passwordKey: PasswordKey): DeviceKey => {
  expectBytes(passwordKey, 32, "password key");
  return deriveSubkey(passwordKey, LABELS.deviceKey) as DeviceKey;
};

const secretKeyAd = (address: string) => associatedData("secret-key", address);

export const sealSecretKey = (
  deviceKey: DeviceKey,
  secretKey: SecretKey,
  address: string,
  random: RandomBytes = systemRandomBytes,
): Uint8Array => {
  expectBytes(secretKey, SECRET_KEY_LENGTH, "Secret Key");
  return seal(deviceKey, secretKey, secretKeyAd(address), random);
};

/** Opens the device's copy of the Secret Key; a wrong password gives `wrong-credentials`, as every unlock failure does. */
export const openSecretKey = (
  deviceKey: DeviceKey,
  sealed: Uint8Array,
  address: string,
): Result<SecretKey, WrongCredentials> => {
  const opened = open(deviceKey, sealed, secretKeyAd(address));
  if (!opened.ok || opened.value.length !== SECRET_KEY_LENGTH)
    return err({ kind: "wrong-credentials" });
  return ok(opened.value as SecretKey);
};
