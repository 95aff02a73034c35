/**
 * A typed client for a KeyPears server over its OpenAPI routes (fetch, SSE for the head stream).
 * Every call returns the route's output or throws an `ORPCError` whose `code` is one of the
 * route's typed errors (see `errors.ts`).
 */

import { createORPCClient } from "@orpc/client";
import type { ContractRouterClient } from "@orpc/contract";
import { OpenAPILink } from "@orpc/openapi-client/fetch";
import { keypearsContract } from "./contract.ts";

export type KeypearsClient = ContractRouterClient<typeof keypearsContract>;

export interface KeypearsClientOptions {
  /** The session token, or a function read before each call (so a client can sign in later). */
  readonly token?: string | (() => string | undefined);
  /** Replaces the global `fetch` (tests, proxies). */
  readonly fetch?: typeof fetch;
}

/** `apiUrl` is the API's base URL, e.g. `https://example.com/api/v1` (see `serverDescriptionSchema`). */
export const createKeypearsClient = (
  apiUrl: string,
  options: KeypearsClientOptions = {},
): KeypearsClient => {
  const { token, fetch: customFetch } = options;
  const link = new OpenAPILink(keypearsContract, {
    url: apiUrl.replace(/\/+$/, ""),
    headers: () => {
      const value = typeof token === "function" ? token() : token;
      return value === undefined ? {} : { authorization: `Bearer ${value}` };
    },
    ...(customFetch === undefined
      ? {}
      : { fetch: (request: Request, init: RequestInit) => customFetch(request, init) }),
  });
  return createORPCClient(link);
};
