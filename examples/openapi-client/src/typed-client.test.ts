/**
 * A third party's typed client: `openapi-typescript` generates types from the document a running
 * server serves at /openapi.json, and a small program using them with `openapi-fetch` type-checks
 * under the TypeScript version `openapi-typescript` supports (pinned in this folder), while a
 * program that misuses the API does not.
 */

import { startTestServer, type TestServer } from "@keypears/server/testing";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, it } from "node:test";
import openapiTS, { astToString } from "openapi-typescript";

const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
const openapiFetch = dirname(require.resolve("openapi-fetch/package.json"));
const dir = mkdtempSync(join(tmpdir(), "keypears-typed-client-"));

let test: TestServer;
before(async () => {
  test = await startTestServer();
});
after(async () => {
  await test.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A program a third party might write against the generated types. */
const program = `
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.ts";

type Checkpoint = components["schemas"]["Checkpoint"];

export const sync = async (baseUrl: string, token: string, vaultId: string): Promise<Checkpoint> => {
  const api = createClient<paths>({ baseUrl, headers: { authorization: "Bearer " + token } });
  const pushed = await api.POST("/vaults/{vaultId}/events", {
    params: { path: { vaultId } },
    body: { events: [{ id: "0190a5c8-7e00-7000-8000-000000000001", payload: "AQID" }] },
  });
  if (pushed.error !== undefined) throw new Error(pushed.error.code);
  const promised: number = pushed.data.events[0]?.position ?? 0;
  const page = await api.GET("/vaults/{vaultId}/events", {
    params: { path: { vaultId }, query: { after: 0, limit: 100 } },
  });
  if (page.error !== undefined) {
    if (page.error.code === "PRUNED") return page.error.data.snapshot ?? { position: 0, hash: "" };
    throw new Error(page.error.message);
  }
  const anchor: Checkpoint = page.data.anchor;
  const first = page.data.events.find((event) => event.position === promised);
  return first === undefined ? anchor : { position: first.position, hash: first.chainHash };
};

export const account = async (baseUrl: string, token: string): Promise<string> => {
  const api = createClient<paths>({ baseUrl, headers: { authorization: "Bearer " + token } });
  const { data, error } = await api.GET("/account");
  if (error !== undefined) throw new Error(error.code);
  const address: string = data.address;
  const limited = await api.POST("/sessions", {
    body: { address, authSecret: "x", device: { id: data.deviceId, name: "again" } },
  });
  if (limited.error?.code === "TOO_MANY_REQUESTS") return String(limited.error.data.retryAfterSeconds);
  return address;
};
`;

/** Misuse the generated types must catch: a missing required field and a wrong field type. */
const misuse = `
import createClient from "openapi-fetch";
import type { paths } from "./schema.ts";

const api = createClient<paths>({ baseUrl: "http://localhost" });
await api.POST("/vaults/{vaultId}/events", {
  params: { path: { vaultId: "v" } },
  body: { events: [{ id: "0190a5c8-7e00-7000-8000-000000000001" }] },
});
const head = await api.GET("/vaults/{vaultId}/head", { params: { path: { vaultId: "v" } } });
const position: string = head.data?.position ?? "";
export { position };
`;

const typeCheck = (file: string) =>
  spawnSync(
    process.execPath,
    [
      tsc,
      "--noEmit",
      "--strict",
      "--exactOptionalPropertyTypes",
      "--noUncheckedIndexedAccess",
      "--target",
      "es2022",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--allowImportingTsExtensions",
      "--skipLibCheck",
      file,
    ],
    { encoding: "utf8", cwd: dir, timeout: 120_000 },
  );

it(
  "generates a typed client from the served document, and a program using it type-checks",
  { timeout: 180_000 },
  async () => {
    const schema = astToString(await openapiTS(new URL(`${test.server.url}/openapi.json`)));
    assert.match(schema, /"\/vaults\/\{vaultId\}\/events"/);
    assert.match(schema, /Checkpoint: \{/);
    writeFileSync(join(dir, "schema.ts"), schema);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    // openapi-fetch is found where this folder's dependencies are installed.
    const nodeModules = join(dir, "node_modules");
    symlinkSync(dirname(openapiFetch), nodeModules);
    writeFileSync(join(dir, "program.ts"), program);
    writeFileSync(join(dir, "misuse.ts"), misuse);

    const good = typeCheck("program.ts");
    assert.equal(good.status, 0, `${good.stdout}${good.stderr}`);
    const bad = typeCheck("misuse.ts");
    assert.notEqual(bad.status, 0, "misuse must not type-check");
    assert.match(bad.stdout, /payload/, bad.stdout);
    assert.match(bad.stdout, /not assignable to type 'string'/, bad.stdout);
  },
);
