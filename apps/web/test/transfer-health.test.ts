/**
 * Import, export and password health in the web app, in Debian's Chromium, driven by role and
 * label against a real KeyPears server that serves the app built into a temporary folder: fixture
 * exports of several formats (CSV, Bitwarden JSON, a KeePass database with its password) previewed
 * and imported, duplicates skipped, broken and hostile files refused with the vault unchanged; the
 * three exports downloaded and read back; the health report, its filter in the list, dismissals and
 * the exposed check through the server's range relay, to a range source of the test's own. Each
 * screen is scanned by axe-core.
 */

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { AxeBuilder } from "@axe-core/playwright";
import { Zip, ZipDeflate } from "fflate";
import type { Page } from "playwright-core";
import { rangeKey } from "@keypears/health";
import { startTestServer, type TestServer } from "@keypears/server/testing";
import { parseImport } from "@keypears/transfer";
import { fixture, KDBX_FIXTURE_PASSWORD } from "@keypears/transfer/testing";
import { launchChromium } from "@keypears/vault-browser/testing";
import { WEB_ROOT } from "../vite.config.ts";

let outDir: string;
let fileDir: string;
let server: TestServer;
/** The range source the server relays the exposed check to (its operator's mirror), by prefix. */
const rangeFiles = new Map<string, string>();
const rangeAsked: string[] = [];
let rangeServer: Server;
const MASTER = "violet tractor sings in the rain";

/** Serious and critical axe-core findings on the page as it is. */
const inaccessible = async (page: Page, name: string): Promise<readonly string[]> => {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${name}: ${v.id} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
};

/** A file in a temporary folder, for the file picker. */
const fileOf = (name: string, bytes: Uint8Array | string): string => {
  const path = join(fileDir, name);
  writeFileSync(path, bytes);
  return path;
};

before(async () => {
  const { build } = await import("vite");
  outDir = mkdtempSync(join(tmpdir(), "keypears-web-"));
  fileDir = mkdtempSync(join(tmpdir(), "keypears-files-"));
  await build({
    configFile: join(WEB_ROOT, "vite.config.ts"),
    logLevel: "error",
    build: { outDir, emptyOutDir: true },
  });
  rangeServer = createServer((req, res) => {
    const prefix = (req.url ?? "").replace(/^\/range\//, "");
    rangeAsked.push(prefix);
    const body = rangeFiles.get(prefix);
    res.statusCode = body === undefined ? 404 : 200;
    res.end(body ?? "not found");
  });
  await new Promise<void>((resolve) => rangeServer.listen(0, "127.0.0.1", resolve));
  const rangeAddress = rangeServer.address();
  const rangePort =
    typeof rangeAddress === "object" && rangeAddress !== null ? rangeAddress.port : 0;
  server = await startTestServer({
    domain: "example.test",
    webRoot: outDir,
    exposedRange: { source: `http://127.0.0.1:${rangePort}/range/`, allowPrivate: true },
  });
});
after(async () => {
  await server?.close();
  rangeServer?.close();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(fileDir, { recursive: true, force: true });
});

const openApp = async (): Promise<{
  page: Page;
  problems: string[];
  close: () => Promise<void>;
}> => {
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (["http:", "https:"].includes(url.protocol) && url.origin !== server.server.url)
      problems.push(`foreign request: ${request.url()}`);
  });
  await page.goto(server.server.url);
  await page.getByRole("heading", { name: "Create an account" }).waitFor();
  await page.getByLabel("Only in this browser").check();
  await page.getByLabel("Name", { exact: true }).fill("alice");
  await page.getByLabel("Master password", { exact: true }).fill(MASTER);
  await page.getByLabel("Confirm master password").fill(MASTER);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Your recovery kit" }).waitFor({ timeout: 60_000 });
  await page.getByLabel("I have saved my recovery kit").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("heading", { name: "Unlock" }).waitFor();
  await page.getByLabel("Master password").fill(MASTER);
  await page.getByRole("button", { name: "Unlock" }).last().click();
  await page.getByRole("button", { name: "Lock", exact: true }).waitFor({ timeout: 60_000 });
  return {
    page,
    problems,
    close: async () => {
      await browser.close();
      browser.removeProfile();
    },
  };
};

