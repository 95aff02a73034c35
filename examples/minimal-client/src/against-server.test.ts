/**
 * This client against a real `keypears serve` (a process of its own, on its embedded database):
 * register, push events, pull and verify the chain, and see a retried push answered as duplicates.
 * Set KEYPEARS_SERVER_URL and KEYPEARS_DOMAIN to run it against a server you started.
 */

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, it } from "node:test";
import { toHex } from "./bytes.ts";
import { GENESIS } from "./chain.ts";
import { newUuid, pullAndVerify, pushEvents, registerAccount } from "./client.ts";
import type { Event } from "./event.ts";
import { call } from "./api.ts";

const domain = process.env.KEYPEARS_DOMAIN ?? "example.test";
let serverUrl = process.env.KEYPEARS_SERVER_URL ?? "";
let server: ChildProcess | undefined;
const dataDir = mkdtempSync(join(tmpdir(), "keypears-minimal-client-"));

/** Starts `keypears serve --port 0` and resolves to the URL its "listening" log line gives. */
const startServe = (): Promise<string> => {
  const bin = fileURLToPath(new URL("../../../apps/cli/bin/keypears.js", import.meta.url));
  const child = spawn(
    process.execPath,
    [bin, "serve", "--port", "0", "--domain", domain, "--data-dir", join(dataDir, "server")],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  server = child;
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(
      () => reject(new Error(`keypears serve did not start: ${log}`)),
      120_000,
    );
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      log += chunk;
      const line = log.split("\n").find((l) => l.includes('"msg":"listening"'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`keypears serve exited ${code}: ${log}`));
    });
  });
};

before(async () => {
  if (serverUrl === "") serverUrl = await startServe();
});
after(async () => {
  const child = server;
  if (child !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const itemId = newUuid(7);
const event = (
  account: { vaultId: string; deviceId: string },
  fields: Record<string, string>,
  basedOn: string[] = [],
): Event => ({
  id: newUuid(7),
  vaultId: account.vaultId,
  itemId,
  hlc: { millis: Date.now(), counter: 0, node: account.deviceId },
  checkpoint: null,
  op: {
    kind: "set",
    lifecycleSeen: [],
    fields: Object.entries(fields).map(([name, value]) => ({ name, value, basedOn })),
  },
});

it(
  "registers, pushes an event, and verifies the chain the server serves",
  { timeout: 300_000 },
  async () => {
    const address = `minimal-${newUuid(4).slice(0, 8)}@${domain}`;
    const account = await registerAccount(serverUrl, address, "correct horse battery staple");

    const first = await pushEvents(account, [
      event(account, { type: "login", title: "Bank", password: "s3cret" }),
    ]);
    assert.equal(first[0]?.position, 1);
    const pulled = await pullAndVerify(account, GENESIS, first);
    assert.equal(pulled.verified.position, 1);

    // Two more, one based on the first; then a retry of the same envelopes changes nothing.
    const more = await pushEvents(account, [
      event(account, { password: "n3w" }, [first[0]?.id ?? ""]),
      event(account, { notes: "from the minimal client" }),
    ]);
    assert.deepEqual(
      more.map((p) => p.position),
      [2, 3],
    );
    const verified = await pullAndVerify(account, pulled.verified, more);
    assert.equal(verified.verified.position, 3);
    const retry = await call<{
      events: { duplicate: boolean; position: number }[];
      head: { position: number };
    }>(account.apiUrl, "POST", `/vaults/${account.vaultId}/events`, {
      token: account.token,
      body: {
        events: more.map((p) => ({
          id: p.id,
          payload: Buffer.from(p.payload).toString("base64url"),
        })),
      },
    });
    assert.deepEqual(
      retry.events.map((e) => [e.duplicate, e.position]),
      [
        [true, 2],
        [true, 3],
      ],
    );
    assert.equal(retry.head.position, 3);

    // From scratch, the whole log verifies to the same head the server reports.
    const again = await pullAndVerify(account, GENESIS, [...first, ...more]);
    const head = await call<{ position: number; hash: string }>(
      account.apiUrl,
      "GET",
      `/vaults/${account.vaultId}/head`,
      {
        token: account.token,
      },
    );
    assert.equal(head.position, 3);
    assert.equal(Buffer.from(head.hash, "base64url").toString("hex"), toHex(again.verified.hash));
  },
);
