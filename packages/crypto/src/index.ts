export { open, seal, AEAD_VERSION, SEALED_OVERHEAD, type DecryptError } from "./aead.ts";
export {
  ACCOUNT_SALT_LENGTH,
  accountKeysFromPasswordKey,
  createAccountSecrets,
  deriveAccountKeys,
  derivePasswordKey,
  type DerivePasswordKeyInput,
  type PasswordKey,
  type AccountKeys,
  type AccountSecrets,
  type AuthSecret,
  type DeriveAccountKeysInput,
  type WrapKey,
} from "./account-keys.ts";
export {
  ARGON2_OUTPUT_LENGTH,
  checkKdfParams,
  DEFAULT_KDF_PARAMS,
  deriveArgon2id,
  KDF_CEILING,
  KDF_FLOOR,
  type KdfCost,
  type KdfError,
  type KdfOptions,
  type KdfParams,
} from "./argon2id.ts";
export { associatedData, type AssociatedData, type AssociatedDataPart } from "./associated-data.ts";
export { bytesToBase32, parseBase32, type Base32Error } from "./base32.ts";
export { blindIndex } from "./blind-index.ts";
export { deriveDeviceKey, openSecretKey, sealSecretKey, type DeviceKey } from "./device-key.ts";
export { deriveSubkey, hkdfSha256 } from "./hkdf.ts";
export { AD_PREFIX, LABELS } from "./labels.ts";
export { parseOtpauthUri, type OtpauthEntry, type OtpauthError } from "./otpauth-uri.ts";
export {
  generatePassphrase,
  generatePassword,
  MAX_PASSPHRASE_WORDS,
  MAX_PASSWORD_LENGTH,
  type GeneratedPassword,
  type GeneratorOptionsError,
  type PassphraseOptions,
  type PasswordOptions,
} from "./password-generator.ts";
export { randomIndex, systemRandomBytes, type RandomBytes } from "./random.ts";
export {
  createSecretKey,
  formatSecretKey,
  parseSecretKey,
  SECRET_KEY_LENGTH,
  type SecretKey,
  type SecretKeyError,
} from "./secret-key.ts";
export {
  TOTP_MAX_DIGITS,
  TOTP_MAX_PERIOD,
  TOTP_MIN_DIGITS,
  totpCode,
  type TotpAlgorithm,
  type TotpCode,
  type TotpConfig,
} from "./totp.ts";
export {
  createVaultKey,
  deriveVaultKeys,
  unwrapVaultKey,
  VAULT_KEY_LENGTH,
  wrapVaultKey,
  type EventKey,
  type IndexKey,
  type StoreKey,
  type VaultKey,
  type VaultKeyContext,
  type VaultKeys,
  type WrongCredentials,
} from "./vault-keys.ts";
export {
  MAX_WRAPPED_EPOCHS,
  unwrapEpochKeys,
  wrapEpochKeys,
  wrappedEpochCount,
} from "./epoch-keys-wrap.ts";
export { wipe } from "./wipe.ts";
export { WORD_LIST } from "./word-list.ts";
export {
  createDeviceKeyPairs,
  DEVICE_PUBLIC_KEY_LENGTH,
  DEVICE_SIGNATURE_LENGTH,
  deviceKeyPairsFromSecrets,
  signAsDevice,
  verifyDeviceSignature,
  type DeviceKeyPairs,
} from "./device-signing.ts";
export { isStrictEd25519Input } from "./ed25519-strictness.ts";
export { createWebCryptoSignatureCheck, type AsyncSignatureCheck } from "./webcrypto-ed25519.ts";
export {
  KEY_DELIVERY_LENGTH,
  openKeyDelivery,
  sealKeyDelivery,
  type KeyDeliveryContext,
  type KeyDeliveryError,
} from "./key-delivery.ts";
