/**
 * Protocol constants a client and a server agree on: where the API lives, how a client finds it,
 * and the hard ceilings of the wire format (a server may configure lower limits, never higher).
 */

import { z } from "zod";

/**
 * The protocol's limit on one sealed event, in bytes: every server accepts events up to it and
 * announces it as `limits.maxEventBytes`; a client refuses, at the edit, a change whose sealed
 * event would be larger (defined in `@keypears/base`, so the vault shares it).
 */
export { MAX_SEALED_EVENT_BYTES } from "@keypears/base";

/** The path prefix of every API route. */
export const API_PREFIX = "/api/v1";

/**
 * The protocol version this code speaks (docs/PROTOCOL.md, "KeyPears protocol, version 3": signed
 * events, the device roster in the log, quarantine, key epochs; since version 3, item events
 * signed once per push by a batch event, section 18). It is the `version` of the
 * discovery document, the value of the `KeyPears-Protocol` request header, and the major part of
 * the OpenAPI document's `info.version`; a change a client of this version cannot follow gets a
 * new number. The API prefix stays `/api/v1` (routes are versioned by this number, not the path).
 */
export const PROTOCOL_VERSION = 3;

/** The request header in which a client names the protocol version it speaks. */
export const PROTOCOL_HEADER = "keypears-protocol";

/**
 * What to tell a user when a client and a server speak different protocol versions: which one to
 * upgrade. `undefined` when they agree.
 */
export const protocolMismatchMessage = (
  side: "client" | "server",
  clientVersion: number,
  serverVersion: number,
): string | undefined => {
  if (clientVersion === serverVersion) return undefined;
  const older = clientVersion < serverVersion ? "client" : "server";
  const upgrade =
    older === "client"
      ? "upgrade this KeyPears app (the client) to one that speaks it"
      : "ask the server's operator to upgrade the KeyPears server";
  const speaker = side === "client" ? "This server" : "This client";
  const heard = side === "client" ? serverVersion : clientVersion;
  const own = side === "client" ? clientVersion : serverVersion;
  return `${speaker} speaks KeyPears protocol version ${heard}, and this ${side === "client" ? "client" : "server"} speaks version ${own}: ${upgrade}.`;
};

/** Additive revisions of the API document within one protocol version (new routes, new fields). */
export const API_REVISION = 0;

/** `info.version` of the OpenAPI document: `<protocol version>.<revision>.0`. */
export const API_DOCUMENT_VERSION = `${PROTOCOL_VERSION}.${API_REVISION}.0`;

/** Where the specification of the protocol is published (the OpenAPI document's `externalDocs`). */
export const SPECIFICATION_URL = "https://github.com/keypears/keypears/blob/main/docs/PROTOCOL.md";

/** Where a server describes itself, so a client can find it from an address's domain. */
export const WELL_KNOWN_PATH = "/.well-known/keypears.json";

export const OPENAPI_PATH = "/openapi.json";

export const DEFAULT_PULL_LIMIT = 1000;
export const MAX_PULL_LIMIT = 5000;

/** Ceilings of the wire format; servers enforce their own, lower, configured limits. */
export const MAX_EVENT_PAYLOAD_BYTES = 1024 * 1024;
export const MAX_EVENTS_PER_PUSH = 5000;
export const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

/** The document at `WELL_KNOWN_PATH`. `api` and `openapi` may be relative to the document's URL. */
export const serverDescriptionSchema = z.object({
  protocol: z.literal("keypears"),
  /** Any integer: a client compares it with its own and names the side to upgrade. */
  version: z.int().min(1),
  domain: z.string(),
  api: z.string(),
  openapi: z.string(),
  /** Sharing between addresses (docs/PROTOCOL.md, "Sharing"); absent on servers without it. */
  sharing: z.object({ keys: z.string(), federation: z.string() }).optional(),
  limits: z.object({
    maxRequestBytes: z.int(),
    maxEventBytes: z.int(),
    maxEventsPerPush: z.int(),
    maxSnapshotBytes: z.int(),
  }),
});
export type ServerDescription = z.infer<typeof serverDescriptionSchema>;
