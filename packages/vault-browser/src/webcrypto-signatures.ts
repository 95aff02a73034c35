/**
 * The browser vault's signature verifier: a pulled page's Ed25519 signatures are verified with
 * WebCrypto (BoringSSL in Chromium: native, off the worker's JavaScript thread, all in flight at
 * once) before the page is applied, where noble's JavaScript on the one worker thread took most of
 * the apply's time (docs/BENCHMARKS.md, the vault in a browser). Where the browser's WebCrypto has
 * no Ed25519, nothing is verified ahead and the vault verifies in JavaScript, as before.
 */

import { createWebCryptoSignatureCheck } from "@keypears/crypto";
import { type BackgroundVerifier, createAheadSignatureVerifier } from "@keypears/vault/core";

export const createWebCryptoSignatureVerifier = (): BackgroundVerifier =>
  createAheadSignatureVerifier(createWebCryptoSignatureCheck());
