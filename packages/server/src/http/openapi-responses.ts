/**
 * The error responses the HTTP layer gives before (or around) a route, added to every operation of
 * the OpenAPI document: malformed input (400), bodies too large (413) or not JSON (415), failures
 * (500), and `Retry-After` on every 429. Each names its `code`, so a client can switch on it.
 */

export interface OpenApiOperation {
  readonly responses?: Record<string, OpenApiResponse>;
}

interface OpenApiResponse {
  description?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: Record<string, unknown> }>;
}

const METHODS_WITH_BODY = new Set(["post", "put", "patch", "delete"]);

const errorSchema = (
  code: string,
  status: number,
  description: string,
  data?: Record<string, unknown>,
): Record<string, unknown> => ({
  type: "object",
  description,
  properties: {
    defined: { const: false, description: "False: not one of the route's typed errors" },
    code: { const: code },
    status: { const: status },
    message: { type: "string" },
    ...(data === undefined ? {} : { data }),
  },
  required: ["defined", "code", "status", "message"],
});

/** Named error shapes of the HTTP layer, added to `components.schemas`. */
export const httpLayerErrorSchemas: Record<string, Record<string, unknown>> = {
  BadRequestError: errorSchema(
    "BAD_REQUEST",
    400,
    "The request is malformed: a URL, JSON or UTF-8 that does not parse, or input that does not " +
      "match the route's schema (then `data.issues` lists each problem, naming the rule, never the value).",
    {
      type: "object",
      properties: {
        issues: {
          type: "array",
          items: {
            type: "object",
            properties: {
              message: { type: "string" },
              path: { type: "array", items: { type: ["string", "integer"] } },
            },
            required: ["message"],
          },
        },
      },
    },
  ),
  BodyTooLargeError: errorSchema(
    "PAYLOAD_TOO_LARGE",
    413,
    "The request body is larger than this server accepts; the connection closes after the answer.",
    {
      type: "object",
      properties: {
        limit: { type: "integer" },
        unit: { enum: ["bytes", "events"] },
      },
      required: ["limit", "unit"],
    },
  ),
  UnsupportedMediaTypeError: errorSchema(
    "UNSUPPORTED_MEDIA_TYPE",
    415,
    "A request body was sent without `Content-Type: application/json`.",
  ),
  InternalError: errorSchema(
    "INTERNAL_SERVER_ERROR",
    500,
    "An unexpected failure of the server; nothing about it is in the message. Retry later.",
  ),
};

const reference = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const retryAfter = {
  description: "Seconds to wait before trying again (the same number as `data.retryAfterSeconds`)",
  schema: { type: "integer", minimum: 1 },
};

/** oRPC's catch-all for errors a route does not declare: replaced by the exact shapes above. */
const isCatchAll = (schema: unknown): boolean => {
  const properties = (schema as { properties?: Record<string, Record<string, unknown>> })
    .properties;
  return properties?.defined?.const === false && properties.code?.const === undefined;
};

/** Adds `name`'s schema as one more alternative of the response for `status`. */
const addAlternative = (
  responses: Record<string, OpenApiResponse>,
  status: string,
  name: string,
): void => {
  const response = (responses[status] ??= {});
  const json = ((response.content ??= {})["application/json"] ??= {});
  const existing = json.schema;
  if (existing === undefined) json.schema = reference(name);
  else if (Array.isArray(existing.oneOf)) {
    const kept = (existing.oneOf as unknown[]).filter((schema) => !isCatchAll(schema));
    json.schema = kept.length === 0 ? reference(name) : { oneOf: [...kept, reference(name)] };
  } else if (isCatchAll(existing)) json.schema = reference(name);
  else json.schema = { oneOf: [existing, reference(name)] };
};

/**
 * Removes oRPC's catch-all branch from a response: a route's undeclared errors are exactly the
 * HTTP layer's (above), and a catch-all with `code: string` would keep clients from narrowing
 * an error's `data` by its code.
 */
const dropCatchAll = (response: OpenApiResponse): void => {
  const json = response.content?.["application/json"];
  const oneOf = json?.schema?.oneOf;
  if (json === undefined || !Array.isArray(oneOf)) return;
  const kept = (oneOf as unknown[]).filter((schema) => !isCatchAll(schema));
  json.schema = kept.length === 1 ? (kept[0] as Record<string, unknown>) : { oneOf: kept };
};

/** The codes a response can carry, from the `code` constants of its alternatives. */
const codesOf = (response: OpenApiResponse, schemas: Record<string, unknown>): string[] => {
  const schema = response.content?.["application/json"]?.schema;
  const alternatives = (Array.isArray(schema?.oneOf) ? schema.oneOf : [schema]) as (
    Record<string, unknown> | undefined
  )[];
  const codes = alternatives.map((alternative) => {
    const ref = alternative?.$ref;
    const resolved =
      typeof ref === "string"
        ? (schemas[ref.replace("#/components/schemas/", "")] as Record<string, unknown>)
        : alternative;
    const code = (resolved?.properties as { code?: { const?: unknown } } | undefined)?.code?.const;
    return typeof code === "string" ? code : undefined;
  });
  return [...new Set(codes.filter((code): code is string => code !== undefined))];
};

export const addHttpLayerResponses = (
  method: string,
  operation: OpenApiOperation,
  components: { schemas?: Record<string, Record<string, unknown>> },
): void => {
  const schemas = (components.schemas ??= {});
  Object.assign(schemas, httpLayerErrorSchemas);
  const responses = operation.responses;
  if (responses === undefined) return;
  addAlternative(responses, "400", "BadRequestError");
  if (METHODS_WITH_BODY.has(method)) {
    addAlternative(responses, "413", "BodyTooLargeError");
    addAlternative(responses, "415", "UnsupportedMediaTypeError");
  }
  addAlternative(responses, "500", "InternalError");
  for (const [status, response] of Object.entries(responses)) {
    if (!/^[45]\d\d$/.test(status)) continue;
    dropCatchAll(response);
    const codes = codesOf(response, schemas);
    response.description = `Error ${status}: ${codes.join(", ") || "see code"}`;
    if (status === "429") response.headers = { ...response.headers, "Retry-After": retryAfter };
  }
};
