/**
 * A vault file written by protocol-version-1 code (schema 2, unsigned events) opens with this
 * code: its schema migrates to 3, every item and its history stay, and its first push carries this
 * device's enrolment ahead of its unsent changes, now signed (docs/PROTOCOL.md 16.3).
 */

import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import {
  parseBatchSignedItemPayload,
  parseSignedPayload,
  payloadVersion,
} from "@keypears/sync-core";
import { unlockVault } from "./node/node-accounts.ts";
import { SCHEMA_VERSION } from "./schema.ts";
import { cheapDeps, createTestHome, expectOk } from "./testing/test-home.ts";

const fixtures = join(import.meta.dirname, "testing", "fixtures");
const meta = JSON.parse(readFileSync(join(fixtures, "v1-fixture.json"), "utf8")) as {
  address: string;
  password: string;
};
const home = createTestHome();
after(() => home.remove());

test("a version-1 vault file migrates: items and history stay, unsent changes are re-signed behind the enrolment", async () => {
  mkdirSync(join(home.path, "vaults"), { recursive: true });
  copyFileSync(
    join(fixtures, "v1-laptop.vault"),
    join(home.path, "vaults", `${meta.address}.vault`),
  );
  const vault = expectOk(
    await unlockVault({
      home: home.path,
      address: meta.address,
      password: meta.password,
      deps: cheapDeps(),
    }),
  );
  try {
    const titles = vault
      .list()
      .map((item) => item.title)
      .sort();
    assert.deepEqual(titles, ["Bank", "Mail", "Offline", "Phone note", "Shop"]);
    assert.equal(
      expectOk(vault.get("Bank")).fields.find((f) => f.name === "password")?.value,
      "Bank-pw-2",
    );
    assert.deepEqual(
      expectOk(vault.history("Bank", "password")).fields[0]?.entries.map((e) => e.value),
      ["Bank-pw", "Bank-pw-2"],
    );
    const status = vault.sync.status();
    assert.deepEqual([status.pending, status.verified.position], [2, 4]);
    assert.deepEqual(vault.sync.roster(), [], "no roster before the first version-2 push");

    const pending = expectOk(vault.sync.pending(100));
    assert.equal(pending.length, 4, "the enrolment, a batch event and the two unsent changes");
    // The enrolment and the batch event are signed payloads; the changes, re-sealed as version 3,
    // name this device and are signed by the batch (docs/PROTOCOL.md 18.1).
    const parsed = pending.map((p) => {
      const signed =
        payloadVersion(p.payload) === 3
          ? parseBatchSignedItemPayload(p.payload)
          : parseSignedPayload(p.payload);
      if (!signed.ok) throw new Error(`not a signed payload: ${signed.error.detail}`);
      return signed.value;
    });
    assert.deepEqual(
      pending.map((p) => payloadVersion(p.payload)),
      [2, 2, 3, 3],
    );
    assert.deepEqual(
      parsed.slice(0, 2).map((p) => ("kind" in p ? p.kind : undefined)),
      ["roster", "batch"],
    );
    assert.ok(parsed.every((p) => p.signer === vault.deviceId));
    const roster = vault.sync.roster();
    assert.deepEqual(
      roster.map((e) => [e.deviceId, e.enrolledAt, e.via]),
      [[vault.deviceId, null, "self"]],
    );
    // Asking again queues nothing more.
    assert.equal(expectOk(vault.sync.pending(100)).length, 4);
  } finally {
    vault.lock();
  }
  const db = (await import("better-sqlite3")).default(
    join(home.path, "vaults", `${meta.address}.vault`),
    { readonly: true },
  );
  try {
    assert.equal(
      (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version,
      SCHEMA_VERSION,
    );
  } finally {
    db.close();
  }
});
