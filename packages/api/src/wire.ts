/**
 * The wire primitives every route is built from: bytes as unpadded base64url, the id formats of
 * sync-core, addresses, key-derivation parameters and chain checkpoints.
 */

import { type Address, base64UrlToBytes, domainOf, parseAddress } from "@keypears/base";
import { z } from "zod";

/** Characters needed to carry `bytes` bytes as unpadded base64url. */
export const base64UrlLength = (bytes: number): number => Math.ceil((bytes * 4) / 3);

const isCanonicalBase64Url = (text: string): boolean => {
  try {
    base64UrlToBytes(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * Bytes as an unpadded base64url string, between `min` and `max` bytes long. The error message
 * names the rule broken, never the value, so nothing a client sent is echoed back.
 */
export const bytesSchema = (description: string, min: number, max: number) =>
  z
    .string()
    .min(base64UrlLength(min))
    .max(base64UrlLength(max))
    .regex(/^[A-Za-z0-9_-]*$/, "expected unpadded base64url")
    .refine(isCanonicalBase64Url, "expected canonical unpadded base64url")
    .describe(`${description} (${min === max ? min : `${min} to ${max}`} bytes, base64url)`);

/** SHA-256 sized values: chain hashes. */
export const hashSchema = bytesSchema("SHA-256 chain hash", 32, 32);

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const eventIdSchema = z
  .string()
  .regex(uuidPattern, "expected a lowercase UUID")
  .describe("Event id (UUIDv7, lowercase)");

export const vaultIdSchema = z
  .string()
  .regex(uuidPattern, "expected a lowercase UUID")
  .describe("Vault id (random UUID, lowercase)");

export const deviceIdSchema = z
  .string()
  .regex(/^[0-9a-f]{16}$/, "expected 16 lowercase hex characters")
  .describe("Device id chosen by the client (64 random bits as hex)");

/**
 * An account address `name@domain` in its canonical form: the domain lowercased, the name kept
 * as typed (the client binds this exact string into its keys).
 */
export const addressSchema = z
  .string()
  .max(320)
  .transform((text, context) => {
    const parsed = parseAddress(text);
    if (parsed.ok) return parsed.value as string;
    context.addIssue({ code: "custom", message: "expected an address like alice@example.com" });
    return z.NEVER;
  })
  .describe("Account address, name@domain");

/** An address as the server returns it: already canonical, so a plain string (no transform). */
export const addressOutputSchema = z
  .string()
  .min(3)
  .max(320)
  .describe("Account address, name@domain, in canonical form (domain lowercased)");

/** The domain of an address that `addressSchema` accepted. */
export const domainOfAddress = (address: string): string => domainOf(address as Address);

export const deviceNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^\p{Cc}]*$/u, "control characters are not allowed")
  .describe("A name the user gives the device");

/** The client's 32-byte authentication secret, derived from master password and Secret Key. */
export const authSecretSchema = bytesSchema("Authentication secret", 32, 32);

/** The per-account salt of the client's key derivation. */
export const kdfSaltSchema = bytesSchema("Key-derivation salt", 16, 16);

/**
 * The vault key as wrapped (encrypted) by the client; the server stores it without reading it.
 * Up to 256 key epochs' keys (docs/PROTOCOL.md 16.7): 41 + 5 + 32 × 256 bytes.
 */
export const wrappedVaultKeySchema = bytesSchema("Wrapped vault key", 16, 8238);

/**
 * Argon2id parameters the client chose. The server checks shape and sane bounds only; each
 * client refuses parameters below its own floor, whatever a server says.
 */
export const kdfParamsSchema = z.object({
  algorithm: z.literal("argon2id"),
  memoryKiB: z
    .int()
    .min(1024)
    .max(4 * 1024 * 1024),
  iterations: z.int().min(1).max(100),
  parallelism: z.int().min(1).max(64),
});
export type KdfParams = z.infer<typeof kdfParamsSchema>;

/** A position in a vault's log and the chain hash after it. */
export const checkpointSchema = z.object({
  position: z.int().min(0),
  hash: hashSchema,
});
export type WireCheckpoint = z.infer<typeof checkpointSchema>;

/** Positions arrive in query strings, so they are coerced from text, then checked. */
export const positionQuerySchema = z.coerce.number().int().min(0);

export const timestampSchema = z.iso.datetime().describe("ISO 8601 timestamp (UTC)");
