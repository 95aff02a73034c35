/**
 * Device signatures verified with WebCrypto's Ed25519 (a browser's BoringSSL; OpenSSL in Node),
 * asynchronously: the vault in a browser worker verifies a pulled page's signatures this way, all
 * in flight at once, before it applies the page (issue 12). WebCrypto runs them natively and off
 * the JavaScript thread, where noble's JavaScript would take most of the apply's time.
 *
 * The answers are the protocol's (`verifyDeviceSignature`): the strictness rule
 * (`ed25519-strictness.ts`) runs first, and WebCrypto's Ed25519 is cofactorless, so on what the
 * rule lets through it agrees with OpenSSL and the JavaScript path (the edge-case vectors check
 * this in Node and in Chromium).
 */

import { DEVICE_PUBLIC_KEY_LENGTH, DEVICE_SIGNATURE_LENGTH } from "./device-signing.ts";
import { isStrictEd25519Input } from "./ed25519-strictness.ts";

export type AsyncSignatureCheck = (
  signingKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
) => Promise<boolean>;

/** The part of WebCrypto's `SubtleCrypto` this uses (no DOM types in the platform-free packages). */
export interface SubtleEd25519 {
  readonly importKey: (
    format: "raw",
    key: Uint8Array<ArrayBuffer>,
    algorithm: { readonly name: "Ed25519" },
    extractable: false,
    usages: ["verify"],
  ) => Promise<unknown>;
  readonly verify: (
    algorithm: "Ed25519",
    key: unknown,
    signature: Uint8Array<ArrayBuffer>,
    data: Uint8Array<ArrayBuffer>,
  ) => Promise<boolean>;
}

const platformSubtle = (): SubtleEd25519 | undefined =>
  (globalThis as { crypto?: { subtle?: SubtleEd25519 } }).crypto?.subtle;

/** A vault verifies many events of few devices: each key is imported once. */
const MAX_CACHED_KEYS = 1000;

/**
 * WebCrypto's Ed25519 verification, or `undefined` where the platform's WebCrypto has none (it
 * imports a key to find out). The check never rejects: a failure is `false`.
 */
export const createWebCryptoSignatureCheck = async (
  subtle: SubtleEd25519 | undefined = platformSubtle(),
): Promise<AsyncSignatureCheck | undefined> => {
  if (subtle === undefined) return undefined;
  const importKey = (key: Uint8Array) =>
    subtle.importKey("raw", key as Uint8Array<ArrayBuffer>, { name: "Ed25519" }, false, ["verify"]);
  try {
    // The base point's encoding: a valid key on any platform that has Ed25519.
    const basePoint = new Uint8Array(32).fill(0x66);
    basePoint[0] = 0x58;
    await importKey(basePoint);
  } catch {
    return undefined;
  }
  const keys = new Map<string, Promise<unknown>>();
  const keyOf = (key: Uint8Array): Promise<unknown> => {
    const id = String.fromCharCode(...key);
    const known = keys.get(id);
    if (known !== undefined) return known;
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    const imported = importKey(key);
    keys.set(id, imported);
    return imported;
  };
  return async (signingKey, message, signature) => {
    if (signingKey.length !== DEVICE_PUBLIC_KEY_LENGTH) return false;
    if (signature.length !== DEVICE_SIGNATURE_LENGTH) return false;
    if (!isStrictEd25519Input(signingKey, signature)) return false;
    try {
      return await subtle.verify(
        "Ed25519",
        await keyOf(signingKey),
        signature as Uint8Array<ArrayBuffer>,
        message as Uint8Array<ArrayBuffer>,
      );
    } catch {
      return false;
    }
  };
};
