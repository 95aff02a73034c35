/** Each format imports its fixture into a real vault with every field in place, read back from the vault. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { detectFormat } from "./detect-format.ts";
import { fixture, KDBX_FIXTURE_PASSWORD } from "./testing/fixtures.ts";
import { importInto } from "./testing/import-file.ts";
import { itemsByTitle, olderValues, withTestVault } from "./testing/vault-fixture.ts";

const TOTP = "JBSWY3DPEHPK3PXP";

test("every fixture's format is detected from its content", () => {
  const expected = {
    "bitwarden.json": "bitwarden-json",
    "bitwarden.csv": "bitwarden-csv",
    "1password.1pux": "1password-1pux",
    "1password.csv": "1password-csv",
    "keepassxc.csv": "keepassxc-csv",
    "keepass.kdbx": "keepass-kdbx",
    "chrome.csv": "chrome-csv",
    "firefox.csv": "firefox-csv",
    "lastpass.csv": "lastpass-csv",
    "protonpass.csv": "protonpass-csv",
  };
  for (const [name, format] of Object.entries(expected))
    assert.equal(detectFormat(fixture(name)), format, name);
});

test("bitwarden-json: all item types, folders, custom fields, URIs, TOTP, favourite, history, trash", async () => {
  await withTestVault(async (vault) => {
    const outcome = await importInto(vault, fixture("bitwarden.json"));
    assert.equal(outcome.added, 6);
    assert.deepEqual(outcome.parsed.rejected, [
      { source: "item 7", reason: "unknown item type 9" },
    ]);
    const items = itemsByTitle(vault);
    assert.deepEqual(items.get("Prod server"), {
      type: "login",
      status: "live",
      title: "Prod server",
      username: "root",
      password: "current-pw",
      urls: ["https://prod.example.com", "ssh://prod.example.com:22"],
      totp: `otpauth://totp/Prod:root?secret=${TOTP}&issuer=Prod`,
      notes: 'Line 1\nLine 2, "quoted"',
      "custom:Alias": ["text", "linked to 100"],
      "custom:Is admin": ["text", "true"],
      "custom:Recovery PIN": ["hidden", "9876"],
      "custom:Region": ["text", "eu-west-1"],
      favorite: true,
      folder: "Work/Servers",
    });
    assert.deepEqual(olderValues(vault, "Prod server", "password"), ["zeroth-pw", "first-pw"]);
    assert.deepEqual(items.get("Company Visa"), {
      type: "card",
      status: "live",
      title: "Company Visa",
      cardholder: "Alice Example",
      cardNumber: "4111111111111111",
      expiry: "03/2028",
      cvv: "321",
      "custom:brand": ["text", "Visa"],
      folder: "Work",
    });
    assert.deepEqual(items.get("Me"), {
      type: "identity",
      status: "live",
      title: "Me",
      fullName: "Dr Alice Exämple",
      email: "alice@example.com",
      phone: "+1 555 0100",
      postalAddress: "1 Main St\nApt 2\n62701 Springfield\nIL, US",
      "custom:company": ["text", "Acme"],
      "custom:ssn": ["hidden", "123-45-6789"],
      "custom:username": ["text", "alice"],
    });
    assert.equal(items.get("Wi-Fi à la maison")?.["notes"], "SSID: Café\nKey: ünïcode");
    assert.equal(items.get("Old forum")?.["status"], "trashed");
    assert.deepEqual(items.get("Deploy key")?.["custom:privateKey"], [
      "hidden",
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----",
    ]);
  });
});

test("bitwarden-csv: folders, favourite, several URIs, custom fields, notes", async () => {
  await withTestVault(async (vault) => {
    await importInto(vault, fixture("bitwarden.csv"));
    const items = itemsByTitle(vault);
    assert.deepEqual(items.get("Twitter"), {
      type: "login",
      status: "live",
      title: "Twitter",
      username: "alice",
      password: "tw,pw",
      urls: ["https://twitter.com", "https://x.com"],
      totp: TOTP,
      notes: 'My "main" account',
      "custom:PIN": ["text", "1234"],
      "custom:Security question": ["text", "first pet"],
      favorite: true,
      folder: "Social",
    });
    assert.deepEqual(items.get("Server notes"), {
      type: "note",
      status: "live",
      title: "Server notes",
      notes: 'ssh root@host\nthen run, "update"',
    });
    assert.equal(items.get("Jira")?.["folder"], "Work/Team");
    assert.equal(items.get("Jira")?.["username"], "ålice");
  });
});

test("1password-1pux: logins with sections and history, card, archived note, identity, API credential, other categories", async () => {
  await withTestVault(async (vault) => {
    await importInto(vault, fixture("1password.1pux"));
    const items = itemsByTitle(vault);
    assert.deepEqual(items.get("Example Login"), {
      type: "login",
      status: "live",
      title: "Example Login",
      username: "alice@example.com",
      password: 'new-pw, "quoted"',
      urls: ["https://example.com/login", "https://app.example.com"],
      totp: `otpauth://totp/Example:alice?secret=${TOTP}`,
      notes: "Two\nlines",
      "custom:Member since": ["text", "2020-01-01"],
      "custom:Recovery code": ["hidden", "RC-1234"],
      "custom:remember": ["text", "✓"],
      favorite: true,
      folder: "Private",
      tags: ["work", "web/primary"],
    });
    assert.deepEqual(olderValues(vault, "Example Login", "password"), ["old-pw-1", "old-pw-2"]);
    assert.deepEqual(items.get("Visa"), {
      type: "card",
      status: "live",
      title: "Visa",
      cardholder: "Alice Exämple",
      cardNumber: "4111111111111111",
      expiry: "12/2027",
      cvv: "123",
      "custom:type": ["text", "visa"],
      folder: "Private",
    });
    assert.equal(items.get("Old note")?.["status"], "trashed");
    assert.deepEqual(items.get("Alice (ID)"), {
      type: "identity",
      status: "live",
      title: "Alice (ID)",
      fullName: "Alice Example",
      email: "alice@example.com",
      phone: "+44 20 7946 0000",
      postalAddress: "1 High St, London, N1 1AA, uk",
      folder: "Shared",
    });
    assert.deepEqual(items.get("Stripe API"), {
      type: "apikey",
      status: "live",
      title: "Stripe API",
      apiKey: "sk_live_abc",
      urls: ["https://api.example.com"],
      folder: "Shared",
      username: "svc",
    });
    assert.deepEqual(items.get("Home Wi-Fi")?.["custom:wireless network password"], [
      "hidden",
      "wifi-pw",
    ]);
  });
});

test("1password-csv: URLs, TOTP, tags, favourite, archived, multi-line notes", async () => {
  await withTestVault(async (vault) => {
    await importInto(vault, fixture("1password.csv"));
    const items = itemsByTitle(vault);
    assert.deepEqual(items.get("Dropbox"), {
      type: "login",
      status: "live",
      title: "Dropbox",
      username: "alice@example.com",
      password: 'db,"pw"',
      urls: ["https://www.dropbox.com"],
      totp: `otpauth://totp/Dropbox:alice?secret=${TOTP}`,
      notes: "Shared folder:\n/Team",
      favorite: true,
      tags: ["work", "cloud"],
    });
    assert.equal(items.get("Old account")?.["status"], "trashed");
    assert.equal(items.get("Straße")?.["password"], "pw-€");
  });
});

test("keepassxc-csv: group path as folder, TOTP, multi-line notes with CRLF, quotes", async () => {
  await withTestVault(async (vault) => {
    await importInto(vault, fixture("keepassxc.csv"));
    const items = itemsByTitle(vault);
    assert.deepEqual(items.get("GitLab"), {
      type: "login",
      status: "live",
      title: "GitLab",
      username: "alice",
      password: "gl-pass, with comma",
      urls: ["https://gitlab.example.com"],
      totp: `otpauth://totp/GitLab:alice?secret=${TOTP}&issuer=GitLab`,
      notes: "Deploy keys:\n- staging\n- prod",
      folder: "Work/Dev",
    });
    assert.equal(items.get("Router")?.["password"], '"quoted"');
    assert.equal(items.get("Router")?.["folder"], undefined);
    assert.deepEqual(
      [items.get("Café")?.["folder"], items.get("Café")?.["totp"], items.get("Café")?.["password"]],
      ["Privé", TOTP, "ünïcödé"],
    );
  });
});

test("keepass-kdbx: fields, protected custom fields, tags, extra URLs, group path, history, recycle bin", async () => {
  await withTestVault(async (vault) => {
    await importInto(vault, fixture("keepass.kdbx"), { password: KDBX_FIXTURE_PASSWORD });
    const items = itemsByTitle(vault);
    assert.deepEqual(items.get("GitHub"), {
      type: "login",
      status: "live",
      title: "GitHub",
      username: "alice",
      password: 'gh-current, "quoted"',
      urls: ["https://github.com", "https://gist.github.com"],
      totp: `otpauth://totp/GitHub:alice?secret=${TOTP}&issuer=GitHub`,
      notes: "Recovery codes:\nabc-123\nünïcode",
      "custom:Account no": ["text", "12-34"],
      "custom:PIN": ["hidden", "2468"],
      folder: "Work/Dev",
      tags: ["work", "code"],
    });
    assert.deepEqual(olderValues(vault, "GitHub", "password"), ["gh-first", "gh-second"]);
    assert.equal(items.get("Mail")?.["password"], "mail-pw");
    assert.equal(items.get("Old forum")?.["status"], "trashed");
  });
});

test("chrome-csv: BOM, CRLF, quoted commas and quotes, multi-line note, a missing name", async () => {
  await withTestVault(async (vault) => {
    await importInto(vault, fixture("chrome.csv"));
    const items = itemsByTitle(vault);
    assert.equal(items.size, 3);
    assert.deepEqual(items.get("Bank, Inc."), {
      type: "login",
      status: "live",
      title: "Bank, Inc.",
      username: "alice",
      password: "s3cr3t!",
      urls: ["https://bank.example.com/"],
      notes: 'Line one\nLine two, with "quotes"',
    });
    assert.equal(items.get("github.com")?.["password"], 'p,a"ss1');
    assert.equal(items.get("münchen.example.de")?.["username"], "jörg");
  });
});

test("firefox-csv: host as title, realm and form origin kept as custom fields, bookkeeping dropped", async () => {
  await withTestVault(async (vault) => {
    await importInto(vault, fixture("firefox.csv"));
    const items = itemsByTitle(vault);
    assert.deepEqual(items.get("intranet.example.com"), {
      type: "login",
      status: "live",
      title: "intranet.example.com",
      username: "carol",
      password: 'pa"ss,word',
      urls: ["https://intranet.example.com"],
      "custom:httpRealm": ["text", "Intranet Realm"],
    });
    assert.equal(items.get("日本.example.jp")?.["password"], "パスワード");
  });
});

test("lastpass-csv: logins, secure notes, a credit-card note, nested folders, favourite", async () => {
  await withTestVault(async (vault) => {
    await importInto(vault, fixture("lastpass.csv"));
    const items = itemsByTitle(vault);
    assert.deepEqual(items.get("Mail"), {
      type: "login",
      status: "live",
      title: "Mail",
      username: "alice@example.com",
      password: 'ma,il"pw',
      urls: ["https://mail.example.com"],
      totp: TOTP,
      notes: "Recovery codes:\n1234-5678",
      favorite: true,
      folder: "Personal/Email",
    });
    assert.deepEqual(items.get("Wi-Fi"), {
      type: "note",
      status: "live",
      title: "Wi-Fi",
      notes: "Just a note\nwith two lines, and a comma",
      folder: "Home",
    });
    assert.deepEqual(items.get("Visa Card"), {
      type: "card",
      status: "live",
      title: "Visa Card",
      cardholder: "Alice Example",
      cardNumber: "4111111111111111",
      expiry: "12/2027",
      cvv: "123",
      notes: "Use for travel\nonly abroad",
      "custom:Type": ["text", "Visa"],
      folder: "Finance",
    });
  });
});

test("protonpass-csv: several URLs, email, vault as folder, notes, card and alias types", async () => {
  await withTestVault(async (vault) => {
    await importInto(vault, fixture("protonpass.csv"));
    const items = itemsByTitle(vault);
    assert.deepEqual(items.get("Proton Mail"), {
      type: "login",
      status: "live",
      title: "Proton Mail",
      username: "alice",
      password: 'pp,"pw"',
      urls: ["https://account.proton.me", "https://mail.proton.me"],
      totp: `otpauth://totp/Proton:alice?secret=${TOTP}`,
      notes: "multi\nline note",
      "custom:email": ["text", "alice@proton.me"],
      folder: "Personal",
    });
    assert.equal(items.get("Newsletter alias")?.["username"], "alias.xyz@passmail.net");
    assert.equal(items.get("Debit card")?.["type"], "card");
    assert.equal(items.get("Recovery phrase")?.["type"], "note");
  });
});
