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
  version: z.literal(1),
  domain: z.string(),
  api: z.string(),
  openapi: z.string(),
  limits: z.object({
    maxRequestBytes: z.int(),
    maxEventBytes: z.int(),
    maxEventsPerPush: z.int(),
    maxSnapshotBytes: z.int(),
  }),
});
export type ServerDescription = z.infer<typeof serverDescriptionSchema>;