/** A 1Password export whose export.data inflates to 160 MiB of spaces from under 1 MiB. */
const zipBomb = (): Uint8Array => {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((error, data) => {
    if (error) throw error;
    chunks.push(data);
  });
  const entry = new ZipDeflate("export.data", { level: 9 });
  zip.add(entry);
  const spaces = new Uint8Array(4 * 1024 * 1024).fill(0x20);
  for (let i = 0; i < 40; i++) entry.push(spaces, i === 39);
  zip.end();
  return Buffer.concat(chunks);
};

/** Opens a section of the vault from its navigation (Items, Import, Export, Password health). */
const openSection = async (page: Page, name: string): Promise<void> =>
  page
    .getByRole("navigation", { name: "Vault" })
    .getByRole("button", { name: new RegExp(`^${name}(,|$)`) })
    .click();

/** The list's count once loaded ("3 items", "1 item" or "No items."). */
const listCount = (page: Page) =>
  page
    .getByRole("region", { name: "Items" })
    .getByRole("status")
    .filter({ hasText: /^(\d+ items?|No items\.)$/ });

/**
 * The titles in the item list, sorted: the Items section opened, its list loaded and read, then
 * the section `back` opened again (it kept its state: an import's preview, an export's choices).
 */
const listedTitles = async (page: Page, back?: string): Promise<string[]> => {
  await openSection(page, "Items");
  await listCount(page).waitFor();
  const list = page.getByRole("region", { name: "Items" });
  const titles = (await list.getByText("No items.").isVisible())
    ? []
    : (await list.locator(".item-row .title").allTextContents())
        // A favourite's row starts with a star.
        .map((title) => title.replace(/^★ /, ""))
        .sort();
  if (back !== undefined) await openSection(page, back);
  return titles;
};

