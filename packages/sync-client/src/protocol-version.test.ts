import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { API_PREFIX, PROTOCOL_HEADER, PROTOCOL_VERSION, WELL_KNOWN_PATH } from "@keypears/api";
import { describeSyncError } from "./sync-error.ts";
import { discoverServer } from "./server-client.ts";
import { DOMAIN, startSyncServer } from "./testing/harness.ts";

const server = await startSyncServer();
after(() => server.close());

test("a client and a server of the same protocol version find each other", async () => {
  const found = await discoverServer(DOMAIN, server.url);
  assert.ok(found.ok, found.ok ? "" : describeSyncError(found.error));
  assert.equal(PROTOCOL_VERSION, 3);
});

test("a client of this version facing an older server says to upgrade the server", async () => {
  const oldServer = createServer((req, res) => {
    if (req.url !== WELL_KNOWN_PATH) return void res.writeHead(404).end();
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        protocol: "keypears",
        version: 1,
        domain: DOMAIN,
        api: "/api/v1",
        openapi: "/openapi.json",
        limits: { maxRequestBytes: 1, maxEventBytes: 1, maxEventsPerPush: 1, maxSnapshotBytes: 1 },
      }),
    );
  });
  await new Promise<void>((resolve) => oldServer.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = oldServer.address() as AddressInfo;
    const found = await discoverServer(DOMAIN, `http://127.0.0.1:${port}`);
    assert.equal(found.ok, false);
    const message = found.ok ? "" : describeSyncError(found.error);
    assert.match(message, /speaks KeyPears protocol version 1/);
    assert.match(message, /upgrade the KeyPears server/);
  } finally {
    await new Promise((resolve) => oldServer.close(resolve));
  }
});

test("the server tells a client of another version which side to upgrade, before any route runs", async () => {
  const ask = async (version: string) => {
    const response = await fetch(`${server.url}${API_PREFIX}/accounts/prelogin`, {
      method: "POST",
      headers: { "content-type": "application/json", [PROTOCOL_HEADER]: version },
      body: JSON.stringify({ address: `someone@${DOMAIN}` }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  for (const version of ["1", "2"]) {
    const older = await ask(version);
    assert.equal(older.status, 400);
    assert.equal(older.body["code"], "PROTOCOL_MISMATCH");
    assert.match(
      String(older.body["message"]),
      new RegExp(`client speaks KeyPears protocol version ${version}`),
    );
    assert.match(String(older.body["message"]), /upgrade this KeyPears app/);
  }
  const newer = await ask("4");
  assert.equal(newer.status, 400);
  assert.match(String(newer.body["message"]), /ask the server's operator to upgrade/);
  const garbage = await ask("two");
  assert.equal(garbage.status, 400);
  assert.equal(garbage.body["code"], "PROTOCOL_MISMATCH");
  const same = await ask(String(PROTOCOL_VERSION));
  assert.equal(same.status, 200);
});
