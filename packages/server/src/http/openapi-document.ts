/**
 * The OpenAPI 3.1 document of the API, generated from the contract and completed with what only
 * this server knows: its limits, the errors its HTTP layer answers before a route runs, the
 * `Retry-After` header, discovery and the document itself (served at `/openapi.json`).
 */

import {
  accountSchema,
  API_DOCUMENT_VERSION,
  API_PREFIX,
  base64UrlLength,
  checkpointSchema,
  deviceInputSchema,
  deviceSchema,
  eventEnvelopeSchema,
  keypearsContract,
  kdfParamsSchema,
  OPENAPI_PATH,
  PROTOCOL_VERSION,
  pulledEventSchema,
  pullPageSchema,
  pushedEventSchema,
  serverDescriptionSchema,
  sessionSchema,
  snapshotInfoSchema,
  SPECIFICATION_URL,
  vaultKeySchema,
  vaultSummarySchema,
  WELL_KNOWN_PATH,
} from "@keypears/api";
import { OpenAPIGenerator } from "@orpc/openapi";
import { ZodToJsonSchemaConverter } from "@orpc/zod/zod4";
import type { SizeLimits } from "../limits/limits.ts";
import { addHttpLayerResponses, type OpenApiOperation } from "./openapi-responses.ts";
import { EXPOSED_RANGE_PATH } from "./exposed-range.ts";

const converter = new ZodToJsonSchemaConverter();

/** Schemas that get a name in `components.schemas` (and a `$ref` wherever they are used). */
const namedSchemas = {
  Checkpoint: { schema: checkpointSchema },
  KdfParams: { schema: kdfParamsSchema },
  DeviceInput: { schema: deviceInputSchema },
  VaultKey: { schema: vaultKeySchema },
  Account: { schema: accountSchema, strategy: "output" },
  Session: { schema: sessionSchema, strategy: "output" },
  Device: { schema: deviceSchema, strategy: "output" },
  VaultSummary: { schema: vaultSummarySchema, strategy: "output" },
  EventEnvelope: { schema: eventEnvelopeSchema },
  PushedEvent: { schema: pushedEventSchema, strategy: "output" },
  PulledEvent: { schema: pulledEventSchema, strategy: "output" },
  PullPage: { schema: pullPageSchema, strategy: "output" },
  SnapshotInfo: { schema: snapshotInfoSchema, strategy: "output" },
} as const;

const tags = [
  { name: "server", description: "Health of this server." },
  { name: "accounts", description: "Registration, pre-login, sessions and credentials." },
  { name: "devices", description: "The devices of an account, and their revocation." },
  { name: "vaults", description: "Each vault's ordered, hash-chained log of sealed events." },
  { name: "snapshots", description: "Sealed snapshots of a vault, anchored to its chain." },
  { name: "discovery", description: "How a client finds and describes this server." },
  {
    name: "sharing",
    description: "Key logs, sealed shares handed to this server, the inbox and blocks.",
  },
  {
    name: "health",
    description: "The exposed-password range API, relayed for clients that reach only this server.",
  },
  {
    name: "federation",
    description: "Server to server: delivery of shares, verified by fetching them back.",
  },
];

interface Document {
  info: Record<string, unknown>;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas?: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  [key: string]: unknown;
}

