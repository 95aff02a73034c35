/**
 * Finding and talking to an account's server: discovery from the address's domain (or an explicit
 * URL) through `/.well-known/keypears.json`, and a typed API client whose failures become values.
 */

import { err, ok, type Result } from "@keypears/base";
import {
  createKeypearsClient,
  type KeypearsClient,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  protocolMismatchMessage,
  serverDescriptionSchema,
  WELL_KNOWN_PATH,
} from "@keypears/api";
import { ORPCError } from "@orpc/client";
import { withRetryOnReset } from "./retry-fetch.ts";
import type { SyncError } from "./sync-error.ts";

export interface ServerEndpoint {
  /** The server's base URL (where `/.well-known/keypears.json` is). */
  readonly url: string;
  /** The API base URL, as `createKeypearsClient` takes it. */
  readonly apiUrl: string;
  readonly domain: string;
}

/**
 * Finds the server for `domain` (HTTPS at the domain itself) or at `explicitUrl`, and checks that
 * it serves that domain.
 */
export const discoverServer = async (
  domain: string,
  explicitUrl?: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Result<ServerEndpoint, SyncError>> => {
  const base = (explicitUrl ?? `${schemeFor(domain)}://${domain}`).replace(/\/+$/, "");
  let description: unknown;
  try {
    // Retried once on a reset like every API read: discovery often runs right after a long
    // Argon2id computation that kept the event loop from noticing the server close an idle
    // keep-alive socket (`keypears init` failed so under load).
    const response = await withRetryOnReset(fetchImpl)(`${base}${WELL_KNOWN_PATH}`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok)
      return err({
        kind: "rejected",
        detail: `${base}${WELL_KNOWN_PATH} answered ${response.status}`,
      });
    description = await response.json();
  } catch (error) {
    return err({ kind: "unreachable", detail: `${base}: ${errorMessage(error)}` });
  }
  const parsed = serverDescriptionSchema.safeParse(description);
  if (!parsed.success)
    return err({ kind: "rejected", detail: `${base} does not describe a KeyPears server` });
  const mismatch = protocolMismatchMessage("client", PROTOCOL_VERSION, parsed.data.version);
  if (mismatch !== undefined) return err({ kind: "rejected", detail: `${base}: ${mismatch}` });
  if (parsed.data.domain !== domain) {
    return err({ kind: "rejected", detail: `${base} serves ${parsed.data.domain}, not ${domain}` });
  }
  return ok({
    url: base,
    apiUrl: new URL(parsed.data.api, `${base}/`).toString().replace(/\/+$/, ""),
    domain,
  });
};

/** HTTPS everywhere except a server on this machine (`localhost:7420`), which a developer runs without TLS. */
const schemeFor = (domain: string): "http" | "https" => {
  const host = domain.replace(/:\d+$/, "");
  return host === "localhost" || host === "127.0.0.1" ? "http" : "https";
};

export const createServerClient = (
  apiUrl: string,
  token?: () => string | undefined,
  fetchImpl?: typeof fetch,
): KeypearsClient =>
  createKeypearsClient(apiUrl, {
    ...(token === undefined ? {} : { token }),
    fetch: withProtocolHeader(withRetryOnReset(fetchImpl ?? fetch)),
  });

/** Names this client's protocol version on every API call, so a server of another one can say which side to upgrade. */
const withProtocolHeader =
  (inner: typeof fetch): typeof fetch =>
  (input, init) => {
    if (input instanceof Request) {
      input.headers.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
      return inner(input, init);
    }
    const headers = new Headers(init?.headers);
    headers.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
    return inner(input, { ...init, headers });
  };

/** Runs an API call and turns its failure into a `SyncError` value. */
export const callServer = async <T>(
  call: () => Promise<T>,
): Promise<Result<T, SyncError & { code?: string }>> => {
  try {
    return ok(await call());
  } catch (error) {
    return err(syncErrorFromCall(error));
  }
};

export const syncErrorFromCall = (error: unknown): SyncError & { code?: string } => {
  if (error instanceof ORPCError) {
    const code = String(error.code);
    if (code === "UNAUTHORIZED" || code === "DEVICE_REVOKED") return { kind: "unauthorized", code };
    if (code === "PRUNED") return { kind: "pruned", code };
    // Too many requests: as transient as a server error, so the caller retries later.
    if (code === "TOO_MANY_REQUESTS")
      return { kind: "unreachable", detail: `the server is busy (429): ${error.message}`, code };
    // A quota is not transient: say which, so the user can free room or ask the operator.
    if (code === "QUOTA_EXCEEDED")
      return { kind: "rejected", detail: describeQuota(error.message), code };
    if (error.status >= 500)
      return { kind: "unreachable", detail: `server error ${error.status}`, code };
    return { kind: "rejected", detail: error.message, code };
  }
  return { kind: "unreachable", detail: errorMessage(error) };
};

const describeQuota = (message: string): string =>
  `this account is over its storage quota on the server, so nothing more is uploaded until room is made (your changes stay saved on this device): ${message}`;

const errorMessage = (error: unknown): string => {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
};
