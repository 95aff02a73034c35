/**
 * Serves the web app's built files (a folder, e.g. `apps/web/dist`) at `/`: hashed assets with a
 * long cache, every other file revalidated, a strict Content-Security-Policy and security headers.
 * It only reads files under the folder; it knows nothing of vaults or secrets.
 */

import { readFile, stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  // The app talks only to its own server. Sharing reads other domains' key logs through this
  // server's relay (`GET /relay/accounts/{address}/keys`), verified against the pin in the
  // worker. The health screen's exposed-password check (off until turned on) needs a range API
  // mirror on this origin.
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/** Answers GET and HEAD for a file of `root`; false when there is none (the caller answers 404). */
export type StaticFiles = (method: string, path: string, res: ServerResponse) => Promise<boolean>;

export const createStaticFiles = (root: string): StaticFiles => {
  const base = normalize(root).replace(/[\\/]+$/, "");
  return async (method, path, res) => {
    if (method !== "GET" && method !== "HEAD") return false;
    let relative: string;
    try {
      relative = decodeURIComponent(path === "/" ? "/index.html" : path);
    } catch {
      return false;
    }
    if (relative.includes("\0")) return false;
    const file = normalize(join(base, relative));
    if (!file.startsWith(base + sep)) return false;
    const info = await stat(file).catch(() => undefined);
    if (info === undefined || !info.isFile()) return false;
    const body = await readFile(file);
    res.statusCode = 200;
    res.setHeader("content-type", TYPES[extname(file)] ?? "application/octet-stream");
    res.setHeader("content-length", body.length);
    // Vite names what it builds under assets/ by content hash: such a file never changes.
    res.setHeader(
      "cache-control",
      relative.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    );
    res.setHeader("content-security-policy", CONTENT_SECURITY_POLICY);
    res.setHeader("referrer-policy", "no-referrer");
    res.setHeader("x-frame-options", "DENY");
    res.setHeader("cross-origin-opener-policy", "same-origin");
    res.setHeader("cross-origin-resource-policy", "same-origin");
    res.setHeader("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()");
    res.end(method === "HEAD" ? undefined : body);
    return true;
  };
};
