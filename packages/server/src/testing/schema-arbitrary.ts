/**
 * fast-check arbitraries from the JSON Schemas of the contract's own input schemas (zod's
 * `toJSONSchema`), for the route fuzzer: valid-shaped values most of the time, so requests reach
 * the handlers, with strings, sizes and numbers drawn across their whole declared ranges.
 */

import { bytesToBase64Url } from "@keypears/base";
import fc, { type Arbitrary } from "fast-check";

export interface JsonSchema {
  readonly type?: string;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxItems?: number;
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly anyOf?: readonly JsonSchema[];
}

const BASE64URL = "^[A-Za-z0-9_-]*$";
/** Large values are drawn up to this size, so a run stays fast; limits are tested elsewhere. */
const MAX_BYTES = 2048;

const base64Url = (schema: JsonSchema): Arbitrary<string> => {
  const minBytes = Math.floor(((schema.minLength ?? 0) * 3) / 4);
  const maxBytes = Math.min(MAX_BYTES, Math.floor(((schema.maxLength ?? MAX_BYTES * 2) * 3) / 4));
  return fc
    .uint8Array({ minLength: minBytes, maxLength: Math.max(minBytes, maxBytes) })
    .map((bytes) => bytesToBase64Url(bytes));
};

const string = (schema: JsonSchema): Arbitrary<string> => {
  if (schema.pattern === BASE64URL) return base64Url(schema);
  if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern, "u"));
  return fc.string({
    minLength: schema.minLength ?? 0,
    maxLength: Math.min(schema.maxLength ?? 64, 64),
  });
};

export const arbitraryFromSchema = (schema: JsonSchema): Arbitrary<unknown> => {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  if (schema.anyOf !== undefined) return fc.oneof(...schema.anyOf.map(arbitraryFromSchema));
  switch (schema.type) {
    case "object": {
      const properties = schema.properties ?? {};
      const record: Record<string, Arbitrary<unknown>> = {};
      for (const [key, value] of Object.entries(properties))
        record[key] = arbitraryFromSchema(value);
      return fc.record(record, { requiredKeys: [...(schema.required ?? [])] });
    }
    case "array":
      return fc.array(arbitraryFromSchema(schema.items ?? {}), {
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case "string":
      return string(schema);
    case "integer":
      return fc.integer({
        min: Math.max(schema.minimum ?? -(2 ** 31), Number.MIN_SAFE_INTEGER),
        max: Math.min(schema.maximum ?? 2 ** 31, Number.MAX_SAFE_INTEGER),
      });
    case "number":
      return fc.double({ noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
};