test("import: preview, duplicates, an encrypted KeePass file, hostile files refused; export in three formats", async () => {
  const { page, problems, close } = await openApp();
  const found: string[] = [];
  try {
    await openSection(page, "Import");
    const picker = page.getByLabel("Export file");
    await picker.waitFor();
    found.push(...(await inaccessible(page, "import")));

    // A Chrome CSV (BOM, quotes, a multi-line note, non-ASCII): detected, previewed, imported.
    await picker.setInputFiles(fileOf("chrome.csv", fixture("chrome.csv")));
    await page
      .getByRole("status")
      .filter({ hasText: "Chrome, Edge or Brave (CSV): 3 items" })
      .waitFor();
    found.push(...(await inaccessible(page, "import-preview")));
    assert.deepEqual(await listedTitles(page, "Import"), [], "a preview imports nothing");
    // The preview is still there after a look at the list.
    await page.getByRole("button", { name: "Import 3 items" }).click();
    await page.getByRole("status").filter({ hasText: "Imported 3 items" }).waitFor();
    await openSection(page, "Items");
    await page.getByRole("region", { name: "Items" }).getByText("Bank, Inc.").waitFor();
    const afterChrome = await listedTitles(page, "Import");
    assert.equal(afterChrome.length, 3);

    // The same file again: every item is a likely duplicate; skipping them adds nothing.
    await picker.setInputFiles(fileOf("chrome-again.csv", fixture("chrome.csv")));
    await page.getByRole("group", { name: "Likely duplicates (3)" }).waitFor();
    await page.getByLabel("Skip them").check();
    await page.getByRole("button", { name: "Import 3 items" }).click();
    await page.getByRole("status").filter({ hasText: "3 skipped as duplicates" }).waitFor();
    assert.deepEqual(await listedTitles(page, "Import"), afterChrome);

    // Hostile and broken files: a clear error, and the vault is unchanged.
    const refused = async (name: string, bytes: Uint8Array | string, message: RegExp) => {
      await picker.setInputFiles(fileOf(name, bytes));
      const alert = page.getByRole("alert").filter({ hasText: message });
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? "", /Nothing was imported|nothing was imported/);
      assert.deepEqual(
        await listedTitles(page, "Import"),
        afterChrome,
        `${name} changed the vault`,
      );
    };
    const bitwarden = fixture("bitwarden.json");
    await refused("cut.json", bitwarden.subarray(0, 900), /not a valid bitwarden-json file/);
    await refused(
      "notes.txt",
      "just some notes\nnothing else\n",
      /cannot tell which password manager/,
    );
    await refused(
      "wide.csv",
      `name,url,username,password\n${"x,".repeat(5000)}x\n`,
      /not a valid chrome-csv file/,
    );
    await refused("bomb.1pux", zipBomb(), /zip bomb/);
    found.push(...(await inaccessible(page, "import-error")));

    // A KeePass database asks for its password; a wrong one is refused; the right one imports.
    await picker.setInputFiles(fileOf("keepass.kdbx", fixture("keepass.kdbx")));
    const filePassword = page.getByLabel("File password");
    await filePassword.waitFor();
    found.push(...(await inaccessible(page, "import-password")));
    await filePassword.fill("not the password");
    await page.getByRole("button", { name: "Open the file" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: "Wrong password for this file" })
      .waitFor({ timeout: 60_000 });
    assert.deepEqual(await listedTitles(page, "Import"), afterChrome);
    await filePassword.fill(KDBX_FIXTURE_PASSWORD);
    await page.getByRole("button", { name: "Open the file" }).click();
    const kdbxPreview = page
      .getByRole("status")
      .filter({ hasText: /KeePass database \(\.kdbx\): \d+ items/ });
    await kdbxPreview.waitFor({ timeout: 60_000 });
    const kdbxCount = Number(/: (\d+) items/.exec((await kdbxPreview.textContent()) ?? "")?.[1]);
    await page.getByRole("button", { name: `Import ${kdbxCount} items` }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Imported ${kdbxCount} items` })
      .waitFor({ timeout: 60_000 });

    // A Bitwarden JSON export, with the format named in the list.
    await page.getByLabel("Format").selectOption("bitwarden-json");
    await picker.setInputFiles(fileOf("bitwarden.json", bitwarden));
    const bwPreview = page.getByRole("status").filter({ hasText: /Bitwarden \(JSON\): \d+ items/ });
    await bwPreview.waitFor({ timeout: 60_000 });
    const bwCount = Number(/: (\d+) items/.exec((await bwPreview.textContent()) ?? "")?.[1]);
    await page.getByRole("button", { name: `Import ${bwCount} items` }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /Imported \d+ items from Bitwarden/ })
      .waitFor();
    const titles = await listedTitles(page);
    assert.ok(titles.includes("Prod server") && titles.includes("Company Visa"), titles.join());
    assert.ok(titles.includes("GitHub"), "the KeePass entry is listed");

    // The imported login reads back with its fields in place.
    await page.getByRole("region", { name: "Items" }).getByText("Prod server").click();
    await page.getByRole("heading", { name: "Prod server" }).waitFor();

    // Export: the encrypted format asks for its own password and opens with it.
    await openSection(page, "Export");
    await page.getByRole("heading", { name: "Export" }).waitFor();
    found.push(...(await inaccessible(page, "export")));
    await page.getByLabel("Export password", { exact: true }).fill("export pass 12345");
    await page.getByLabel("Confirm export password").fill("export pass 12345");
    const encrypted = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export", exact: true }).last().click();
    const encryptedFile = readFileSync((await (await encrypted).path()) as string);
    assert.match((await encrypted).suggestedFilename(), /\.keypears$/);
    assert.doesNotMatch(encryptedFile.toString("utf8"), /Prod server/, "the export is encrypted");
    const reopened = await parseImport(new Uint8Array(encryptedFile), {
      password: "export pass 12345",
    });
    assert.ok(reopened.ok);
    assert.deepEqual(
      reopened.value.items
        .filter((item) => !item.trashed)
        .map((item) => String(item.fields["title"]))
        .sort(),
      titles,
      "the encrypted export holds every item",
    );
    const exported = reopened.value.items.length;
    assert.ok(exported > titles.length, "the trash is exported too");

    // Plaintext exports wait for the warning to be acknowledged.
    await page.getByLabel("Bitwarden JSON (unencrypted)").check();
    await page.getByText("This file is not encrypted.").waitFor();
    found.push(...(await inaccessible(page, "export-plaintext")));
    await page.getByRole("button", { name: "Export", exact: true }).last().click();
    await page.getByRole("alert").filter({ hasText: "unencrypted" }).waitFor();
    await page.getByLabel("I understand the file is unencrypted").check();
    const json = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export", exact: true }).last().click();
    const jsonFile = readFileSync((await (await json).path()) as string, "utf8");
    const bitwardenBack = await parseImport(new TextEncoder().encode(jsonFile));
    assert.ok(bitwardenBack.ok && bitwardenBack.value.format === "bitwarden-json");
    assert.equal(bitwardenBack.value.items.length, exported);
    await page.getByRole("status").filter({ hasText: "UNENCRYPTED" }).waitFor();

    await page.getByLabel("CSV, KeePassXC's columns (unencrypted)").check();
    await page.getByLabel("I understand the file is unencrypted").check();
    const csv = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export", exact: true }).last().click();
    const csvFile = readFileSync((await (await csv).path()) as string);
    const csvBack = await parseImport(new Uint8Array(csvFile));
    assert.ok(csvBack.ok && csvBack.value.format === "keepassxc-csv");
    assert.equal(csvBack.value.items.length, exported);

    // The encrypted export read back here: its password asked, every item found again (by id).
    await openSection(page, "Import");
    await page.getByLabel("Format").selectOption("");
    await page
      .getByLabel("Export file")
      .setInputFiles(fileOf("backup.keypears", new Uint8Array(encryptedFile)));
    await page.getByLabel("File password").fill("export pass 12345");
    await page.getByRole("button", { name: "Open the file" }).click();
    await page
      .getByRole("group", { name: `Likely duplicates (${exported})` })
      .waitFor({ timeout: 60_000 });
    await page
      .getByRole("status")
      .filter({ hasText: `KeyPears export: ${exported} items` })
      .waitFor();
    await page.getByLabel("Skip them").check();
    await page.getByRole("button", { name: `Import ${exported} items` }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `${exported} skipped as duplicates` })
      .waitFor({ timeout: 60_000 });
    assert.deepEqual(await listedTitles(page), titles);

    assert.deepEqual(found, [], "no serious or critical accessibility finding");
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test("password health: weak, reused, old-free, http: and missing 2FA found; filter, dismissal, passwords only when asked; exposed check off by default, then through the server's range relay", async () => {
  const { page, problems, close } = await openApp();
  const found: string[] = [];
  try {
    // Items with known problems, and one strong, unique, https login with TOTP.
    const csv = [
      "name,url,username,password",
      "Weak site,https://weak.example/,alice,password1",
      "Shared A,https://a.example/,alice,Tr0ub4dor&3-shared-horse",
      "Shared B,https://b.example/,alice,Tr0ub4dor&3-shared-horse",
      "Plain site,http://plain.example/,alice,k8#Lq2!vZ9@pW4$nR7xT",
      "",
    ].join("\n");
    await openSection(page, "Import");
    await page.getByLabel("Export file").setInputFiles(fileOf("health.csv", csv));
    await page.getByRole("button", { name: "Import 4 items" }).click();
    await page.getByRole("status").filter({ hasText: "Imported 4 items" }).waitFor();

    // The exposed check's range files, on the range source the server relays to (a
    // self-hoster's mirror). Every prefix asked for has a file (as on Have I Been Pwned); only
    // "password1" is in one.
    for (const password of ["Tr0ub4dor&3-shared-horse", "k8#Lq2!vZ9@pW4$nR7xT", "password1"]) {
      const { prefix, suffix } = rangeKey(password);
      const seen = password === "password1" ? 2427 : 0;
      rangeFiles.set(prefix, `${suffix}:${seen}\r\n${"0".repeat(35)}:0\r\n`);
    }

    // The vault's home counts what needs attention (hints aside).
    await page
      .getByRole("button", { name: /^Password health, \d+ need attention$/ })
      .waitFor({ timeout: 60_000 });
    await openSection(page, "Password health");
    const summary = page.getByRole("region", { name: "Summary" });
    await summary.waitFor({ timeout: 60_000 });
    found.push(...(await inaccessible(page, "health")));
    const findings = page.getByRole("list", { name: "Findings", exact: true });
    const WEAK = "Weak password: it could be guessed in";
    const REUSED = "The same password is used by";
    const HTTP = "address uses http:";
    const EXPOSED = "appears in data breaches";
    const findingOf = (title: string, message: string) =>
      findings
        .getByRole("listitem")
        .filter({ has: page.getByRole("button", { name: title, exact: true }) })
        .filter({ hasText: message });
    await findingOf("Weak site", WEAK).waitFor();
    await findingOf("Shared A", REUSED).waitFor();
    await findingOf("Shared B", REUSED).waitFor();
    await findingOf("Plain site", HTTP).waitFor();
    assert.equal(await findingOf("Plain site", WEAK).count(), 0, "a strong password is not weak");
    assert.equal(
      await findings.getByRole("listitem").filter({ hasText: "has not changed for" }).count(),
      0,
    );
    await page.getByText("The exposed-password check is off.").waitFor();
    const text = (await page.getByRole("region", { name: "Password health" }).textContent()) ?? "";
    assert.doesNotMatch(text, /password1|Tr0ub4dor|k8#Lq2/, "no password shown unless asked");

    // Passwords are shown only when asked.
    await page.getByLabel("Show passwords").check();
    await findings.getByText("Tr0ub4dor&3-shared-horse").first().waitFor();
    await page.getByLabel("Show passwords").uncheck();
    await findings.getByText("Tr0ub4dor&3-shared-horse").first().waitFor({ state: "detached" });

    // The exposed check, through its default source: this server's relay (same origin, as the
    // CSP demands), which asks the range source configured on the server.
    assert.equal(rangeAsked.length, 0, "the exposed check is off by default");
    await page.getByLabel("Check for exposed passwords").check();
    assert.equal(
      await page.getByLabel("Range API address").inputValue(),
      "/api/v1/relay/exposed-range/",
    );
    await page.getByRole("button", { name: "Check again" }).click();
    await findingOf("Weak site", EXPOSED).waitFor({ timeout: 60_000 });
    assert.match((await findingOf("Weak site", EXPOSED).textContent()) ?? "", /2,427/);
    await page
      .getByText(
        `Checked for exposed passwords against ${server.server.url}/api/v1/relay/exposed-range/.`,
      )
      .waitFor();
    assert.deepEqual(
      [...new Set(rangeAsked)].sort(),
      [...rangeFiles.keys()].sort(),
      "every prefix reached the range source through the relay",
    );
    // A source that is down: the report says the check could not run.
    await page.getByLabel("Range API address").fill("/no-range-here/");
    await page.getByRole("button", { name: "Check again" }).click();
    await page.getByText(/The exposed-password check could not run/).waitFor({ timeout: 60_000 });
    await page.getByLabel("Check for exposed passwords").uncheck();
    await page.getByRole("button", { name: "Check again" }).click();
    await page.getByText("The exposed-password check is off.").waitFor();
    found.push(...(await inaccessible(page, "health-checked")));

    // Dismissing a finding moves it to the dismissed list; bringing it back restores it.
    await findingOf("Plain site", HTTP).getByRole("button", { name: "Dismiss" }).click();
    await findingOf("Plain site", HTTP).waitFor({ state: "detached" });
    const dismissedList = page.getByRole("list", { name: "Dismissed findings" });
    await dismissedList.getByText("Plain site").waitFor();
    await dismissedList.getByRole("button", { name: "Bring back" }).first().click();
    await findingOf("Plain site", HTTP).waitFor();

    // The list's filter shows the items that need attention.
    await openSection(page, "Items");
    await page.getByLabel("Needs attention").selectOption("reused");
    await listCount(page).filter({ hasText: "2 items" }).waitFor({ timeout: 60_000 });
    assert.deepEqual(await listedTitles(page), ["Shared A", "Shared B"]);
    await page.getByLabel("Needs attention").selectOption("weak");
    await listCount(page).filter({ hasText: "1 item" }).waitFor({ timeout: 60_000 });
    assert.deepEqual(await listedTitles(page), ["Weak site"]);
    await page.getByLabel("Needs attention").selectOption("");
    // Every item again: the list's count says so before the titles are read.
    await listCount(page).filter({ hasText: "4 items" }).waitFor();
    assert.equal((await listedTitles(page)).length, 4);

    // A generated password fixes the weak one: its finding is gone from the report.
    await openSection(page, "Password health");
    await findings.getByRole("button", { name: "Weak site", exact: true }).first().click();
    await page.getByRole("heading", { name: "Weak site" }).waitFor();
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    await page.getByRole("button", { name: "Generate a password" }).click();
    await page.getByRole("button", { name: "Generate", exact: true }).click();
    await page.getByRole("button", { name: "Use this password" }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Weak site" }).waitFor();
    await openSection(page, "Password health");
    await findingOf("Shared A", REUSED).waitFor();
    // The report is made again after the change (the status is busy meanwhile): until then it
    // may still show the finding, so wait for it to go, as a person would see it go.
    await findingOf("Weak site", WEAK).waitFor({ state: "detached", timeout: 60_000 });
    assert.equal(await findingOf("Weak site", WEAK).count(), 0, "the fixed password is not weak");

    assert.deepEqual(found, [], "no serious or critical accessibility finding");
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
