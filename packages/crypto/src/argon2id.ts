/** Argon2id password hashing with cost limits that no server can talk the client out of. */

import { err, ok, type Result } from "@keypears/base";
import { argon2id } from "hash-wasm";

/** Argon2id costs, stored with the account and served back to every new device. */
export interface KdfParams {
  readonly algorithm: "argon2id";
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
}

/** The costs of a KDF without its algorithm: the shape of the floor and the ceiling. */
export interface KdfCost {
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
}

export type KdfError =
  | { readonly kind: "kdf-params-invalid"; readonly message: string }
  | { readonly kind: "kdf-params-too-weak"; readonly message: string }
  | { readonly kind: "kdf-params-too-costly"; readonly message: string };

export interface KdfOptions {
  /**
   * Tests only: replaces the floor so that tests about something else can run Argon2id with
   * a few KiB. Production code never passes it, so it always gets `KDF_FLOOR`.
   */
  readonly unsafeFloorForTests?: KdfCost;
}

/**
 * 64 MiB, 3 passes, 1 lane: well above OWASP's minimum (19 MiB, t=2), and about a quarter
 * second on a laptop.
 */
export const DEFAULT_KDF_PARAMS: KdfParams = Object.freeze({
  algorithm: "argon2id",
  memoryKiB: 65536,
  iterations: 3,
  parallelism: 1,
});

/**
 * The weakest parameters this client accepts, whatever a server says: parameters come back
 * from the server on a new device, so a lying server could otherwise ask for 8 KiB and one
 * pass and make every password guess cheap.
 */
export const KDF_FLOOR: KdfCost = Object.freeze({
  memoryKiB: 65536,
  iterations: 3,
  parallelism: 1,
});

/**
 * The costliest parameters this client accepts, so a malicious server cannot freeze or crash
 * the client by asking for 64 GiB or a million passes.
 */
export const KDF_CEILING: KdfCost = Object.freeze({
  memoryKiB: 1024 * 1024,
  iterations: 32,
  parallelism: 16,
});

/** Length of every Argon2id output here: one 256-bit key. */
export const ARGON2_OUTPUT_LENGTH = 32;

const costs = [
  ["memory", "memoryKiB", " KiB"],
  ["iterations", "iterations", ""],
  ["parallelism", "parallelism", ""],
] as const;

/**
 * Checks parameters that may have come from an untrusted server: integers, Argon2id, within
 * this client's floor and ceiling.
 */
export const checkKdfParams = (
  params: KdfParams,
  options: KdfOptions = {},
): Result<KdfParams, KdfError> => {
  const floor = options.unsafeFloorForTests ?? KDF_FLOOR;
  if (typeof params !== "object" || params === null || params.algorithm !== "argon2id") {
    return err({
      kind: "kdf-params-invalid",
      message: `KDF algorithm ${JSON.stringify((params as { algorithm?: unknown } | null)?.algorithm)} is not supported; expected "argon2id"`,
    });
  }
  for (const [name, key] of costs) {
    const value: unknown = params[key];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
      return err({
        kind: "kdf-params-invalid",
        message: `KDF ${name} must be a positive integer, got ${String(value)}`,
      });
    }
  }
  for (const [name, key, unit] of costs) {
    if (params[key] < floor[key]) {
      return err({
        kind: "kdf-params-too-weak",
        message: `KDF ${name} ${params[key]}${unit} is below this client's floor of ${floor[key]}${unit}`,
      });
    }
  }
  for (const [name, key, unit] of costs) {
    if (params[key] > KDF_CEILING[key]) {
      return err({
        kind: "kdf-params-too-costly",
        message: `KDF ${name} ${params[key]}${unit} is above this client's ceiling of ${KDF_CEILING[key]}${unit}`,
      });
    }
  }
  if (params.memoryKiB < 8 * params.parallelism) {
    return err({
      kind: "kdf-params-invalid",
      message: `KDF memory ${params.memoryKiB} KiB is less than Argon2's 8 KiB per lane for parallelism ${params.parallelism}`,
    });
  }
  return ok(params);
};

/**
 * Argon2id (RFC 9106, version 0x13) of `password` under `salt`, 32 bytes. It checks the
 * parameters itself, so no caller can forget to.
 */
export const deriveArgon2id = async (
  password: Uint8Array,
  salt: Uint8Array,
  params: KdfParams,
  options: KdfOptions = {},
): Promise<Result<Uint8Array, KdfError>> => {
  const checked = checkKdfParams(params, options);
  if (!checked.ok) return checked;
  if (!(password instanceof Uint8Array))
    throw new TypeError("expected the password as a Uint8Array");
  if (!(salt instanceof Uint8Array) || salt.length < 8) {
    throw new RangeError(`expected a salt of at least 8 bytes, got ${String(salt?.length)}`);
  }
  const key = await argon2id({
    password,
    salt,
    iterations: params.iterations,
    memorySize: params.memoryKiB,
    parallelism: params.parallelism,
    hashLength: ARGON2_OUTPUT_LENGTH,
    outputType: "binary",
  });
  return ok(key);
};