export const generateOpenApiDocument = async (
  publicUrl: string | undefined,
  limits: SizeLimits,
): Promise<unknown> => {
  const origin = publicUrl?.replace(/\/+$/, "") ?? "";
  const document = (await new OpenAPIGenerator({
    schemaConverters: [converter],
  }).generate(keypearsContract, {
    info: {
      title: "KeyPears server API",
      version: API_DOCUMENT_VERSION,
      summary: `The KeyPears sync protocol, version ${PROTOCOL_VERSION}, over HTTP.`,
      description:
        "The open sync protocol of KeyPears: accounts, devices, and each vault's ordered, " +
        "hash-chained log of end-to-end encrypted events. The server never sees a plaintext. " +
        `The major part of \`info.version\` is the protocol version (${PROTOCOL_VERSION}). ` +
        "Bytes travel as unpadded base64url. Every error is JSON " +
        "`{defined, code, status, message, data?}`; `code` says what failed. " +
        `This server's limits: a request body of at most ${limits.maxRequestBytes} bytes ` +
        `(snapshot uploads excepted), an event payload of at most ${limits.maxEventBytes} bytes, ` +
        `${limits.maxEventsPerPush} events per push, a snapshot of at most ` +
        `${limits.maxSnapshotBytes} bytes (also in \`x-keypears-limits\` and \`${WELL_KNOWN_PATH}\`). ` +
        "Cross-origin requests are allowed (CORS): authentication is a bearer token, never a cookie.",
      contact: { name: "KeyPears maintainers", url: SPECIFICATION_URL },
      license: { name: "MIT", identifier: "MIT" },
    },
    externalDocs: {
      description: `KeyPears protocol specification, version ${PROTOCOL_VERSION} (docs/PROTOCOL.md)`,
      url: SPECIFICATION_URL,
    },
    servers: [{ url: `${origin}${API_PREFIX}`, description: "This server's API" }],
    tags,
    components: {
      securitySchemes: {
        session: {
          type: "http",
          scheme: "bearer",
          description:
            "The session token from sign-in or registration, as `Authorization: Bearer <token>`",
        },
      },
    },
    commonSchemas: namedSchemas,
  })) as unknown as Document;

  document.info["x-keypears-limits"] = { ...limits };
  for (const item of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      addHttpLayerResponses(method, operation as OpenApiOperation, document.components);
    }
  }
  applyLimits(document, limits);
  addDiscoveryPaths(document, origin);
  addExposedRangePath(document);
  return document;
};

/** The contract states the protocol's ceilings; the served document states this server's own. */
const applyLimits = (document: Document, limits: SizeLimits): void => {
  const envelope = document.components.schemas?.EventEnvelope;
  const payload = (envelope?.properties as Record<string, Record<string, unknown>> | undefined)
    ?.payload;
  if (payload !== undefined) {
    payload.maxLength = base64UrlLength(limits.maxEventBytes);
    payload.description = `Sealed event (0 to ${limits.maxEventBytes} bytes on this server, base64url)`;
  }
  const pushBody = bodySchema(document, "/vaults/{vaultId}/events", "post");
  const events = pushBody?.properties?.events;
  if (events !== undefined) {
    events.maxItems = limits.maxEventsPerPush;
    events.description = `At most ${limits.maxEventsPerPush} events on this server`;
  }
  const snapshot = bodySchema(document, "/vaults/{vaultId}/snapshots", "post")?.properties?.payload;
  if (snapshot !== undefined) {
    snapshot.maxLength = base64UrlLength(limits.maxSnapshotBytes);
    snapshot.description = `Sealed snapshot (1 to ${limits.maxSnapshotBytes} bytes on this server, base64url)`;
  }
};

interface ObjectSchema {
  properties?: Record<string, Record<string, unknown>>;
}

const bodySchema = (document: Document, path: string, method: string): ObjectSchema | undefined =>
  (
    document.paths[path]?.[method] as
      { requestBody?: { content?: Record<string, { schema?: ObjectSchema }> } } | undefined
  )?.requestBody?.content?.["application/json"]?.schema;

