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
 * The protocol version this code speaks (docs/PROTOCOL.md, "KeyPears protocol, version 1"). It is
 * the `version` of the discovery document and the major part of the OpenAPI document's
 * `info.version`; a change a version-1 client cannot follow gets a new number.
 */
export const PROTOCOL_VERSION = 1;

/** Additive revisions of the API document within one protocol version (new routes, new fields). */
export const API_REVISION = 1;

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
  version: z.literal(PROTOCOL_VERSION),
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
