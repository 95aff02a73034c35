/**
 * The vault's shared core tests, free of any platform: they ask a `TestPlatform` for a home (a
 * folder in Node, a folder of the SAH pool in OPFS in a browser) and for its files, and do
 * everything else through the platform-free core. `test-platform.ts` builds these helpers on Node;
 * the browser test bundle swaps that module for one built on OPFS (`@keypears/vault-browser`'s
 * `testing/browser-test-platform.ts`), so one suite runs on both platforms.
 */

import type { Result } from "@keypears/base";
import { DEFAULT_KDF_PARAMS, type KdfParams, parseSecretKey } from "@keypears/crypto";
import { createSeededRandom, type DeviceId, type Now, systemDeps } from "@keypears/sync-core";
import * as core from "../account.ts";
import { defaultVaultDeps, type VaultDeps } from "../account-record.ts";
import type { AccountStorage } from "../account-storage.ts";
import { type Address, parseAddress } from "../address.ts";
import type { Compression } from "../compression.ts";
import { describeVaultError, type VaultError } from "../errors.ts";
import type { SqliteDatabase } from "../sqlite.ts";
import type { Vault } from "../vault.ts";

export interface TestHome {
  /** A folder in Node; a name prefix in the browser's SAH pool. */
  readonly path: string;
  readonly remove: () => void;
}

export interface TestPlatform {
  readonly name: "node" | "chromium";
  readonly createHome: () => TestHome;
  readonly storage: (home: string) => AccountStorage;
  /** The platform's own compression, when it has one (Node's zlib); the core's default otherwise. */
  readonly compression?: Compression;
  /** Every byte the home holds on disk, all files concatenated (vault files, journals, WAL). */
  readonly homeBytes: (home: string) => Uint8Array;
  /** The bytes of one vault file. */
  readonly vaultFileBytes: (home: string, address: Address) => Uint8Array;
}

/** Argon2id at 64 KiB: only for tests whose subject is not key derivation. */
export const CHEAP_KDF: KdfParams = { ...DEFAULT_KDF_PARAMS, memoryKiB: 64, iterations: 1 };
export const cheapDeps = (overrides: Partial<VaultDeps> = {}): VaultDeps => ({
  now: systemDeps.now,
  randomBytes: systemDeps.randomBytes,
  unsafeKdfFloorForTests: { memoryKiB: 8, iterations: 1, parallelism: 1 },
  ...overrides,
});

/** A clock for `seededDeps`: from a fixed instant, one millisecond later at every reading. */
export const steppingClock = (start = Date.UTC(2026, 0, 1)): Now => {
  let now = start;
  return () => ++now;
};

/**
 * `cheapDeps` whose ids, nonces and clock follow from `seed`: a property test that passes its seed
 * here (and to fast-check) replays a failing run with the same item and event ids, not only the
 * same steps. Each connection of a test takes its own seed and all of them one `clock`, so their
 * ids never collide and their clocks never run apart.
 */
export const seededDeps = (
  seed: number,
  clock: Now = steppingClock(),
  overrides: Partial<VaultDeps> = {},
): VaultDeps => cheapDeps({ randomBytes: createSeededRandom(seed), now: clock, ...overrides });

/** Unwraps a Result in a test, failing with the vault's own message. */
export const expectOk = <T, E extends { kind: string }>(
  result: { ok: true; value: T } | { ok: false; error: E },
): T => {
  if (result.ok) return result.value;
  throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
};

type AtHome<T> = Omit<T, "storage"> & { readonly home: string };

/** The account functions and file access of the shared tests, on `platform`. */
export const testHelpersOn = (platform: TestPlatform) => {
  const onPlatform = <T extends { readonly home: string; readonly deps?: VaultDeps }>(input: T) => {
    const { home, ...rest } = input;
    const deps = input.deps ?? defaultVaultDeps;
    return {
      ...rest,
      storage: platform.storage(home),
      deps:
        platform.compression === undefined ? deps : { compression: platform.compression, ...deps },
    };
  };
  const addressOf = (text: string): Address => expectOk(parseAddress(text));

  const createAccount = (
    input: AtHome<core.CreateAccountInput>,
  ): Promise<Result<core.NewAccount, VaultError>> => core.createAccount(onPlatform(input));
  const joinAccount = (input: AtHome<core.JoinAccountInput>): Promise<Result<Vault, VaultError>> =>
    core.joinAccount(onPlatform(input));
  const unlockVault = (input: AtHome<core.UnlockInput>): Promise<Result<Vault, VaultError>> =>
    core.unlockVault(onPlatform(input));

  const createTestAccount = async (
    home: string,
    address = "alice@localhost",
    options: { password?: string; serverUrl?: string; deps?: VaultDeps } = {},
  ): Promise<core.NewAccount> => {
    const created = await createAccount({
      home,
      address,
      password: options.password ?? "correct horse battery staple",
      kdf: CHEAP_KDF,
      deps: options.deps ?? cheapDeps(),
      ...(options.serverUrl === undefined ? {} : { serverUrl: options.serverUrl }),
    });
    if (!created.ok) throw new Error(describeVaultError(created.error));
    return created.value;
  };

  /** Joins another device, `deviceId`, to an account `createTestAccount` made with a server URL. */
  const joinTestDevice = async (
    home: string,
    account: core.NewAccount,
    options: {
      readonly address: string;
      readonly deviceId: string;
      readonly password?: string;
      readonly serverUrl?: string;
      readonly deps?: VaultDeps;
    },
  ): Promise<Vault> => {
    const registration = account.registration;
    return expectOk(
      await joinAccount({
        home,
        address: options.address,
        password: options.password ?? "correct horse battery staple",
        secretKey: expectOk(parseSecretKey(account.secretKey)),
        serverUrl: options.serverUrl ?? "https://example.com",
        kdf: registration.kdf,
        salt: registration.salt,
        vaultId: registration.vaultId,
        wrappedVaultKey: registration.wrappedVaultKey,
        deviceId: options.deviceId as DeviceId,
        deps: options.deps ?? cheapDeps(),
      }),
    );
  };

  return {
    platform,
    createTestHome: platform.createHome,
    createAccount,
    joinAccount,
    unlockVault,
    createTestAccount,
    joinTestDevice,
    removeAccountFile: (home: string, address: string): Result<void, VaultError> =>
      core.removeAccountFile(platform.storage(home), address),
    listVaultFiles: (home: string): readonly Address[] => platform.storage(home).list(),
    /** Opens a vault's file directly (lock its vault first), to look at or tamper with its rows. */
    openVaultFile: (home: string, address: string): SqliteDatabase =>
      platform.storage(home).open(addressOf(address)),
    vaultFileBytes: (home: string, address: string): Uint8Array =>
      platform.vaultFileBytes(home, addressOf(address)),
    homeBytes: platform.homeBytes,
  };
};

/** Whether `needle` occurs in `haystack`, byte for byte. */
export const containsBytes = (haystack: Uint8Array, needle: Uint8Array): boolean => {
  if (needle.length === 0) return true;
  const first = needle[0];
  for (
    let i = haystack.indexOf(first as number);
    i !== -1;
    i = haystack.indexOf(first as number, i + 1)
  ) {
    if (i + needle.length > haystack.length) return false;
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
};

/** `text` as UTF-16LE bytes (how a string would look if stored as SQLite UTF-16 text). */
export const utf16le = (text: string): Uint8Array => {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[2 * i] = unit & 0xff;
    bytes[2 * i + 1] = unit >> 8;
  }
  return bytes;
};
