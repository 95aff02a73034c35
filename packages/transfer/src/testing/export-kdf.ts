/** Cheap Argon2id for KeyPears exports in tests whose subject is not key derivation. */

import { DEFAULT_KDF_PARAMS, type KdfOptions, type KdfParams } from "@keypears/crypto";

export const TEST_EXPORT_KDF: KdfParams = { ...DEFAULT_KDF_PARAMS, memoryKiB: 64, iterations: 1 };
export const TEST_EXPORT_KDF_OPTIONS: KdfOptions = {
  unsafeFloorForTests: { memoryKiB: 8, iterations: 1, parallelism: 1 },
};
