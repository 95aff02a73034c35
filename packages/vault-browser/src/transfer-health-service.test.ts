/**
 * The browser vault's import, export and health calls, run in Node on the same platform-free
 * service the owning worker serves (Node's storage and SQLite instead of OPFS): a preview writes
 * nothing, an import commits every item, a refused file changes nothing, exports read back, and the
 * health report finds, caches, dismisses and brings back.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { unwrap } from "@keypears/base";
import { parseImport } from "@keypears/transfer";
import { fixture, KDBX_FIXTURE_PASSWORD } from "@keypears/transfer/testing";
import { nodeAccountStorage } from "@keypears/vault";
import { CHEAP_KDF, cheapDeps, createTestHome } from "@keypears/vault/testing";
import { createVaultService } from "./vault-service.ts";

const PASSWORD = "correct horse battery staple";

test("import previews, commits, refuses; export reads back; health finds, dismisses and brings back", async () => {
  const home = createTestHome();
  const service = createVaultService(nodeAccountStorage(home.path), cheapDeps());
  const { api } = service;
  try {
    const address = unwrap(
      await api.createAccount({ address: "alice@localhost", password: PASSWORD, kdf: CHEAP_KDF }),
    ).address;
    unwrap(await api.unlock(address, PASSWORD));

    const preview = unwrap(
      await api.importFile(address, {
        bytes: fixture("chrome.csv"),
        duplicates: "skip",
        dryRun: true,
      }),
    );
    assert.equal(preview.format, "chrome-csv");
    assert.equal(preview.items, 3);
    assert.equal(preview.outcome, undefined);
    assert.deepEqual(api.list(address), [], "a preview writes nothing");

    const imported = unwrap(
      await api.importFile(address, {
        bytes: fixture("chrome.csv"),
        duplicates: "skip",
        dryRun: false,
      }),
    );
    assert.deepEqual(imported.outcome, { added: 3, merged: 0, skipped: 0 });
    const titles = api
      .list(address)
      .map((item) => item.title)
      .sort();
    assert.equal(titles.length, 3);

    // An encrypted file without its password, with a wrong one, and a broken file: nothing changes.
    const kdbx = fixture("keepass.kdbx");
    const noPassword = await api.importFile(address, {
      bytes: kdbx,
      duplicates: "skip",
      dryRun: false,
    });
    assert.equal(noPassword.ok ? undefined : noPassword.error.kind, "password-required");
    const wrong = await api.importFile(address, {
      bytes: kdbx,
      password: "wrong",
      duplicates: "skip",
      dryRun: false,
    });
    assert.equal(wrong.ok ? undefined : wrong.error.kind, "wrong-password");
    const broken = await api.importFile(address, {
      bytes: fixture("bitwarden.json").subarray(0, 500),
      duplicates: "skip",
      dryRun: false,
    });
    assert.ok(!broken.ok && broken.error.kind === "malformed");
    assert.match(broken.error.message, /nothing was imported/);
    assert.equal(api.list(address).length, 3);
    unwrap(
      await api.importFile(address, {
        bytes: kdbx,
        password: KDBX_FIXTURE_PASSWORD,
        duplicates: "skip",
        dryRun: false,
      }),
    );
    const all = api.list(address).length;
    assert.ok(all > 3);

    const missing = await api.exportFile(address, { format: "keypears" });
    assert.equal(missing.ok ? undefined : missing.error.kind, "password-required");
    const encrypted = unwrap(await api.exportFile(address, { format: "keypears", password: "p" }));
    assert.equal(encrypted.encrypted, true);
    const back = unwrap(await parseImport(encrypted.bytes, { password: "p" }));
    assert.equal(back.items.length, encrypted.items);
    const csv = unwrap(await api.exportFile(address, { format: "csv" }));
    assert.equal(csv.encrypted, false);
    assert.equal(unwrap(await parseImport(csv.bytes)).items.length, encrypted.items);
    assert.ok(encrypted.items >= all);

    // Health: the imported fixtures hold weak passwords; nothing shows a password unless asked.
    const report = await api.healthReport(address, {});
    assert.equal(report.exposedCheck.state, "off");
    const weak = report.findings.find((f) => f.kind === "weak");
    assert.ok(weak !== undefined, "a weak password is found");
    assert.ok(report.findings.every((f) => f.password === undefined));
    const revealed = await api.healthReport(address, { revealPasswords: true });
    assert.ok(revealed.findings.some((f) => typeof f.password === "string"));

    unwrap(await api.setFindingDismissed(address, weak.itemId, weak.dismissKey, true));
    const dismissed = await api.healthReport(address, {});
    assert.ok(dismissed.dismissed.some((f) => f.dismissKey === weak.dismissKey));
    assert.ok(!dismissed.findings.some((f) => f.dismissKey === weak.dismissKey));
    unwrap(await api.setFindingDismissed(address, weak.itemId, weak.dismissKey, false));
    const back2 = await api.healthReport(address, {});
    assert.ok(back2.findings.some((f) => f.dismissKey === weak.dismissKey));

    // Two reports at once both answer, the same.
    const [a, b] = await Promise.all([
      api.healthReport(address, {}),
      api.healthReport(address, {}),
    ]);
    assert.deepEqual(
      a.findings.map((f) => f.dismissKey),
      b.findings.map((f) => f.dismissKey),
    );
  } finally {
    service.close();
    home.remove();
  }
});
