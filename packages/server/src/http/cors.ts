/**
 * Cross-origin access to the API. Authentication is a bearer token in the `Authorization` header,
 * never a cookie, so a browser attaches no credential on its own to a cross-site request: a page
 * on another origin can only use a token it already holds. Allowing every origin is therefore safe
 * and lets third-party web clients and API explorers call any KeyPears server (SECURITY.md).
 * Credentials mode is never allowed (`Access-Control-Allow-Credentials` is not sent).
 */

import type { IncomingMessage, ServerResponse } from "node:http";

const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID, KeyPears-Protocol";
/** Headers a cross-origin script may read from a response. */
const EXPOSED_HEADERS = "Retry-After, X-Request-Id";
/** How long a browser may cache a preflight answer (seconds). */
const PREFLIGHT_MAX_AGE = 86_400;

/** Sets the CORS headers every response of the server carries. */
export const setCorsHeaders = (res: ServerResponse): void => {
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("access-control-expose-headers", EXPOSED_HEADERS);
};

/** Answers a preflight (`OPTIONS` with `Access-Control-Request-Method`); false for other requests. */
export const answerPreflight = (req: IncomingMessage, res: ServerResponse): boolean => {
  if (req.method !== "OPTIONS") return false;
  res.statusCode = 204;
  res.setHeader("access-control-allow-methods", ALLOWED_METHODS);
  res.setHeader("access-control-allow-headers", ALLOWED_HEADERS);
  res.setHeader("access-control-max-age", String(PREFLIGHT_MAX_AGE));
  res.setHeader("allow", ALLOWED_METHODS);
  res.end();
  return true;
};
