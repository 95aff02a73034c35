/**
 * Checks on what `add` and `edit` are given, each failure with its own reason: web addresses
 * (only http(s) and a few app schemes, never `javascript:` or `data:`), and two-factor secrets
 * (a malformed `otpauth://` URI says which part is wrong).
 */

import {
  parseBase32,
  parseOtpauthUri,
  TOTP_MAX_DIGITS,
  TOTP_MAX_PERIOD,
  TOTP_MIN_DIGITS,
} from "@keypears/crypto";
import { usageError } from "./cli-error.ts";

/** Schemes a stored address may use; anything that runs code or embeds content is refused. */
const REFUSED_SCHEMES = new Set(["javascript:", "data:", "vbscript:", "file:", "blob:"]);

/** Throws a usage error for the first address that is empty, unparseable or of a refused kind. */
export const checkUrls = (urls: readonly string[] | undefined, command: string): void => {
  for (const raw of urls ?? []) {
    const text = raw.trim();
    if (text === "") throw usageError("--url must not be empty", command);
    let url: URL;
    try {
      // A bare host (github.com) is an address too: read it as https.
      url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`);
    } catch {
      throw usageError(`--url "${text}" is not a web address`, command);
    }
    if (REFUSED_SCHEMES.has(url.protocol))
      throw usageError(
        `--url "${url.protocol}" addresses are not allowed (they can run code or hide content); use an https:// address`,
        command,
      );
    if ((url.protocol === "http:" || url.protocol === "https:") && url.hostname === "")
      throw usageError(`--url "${text}" has no host`, command);
  }
};

const OTPAUTH_REASONS: Readonly<Record<string, string>> = {
  "bad-scheme": "it does not start with otpauth://",
  malformed: "it is not a well-formed otpauth:// URI (otpauth://totp/Label?secret=...)",
  "hotp-unsupported": "counter-based (hotp) codes are not supported, only totp",
  "unknown-type": "its type must be totp (otpauth://totp/...)",
  "missing-secret": "it has no secret= parameter",
  "invalid-secret": "its secret is not base32 (letters A-Z and digits 2-7)",
  "unsupported-algorithm": "its algorithm is not SHA1, SHA256 or SHA512",
  "invalid-digits": `its digits must be from ${TOTP_MIN_DIGITS} to ${TOTP_MAX_DIGITS}`,
  "invalid-period": `its period must be from 1 to ${TOTP_MAX_PERIOD} seconds`,
};

/** Throws a usage error naming what is wrong with a --totp value. */
export const checkTotp = (secret: string, command: string): void => {
  if (/^otpauth:\/\//i.test(secret.trim())) {
    const parsed = parseOtpauthUri(secret);
    if (!parsed.ok)
      throw usageError(
        `--totp: ${OTPAUTH_REASONS[parsed.error.reason] ?? "it is not a valid otpauth:// URI"}`,
        command,
      );
    return;
  }
  const bytes = parseBase32(secret);
  if (!bytes.ok || bytes.value.length === 0)
    throw usageError(
      "--totp expects the base32 secret a site shows (e.g. JBSWY3DPEHPK3PXP) or an otpauth:// URI",
      command,
    );
};
