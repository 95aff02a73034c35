import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startTestServer, type TestServer } from "../testing/test-server.ts";

let top: string;
let server: TestServer;

before(async () => {
  top = mkdtempSync(join(tmpdir(), "keypears-static-"));
  const root = join(top, "web");
  mkdirSync(join(root, "assets"), { recursive: true });
  writeFileSync(join(root, "index.html"), "<!doctype html><title>app</title>");
  writeFileSync(join(root, "assets", "app-abc123.js"), "export {};");
  writeFileSync(join(top, "secret.txt"), "outside the web root");
  server = await startTestServer({ webRoot: root });
});
after(async () => {
  await server?.close();
  rmSync(top, { recursive: true, force: true });
});

/** A raw request, so the path reaches the server exactly as written (fetch would normalize it). */
const raw = (method: string, path: string) =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((done, fail) => {
    const url = new URL(server.server.url);
    const req = request({ host: url.hostname, port: url.port, method, path }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", fail);
    req.end();
  });

test("serves index.html at / (not cached) and hashed assets (cached for a year), with the CSP", async () => {
  const index = await raw("GET", "/");
  assert.equal(index.status, 200);
  assert.equal(index.body, "<!doctype html><title>app</title>");
  assert.equal(index.headers["cache-control"], "no-cache");
  // Exactly 'self': the app reaches other servers only through this one (the key-log relay).
  assert.match(String(index.headers["content-security-policy"]), /(^|; )connect-src 'self'(;|$)/);
  const asset = await raw("GET", "/assets/app-abc123.js");
  assert.equal(asset.headers["cache-control"], "public, max-age=31536000, immutable");
  assert.match(String(asset.headers["content-type"]), /^text\/javascript/);
  const head = await raw("HEAD", "/assets/app-abc123.js");
  assert.equal(head.status, 200);
  assert.equal(head.body, "");
});

test("never leaves the web root, answers only GET and HEAD, and leaves the API alone", async () => {
  for (const path of [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
  ]) {
    const response = await raw("GET", path);
    assert.equal(response.status, 404, path);
    assert.doesNotMatch(response.body, /outside the web root/);
  }
  assert.equal((await raw("GET", "/%E0%A4%A")).status, 404);
  assert.equal((await raw("GET", "/assets")).status, 404, "a folder is not a file");
  assert.equal((await raw("POST", "/index.html")).status, 404);
  assert.equal((await raw("GET", "/api/v1/nothing")).status, 404);
  const discovery = await raw("GET", "/.well-known/keypears.json");
  assert.equal(discovery.status, 200);
  assert.match(discovery.body, /"protocol":"keypears"/);
});
