/**
 * The HTTP front of the server: discovery, the OpenAPI document, and the API (bodies read and
 * limited here, then routed by oRPC). Each request gets an id, security headers, and one log
 * line with method, route template, status and duration: never headers, bodies or tokens.
 */

import {
  API_PREFIX,
  apiErrors,
  EVENT_FRAMES_MEDIA_TYPE,
  OPENAPI_PATH,
  PROTOCOL_HEADER,
  type ServerDescription,
  WELL_KNOWN_PATH,
} from "@keypears/api";
import type { OpenAPIHandler } from "@orpc/openapi/node";
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CheckedSession } from "../accounts/sessions.ts";
import type { AppServices, RequestContext } from "./context.ts";
import { sessionOf } from "./implementer.ts";
import type { SizeLimits } from "../limits/limits.ts";
import { answerPreflight, setCorsHeaders } from "./cors.ts";
import { checkProtocolHeader } from "./protocol-version.ts";
import { hasMediaType, readFileBody, readJsonBody } from "./read-body.ts";
import type { StaticFiles } from "./static-files.ts";
import { EXPOSED_RANGE_PATH, type ExposedRangeRelay } from "./exposed-range.ts";

export interface RequestListenerOptions {
  readonly app: AppServices;
  readonly handler: OpenAPIHandler<RequestContext>;
  readonly description: ServerDescription;
  readonly openapiDocument: () => Promise<unknown>;
  /**
   * How many proxies of yours stand in front of the server (0: none). The client address is the
   * X-Forwarded-For entry that many from the right: the one your outermost proxy added. Entries
   * further left are whatever the client sent.
   */
  readonly trustProxy: number;
  /** Tracks each request's work and response, so shutdown can wait for them. */
  readonly track: (work: Promise<void>, response: ServerResponse) => void;
  /** The web app's files, served at `/` (outside the API), when the server has them. */
  readonly staticFiles?: StaticFiles;
  /** `GET /api/v1/relay/exposed-range/{prefix}`: the range API, fetched by this server. */
  readonly exposedRange?: ExposedRangeRelay;
}

const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The path with ids replaced, so a log line says which route, not which vault or device. */
export const routeTemplate = (path: string): string =>
  path
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "{id}")
    .replace(/\/[0-9a-f]{16}(?=\/|$)/gi, "/{id}")
    // A password hash's prefix never reaches the log.
    .replace(new RegExp(`${EXPOSED_RANGE_PATH}.*$`), `${EXPOSED_RANGE_PATH}{prefix}`)
    .slice(0, 100);

const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
};

const sendError = (
  res: ServerResponse,
  failure: { status: number; code: string; message: string; data?: unknown },
): void => sendJson(res, failure.status, { defined: false, ...failure });

