/** The OpenAPI 3.1 document of the API, generated from the contract (served at `/openapi.json`). */

import { API_PREFIX, keypearsContract } from "@keypears/api";
import { OpenAPIGenerator } from "@orpc/openapi";
import { ZodToJsonSchemaConverter } from "@orpc/zod/zod4";

export const generateOpenApiDocument = async (publicUrl: string | undefined): Promise<unknown> =>
  new OpenAPIGenerator({ schemaConverters: [new ZodToJsonSchemaConverter()] }).generate(
    keypearsContract,
    {
      info: {
        title: "KeyPears server API",
        version: "1.0.0",
        description:
          "The open sync protocol of KeyPears: accounts, devices, and each vault's ordered, " +
          "hash-chained log of end-to-end encrypted events. The server never sees a plaintext.",
      },
      servers: [{ url: `${publicUrl?.replace(/\/+$/, "") ?? ""}${API_PREFIX}` }],
      components: {
        securitySchemes: {
          session: {
            type: "http",
            scheme: "bearer",
            description: "The session token from sign-in or registration",
          },
        },
      },
    },
  );
