/** Parses `otpauth://totp/...` URIs, the format of the QR codes sites show when one turns on two-factor login. */

import { err, ok, type Result } from "@keypears/base";
import { parseBase32 } from "./base32.ts";
import {
  TOTP_MAX_DIGITS,
  TOTP_MAX_PERIOD,
  TOTP_MIN_DIGITS,
  type TotpAlgorithm,
  type TotpConfig,
} from "./totp.ts";

export interface OtpauthEntry {
  /** The decoded label, e.g. `ACME Co:alice@example.com`. */
  readonly label: string;
  /** From the `issuer` parameter, else from the label's `Issuer:` prefix. */
  readonly issuer: string | undefined;
  readonly accountName: string;
  readonly config: TotpConfig;
}

export interface OtpauthError {
  readonly kind: "invalid-otpauth-uri";
  readonly reason:
    | "bad-scheme"
    | "malformed"
    | "hotp-unsupported"
    | "unknown-type"
    | "missing-secret"
    | "invalid-secret"
    | "unsupported-algorithm"
    | "invalid-digits"
    | "invalid-period";
}

const algorithms: readonly TotpAlgorithm[] = ["SHA1", "SHA256", "SHA512"];
const uriPattern = /^otpauth:\/\/([^/?#]*)\/([^?#]*)(?:\?([^#]*))?(?:#.*)?$/i;

/**
 * Reads the Key URI Format (Google Authenticator's de facto standard). Defaults as there:
 * SHA1, 6 digits, 30 seconds. Only TOTP is supported: HOTP needs a counter that both sides
 * advance, which a synced vault cannot keep in step.
 */
export const parseOtpauthUri = (uri: string): Result<OtpauthEntry, OtpauthError> => {
  const text = uri.trim();
  if (!/^otpauth:\/\//i.test(text)) return invalid("bad-scheme");
  const match = uriPattern.exec(text);
  if (match === null) return invalid("malformed");
  const type = (match[1] as string).toLowerCase();
  if (type === "hotp") return invalid("hotp-unsupported");
  if (type !== "totp") return invalid("unknown-type");

  const label = decode(match[2] as string);
  if (label === undefined) return invalid("malformed");
  const params = new URLSearchParams(match[3] ?? "");
  for (const name of ["secret", "issuer", "algorithm", "digits", "period"]) {
    if (params.getAll(name).length > 1) return invalid("malformed");
  }

  const secretText = params.get("secret");
  if (secretText === null || secretText.trim() === "") return invalid("missing-secret");
  const secret = parseBase32(secretText);
  if (!secret.ok || secret.value.length === 0) return invalid("invalid-secret");

  const algorithm = (params.get("algorithm") ?? "SHA1").toUpperCase();
  if (!algorithms.includes(algorithm as TotpAlgorithm)) return invalid("unsupported-algorithm");
  const digits = parseCount(params.get("digits"), 6, TOTP_MIN_DIGITS, TOTP_MAX_DIGITS);
  if (digits === undefined) return invalid("invalid-digits");
  const period = parseCount(params.get("period"), 30, 1, TOTP_MAX_PERIOD);
  if (period === undefined) return invalid("invalid-period");

  const colon = label.indexOf(":");
  const labelIssuer = colon >= 0 ? label.slice(0, colon).trim() : undefined;
  const accountName = (colon >= 0 ? label.slice(colon + 1) : label).trim();
  const issuer = params.get("issuer")?.trim() || labelIssuer || undefined;
  return ok({
    label,
    issuer,
    accountName,
    config: { secret: secret.value, algorithm: algorithm as TotpAlgorithm, digits, period },
  });
};

const invalid = (reason: OtpauthError["reason"]): Result<never, OtpauthError> =>
  err({ kind: "invalid-otpauth-uri", reason });

const decode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};

/** A decimal integer in [min, max], or the default when absent; undefined when present but invalid. */
const parseCount = (
  text: string | null,
  fallback: number,
  min: number,
  max: number,
): number | undefined => {
  if (text === null) return fallback;
  if (!/^\d{1,6}$/.test(text.trim())) return undefined;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : undefined;
};