export const createRequestListener = (options: RequestListenerOptions) => {
  const { app, handler, description } = options;

  const clientIp = (req: IncomingMessage): string =>
    forwardedClient(req.headers["x-forwarded-for"], options.trustProxy) ??
    req.socket.remoteAddress ??
    "unknown";

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    noteVault: (id: string) => void,
  ) => {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://server.invalid");
    } catch {
      sendError(res, {
        status: 400,
        code: "BAD_REQUEST",
        message: "The request URL is malformed.",
      });
      return;
    }
    const path = url.pathname;
    if (answerPreflight(req, res)) return;
    if (req.method === "GET" && path === WELL_KNOWN_PATH) {
      sendJson(res, 200, description);
      return;
    }
    if (req.method === "GET" && path === OPENAPI_PATH) {
      sendJson(res, 200, await options.openapiDocument());
      return;
    }
    if (path !== API_PREFIX && !path.startsWith(`${API_PREFIX}/`)) {
      if (await options.staticFiles?.(req.method ?? "", path, res)) return;
      sendError(res, { status: 404, code: "NOT_FOUND", message: "No such route." });
      return;
    }
    if (
      options.exposedRange !== undefined &&
      path.startsWith(`${API_PREFIX}${EXPOSED_RANGE_PATH}`)
    ) {
      const failure = await options.exposedRange(req, res, url, clientIp(req));
      if (failure !== undefined) sendError(res, failure);
      return;
    }
    const mismatch = checkProtocolHeader(req.headers[PROTOCOL_HEADER]);
    if (mismatch !== undefined) {
      sendError(res, mismatch);
      return;
    }
    let session: CheckedSession | undefined;
    if (METHODS_WITH_BODY.has(req.method ?? "") && !isPublicRoute(req.method ?? "", path)) {
      // Authenticate first: no one without a session makes the server read a body.
      session = await sessionOf(app, req.headers.authorization);
      if (session === undefined) {
        res.setHeader("connection", "close");
        sendError(res, {
          status: 401,
          code: "UNAUTHORIZED",
          message: apiErrors.UNAUTHORIZED.message,
        });
        return;
      }
    }
    if (METHODS_WITH_BODY.has(req.method ?? "")) {
      const limit = requestLimit(req.method ?? "", path, app.limits);
      const body = hasMediaType(req, EVENT_FRAMES_MEDIA_TYPE)
        ? await readFileBody(req, limit, EVENT_FRAMES_MEDIA_TYPE)
        : await readJsonBody(req, limit);
      if (!body.ok) {
        // The rest of an oversized body is not read: the connection closes after the answer.
        if (body.error.status === 413) res.setHeader("connection", "close");
        sendError(res, body.error);
        return;
      }
      Object.assign(req, { body: body.value ?? {} });
    }
    const context: RequestContext = {
      app,
      request: {
        requestId,
        clientIp: clientIp(req),
        authorization: req.headers.authorization,
        ...(session === undefined ? {} : { session }),
        noteVault,
      },
    };
    const { matched } = await handler.handle(req, res, { prefix: API_PREFIX, context });
    if (!matched) sendError(res, { status: 404, code: "NOT_FOUND", message: "No such route." });
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const requestId = randomBytes(8).toString("hex");
    let vaultId: string | undefined;
    res.setHeader("x-request-id", requestId);
    res.setHeader("cache-control", "no-store");
    res.setHeader("x-content-type-options", "nosniff");
    setCorsHeaders(res);
    if (app.shutdownSignal.aborted) res.setHeader("connection", "close");
    res.on("close", () => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      app.logger.info("request", {
        requestId,
        method: req.method ?? "?",
        route: routeTemplate(path),
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
        ...(vaultId === undefined ? {} : { vaultId }),
      });
    });
    const work = handle(req, res, requestId, (id) => {
      vaultId = id;
    }).catch((error: unknown) => {
      app.logger.error("request failed", { requestId, error: describeError(error) });
      sendError(res, {
        status: 500,
        code: "INTERNAL_SERVER_ERROR",
        message: "Internal server error.",
      });
    });
    options.track(work, res);
  };
};

/** Class, code and message of an error, for logs: never a stack with values in it. */
export const describeError = (error: unknown): string => {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === "string" ? ` ${code}` : ""}: ${error.message}`;
};

/** The routes anyone may call with a body (registration, pre-login, sign-in). */
const isPublicRoute = (method: string, path: string): boolean =>
  method === "POST" &&
  [
    `${API_PREFIX}/accounts`,
    `${API_PREFIX}/accounts/prelogin`,
    `${API_PREFIX}/sessions`,
    // Server to server (sharing): the sender's server has no session here; the share is verified
    // by fetching it back from the server of the sender's domain.
    `${API_PREFIX}/federation/shares`,
  ].includes(path.replace(/\/+$/, ""));

/**
 * The client address from X-Forwarded-For behind `hops` proxies of yours: each proxy appends the
 * address it received from, so the entry `hops` from the right is the one the outermost trusted
 * proxy saw. With fewer entries, the left-most (every entry came from a trusted proxy).
 */
export const forwardedClient = (
  header: string | string[] | undefined,
  hops: number,
): string | undefined => {
  if (hops <= 0 || header === undefined) return undefined;
  const entries = (Array.isArray(header) ? header.join(",") : header)
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) return undefined;
  return entries[Math.max(0, entries.length - hops)];
};

/**
 * Snapshot uploads may be as large as a snapshot (as JSON, base64url and the JSON around it; as
 * frames, the frame's few header bytes); every other request is held to `maxRequestBytes`.
 */
const requestLimit = (method: string, path: string, limits: SizeLimits): number =>
  method !== "POST"
    ? limits.maxRequestBytes
    : /\/vaults\/[^/]+\/snapshots$/.test(path)
      ? Math.max(limits.maxRequestBytes, Math.ceil((limits.maxSnapshotBytes * 4) / 3) + 64 * 1024)
      : /\/vaults\/[^/]+\/snapshots\/frames$/.test(path)
        ? Math.max(limits.maxRequestBytes, limits.maxSnapshotBytes + 1024)
        : limits.maxRequestBytes;