/** Discovery and this document live at the server's root, outside the API prefix. */
const addDiscoveryPaths = (document: Document, origin: string): void => {
  const [, description] = converter.convert(serverDescriptionSchema, {
    strategy: "output",
  });
  const root = [{ url: origin === "" ? "/" : origin, description: "This server's root" }];
  const schemas = document.components.schemas ?? {};
  document.components.schemas = schemas;
  schemas.ServerDescription = description as Record<string, unknown>;
  const errorResponse = {
    description: "Error 500: INTERNAL_SERVER_ERROR (an unexpected failure)",
    content: { "application/json": { schema: { $ref: "#/components/schemas/InternalError" } } },
  };
  const badRequest = {
    description: "Error 400: BAD_REQUEST (a malformed request URL)",
    content: { "application/json": { schema: { $ref: "#/components/schemas/BadRequestError" } } },
  };
  document.paths[WELL_KNOWN_PATH] = {
    servers: root,
    get: {
      operationId: "discovery.describe",
      tags: ["discovery"],
      summary: "Describe this server: protocol, version, domain, API and limits",
      description:
        "How a client finds the server of an address `name@domain`: it fetches " +
        `\`https://<domain>${WELL_KNOWN_PATH}\`, checks that \`protocol\` is \`keypears\`, ` +
        `\`version\` is one it speaks (${PROTOCOL_VERSION}) and \`domain\` is the address's domain, ` +
        "then calls the API at `api` (resolved against the document's URL). `limits` are this " +
        "server's size limits, which a client should respect before the server refuses a request.",
      security: [],
      responses: {
        "200": {
          description: "This server's description",
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/ServerDescription" } },
          },
        },
        "400": badRequest,
        "500": errorResponse,
      },
    },
  };
  document.paths[OPENAPI_PATH] = {
    servers: root,
    get: {
      operationId: "discovery.openapi",
      tags: ["discovery"],
      summary: "This OpenAPI document",
      description:
        "The OpenAPI 3.1 document of this server's API, with this server's limits. Its " +
        "`info.version` starts with the protocol version.",
      security: [],
      responses: {
        "200": {
          description: "The OpenAPI document",
          content: { "application/json": { schema: { type: "object" } } },
        },
        "400": badRequest,
        "500": errorResponse,
      },
    },
  };
};

/** The range relay answers plain text (a range file as its source serves it), outside oRPC. */
const addExposedRangePath = (document: Document): void => {
  const error = (status: number, code: string, what: string) => ({
    description: `Error ${status}: ${code} (${what})`,
    content: { "application/json": { schema: { type: "object" } } },
  });
  document.paths[`${EXPOSED_RANGE_PATH}{prefix}`] = {
    get: {
      operationId: "health.exposedRange",
      tags: ["health"],
      summary: "A range file of the exposed-password range API, fetched by this server",
      description:
        "For clients that may only talk to their own server (the web app, under `connect-src 'self'`). " +
        "The server fetches `<source><PREFIX>` from the range API its operator configured (`keypears serve " +
        "--exposed-source`; default Have I Been Pwned's `https://api.pwnedpasswords.com/range/`), asking for " +
        "padding, with no redirects, a 10 s limit, at most 1 MiB, and never from a private or loopback " +
        "address unless the operator allowed it (`--exposed-source-private`), and returns the body as is. " +
        "No session needed (a local-only account has none); rate-limited per client address; nothing is " +
        "cached and the prefix is not logged. No query is accepted.",
      security: [],
      parameters: [
        {
          name: "prefix",
          in: "path",
          required: true,
          description: "The first 5 hex digits of a password's SHA-1 (either case)",
          schema: { type: "string", pattern: "^[0-9A-Fa-f]{5}$" },
        },
      ],
      responses: {
        "200": {
          description:
            "The range file: one `SUFFIX:COUNT` line per hash (35 hex digits, a count), CRLF",
          content: { "text/plain": { schema: { type: "string" } } },
        },
        "400": error(400, "BAD_REQUEST", "not 5 hex digits, or a query"),
        "429": {
          ...error(429, "TOO_MANY_REQUESTS", "past the per-address limit"),
          headers: {
            "Retry-After": {
              description: "Seconds to wait before asking again",
              schema: { type: "integer", minimum: 1 },
            },
          },
        },
        "502": error(
          502,
          "REMOTE_UNREACHABLE",
          "the source is down, redirects, answers non-200 or too much, or is refused",
        ),
        "504": error(504, "REMOTE_UNREACHABLE", "the source gave no answer within 10 s"),
        "500": error(500, "INTERNAL_SERVER_ERROR", "an unexpected failure"),
      },
    },
  };
};
