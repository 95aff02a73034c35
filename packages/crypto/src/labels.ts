/** Every domain-separation label in one place, so a reviewer can see that no two keys or hashes share a purpose. */

export const LABELS = Object.freeze({
  /** Prefix of the Argon2id salt: SHA-256(this || address || account salt). */
  argon2Salt: "keypears/v1/argon2-salt",
  /** Prefix of the HKDF info for the account root key; the address follows. */
  rootKeyPrefix: "keypears/v1/root|",
  /** Account root key to the key that wraps vault keys. */
  wrapKey: "keypears/v1/wrap-key",
  /** Account root key to the secret a synced client proves to its server. */
  authSecret: "keypears/v1/auth",
  /** Password key to the key that seals the Secret Key on a device. */
  deviceKey: "keypears/v1/device-key",
  /** Vault key to the key that seals event payloads. */
  vaultEvents: "keypears/v1/vault/events",
  /** Vault key to the key that seals values stored on the device. */
  vaultStore: "keypears/v1/vault/store",
  /** Vault key to the HMAC key for blind indexes. */
  vaultIndex: "keypears/v1/vault/index",
  /** Prefix hashed with a Secret Key's bytes to get its check character. */
  secretKeyCheck: "keypears/v1/secret-key-check",
} as const);

/** Prefix of every associated-data encoding (see `associatedData`). */
export const AD_PREFIX = "keypears/v1/";
