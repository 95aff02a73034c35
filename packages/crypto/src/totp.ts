/** Time-based one-time passwords (RFC 6238), so a vault item can show the code for a second factor. */

import { hmac } from "@noble/hashes/hmac.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";

export type TotpAlgorithm = "SHA1" | "SHA256" | "SHA512";

export interface TotpConfig {
  readonly secret: Uint8Array;
  readonly algorithm: TotpAlgorithm;
  /** 6 to 8. */
  readonly digits: number;
  /** Length of a time step in seconds. */
  readonly period: number;
}

export interface TotpCode {
  readonly code: string;
  /** Seconds until the code changes, 1 to `period`. */
  readonly secondsRemaining: number;
}

export const TOTP_MIN_DIGITS = 6;
export const TOTP_MAX_DIGITS = 8;
/** Longest time step accepted: RFC 6238 recommends 30 seconds; an hour is already absurd. */
export const TOTP_MAX_PERIOD = 3600;

const hashes = { SHA1: sha1, SHA256: sha256, SHA512: sha512 } as const;

/** The code for the time step containing `nowMs` (milliseconds since the Unix epoch). */
export const totpCode = (config: TotpConfig, nowMs: number): TotpCode => {
  checkTotpConfig(config);
  if (!Number.isFinite(nowMs) || nowMs < 0) {
    throw new RangeError(`expected a non-negative time in milliseconds, got ${nowMs}`);
  }
  const seconds = Math.floor(nowMs / 1000);
  const counter = Math.floor(seconds / config.period);
  return {
    code: hotpCode(config.secret, counter, config.algorithm, config.digits),
    secondsRemaining: config.period - (seconds % config.period),
  };
};

/** HOTP (RFC 4226 §5.3): HMAC of the 8-byte big-endian counter, dynamically truncated to `digits` decimal digits. */
const hotpCode = (
  secret: Uint8Array,
  counter: number,
  algorithm: TotpAlgorithm,
  digits: number,
): string => {
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  view.setUint32(0, Math.floor(counter / 2 ** 32));
  view.setUint32(4, counter >>> 0);
  const mac = hmac(hashes[algorithm], secret, message);
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary =
    new DataView(mac.buffer, mac.byteOffset, mac.byteLength).getUint32(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
};

/**
 * Misuse checks: a config built in code with impossible values is a bug. Untrusted input goes
 * through `parseOtpauthUri`, which returns errors instead.
 */
const checkTotpConfig = (config: TotpConfig): void => {
  if (!(config.secret instanceof Uint8Array) || config.secret.length === 0) {
    throw new RangeError("expected a non-empty TOTP secret");
  }
  if (!(config.algorithm in hashes)) {
    throw new RangeError(`unsupported TOTP algorithm ${JSON.stringify(config.algorithm)}`);
  }
  if (
    !Number.isInteger(config.digits) ||
    config.digits < TOTP_MIN_DIGITS ||
    config.digits > TOTP_MAX_DIGITS
  ) {
    throw new RangeError(`expected 6 to 8 TOTP digits, got ${config.digits}`);
  }
  if (!Number.isInteger(config.period) || config.period < 1 || config.period > TOTP_MAX_PERIOD) {
    throw new RangeError(
      `expected a TOTP period of 1 to ${TOTP_MAX_PERIOD} seconds, got ${config.period}`,
    );
  }
};
