import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Vault } from "./vault.ts";
import { cheapDeps, createTestAccount, createTestHome, expectOk } from "./testing/test-platform.ts";

const home = createTestHome();
let vault: Vault;
let clock = Date.UTC(2026, 10, 21, 12, 0, 0);
before(async () => {
  vault = (
    await createTestAccount(home.path, "items@localhost", { deps: cheapDeps({ now: () => clock }) })
  ).vault;
});
after(() => {
  vault.lock();
  home.remove();
});

test("every item type can be created with its fields, and secrets are marked", () => {
  const login = expectOk(
    vault.add({
      fields: { title: "Mail", username: "me", password: "pw", urls: ["https://mail.example"] },
    }),
  );
  assert.equal(login.type, "login");
  assert.deepEqual(
    login.fields.map((f) => [f.name, f.secret]),
    [
      ["title", false],
      ["username", false],
      ["password", true],
      ["urls", false],
    ],
  );
  const card = expectOk(
    vault.add({
      type: "card",
      fields: { title: "Visa", cardNumber: "4111111111111111", cvv: "123", expiry: "12/29" },
    }),
  );
  assert.equal(card.fields.find((f) => f.name === "cvv")?.secret, true);
  expectOk(vault.add({ type: "note", fields: { title: "Note", notes: "text" } }));
  expectOk(
    vault.add({
      type: "identity",
      fields: { title: "Me", fullName: "Alice A", email: "a@example.com" },
    }),
  );
  const api = expectOk(
    vault.add({ type: "apikey", fields: { title: "API", apiKey: "k", apiSecret: "s" } }),
  );
  assert.equal(api.type, "apikey");
});

test("custom fields hold text or hidden values and can be removed", () => {
  const item = expectOk(
    vault.add({
      fields: {
        title: "Custom",
        "custom:PIN": ["hidden", "1234"],
        "custom:Branch": ["text", "North"],
      },
    }),
  );
  assert.equal(item.fields.find((f) => f.name === "custom:PIN")?.secret, true);
  assert.equal(item.fields.find((f) => f.name === "custom:Branch")?.secret, false);
  const removed = expectOk(vault.edit(item.id, { "custom:Branch": null }));
  assert.equal(
    removed.fields.some((f) => f.name === "custom:Branch"),
    false,
  );
  assert.equal(
    expectOk(vault.history(item.id, "custom:Branch")).fields[0]?.entries.length,
    2,
    "the removed value stays in history",
  );
});

test("invalid fields are refused with a clear reason and nothing is written", () => {
  const before = vault.list().length;
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ username: "no title" }, /title/],
    [{ title: "" }, /title/],
    [{ title: "x", pasword: "typo" }, /unknown field/],
    [{ title: "x", favorite: "yes" }, /true or false/],
    [{ title: "x", urls: "not a list" }, /list/],
    [{ title: "x", "custom:": ["text", "v"] }, /name/],
    [{ title: "x", "custom:K": ["secret", "v"] }, /hidden/],
  ];
  for (const [fields, reason] of cases) {
    const result = vault.add({ fields: fields as never });
    assert.equal(result.ok, false, JSON.stringify(fields));
    assert.match(JSON.stringify(result.ok ? "" : result.error), reason);
  }
  assert.equal(vault.add({ type: "boat" as never, fields: { title: "x" } }).ok, false);
  assert.equal(vault.list().length, before);
});

test("list and search cover title, username, URL and tags, with tag and folder filters", () => {
  expectOk(
    vault.add({
      fields: {
        title: "GitHub",
        username: "octo",
        urls: ["https://github.com"],
        tags: ["dev", "work"],
        folder: "Code",
      },
    }),
  );
  expectOk(vault.add({ fields: { title: "GitLab", username: "fox", tags: ["dev"] } }));
  const titles = (filter: Parameters<Vault["list"]>[0]) => vault.list(filter).map((i) => i.title);
  assert.deepEqual(titles({ search: "git" }), ["GitHub", "GitLab"]);
  assert.deepEqual(titles({ search: "OCTO" }), ["GitHub"]);
  assert.deepEqual(titles({ search: "github.com" }), ["GitHub"]);
  assert.deepEqual(titles({ search: "work" }), ["GitHub"]);
  assert.deepEqual(titles({ tag: "dev" }), ["GitHub", "GitLab"]);
  assert.deepEqual(titles({ folder: "code" }), ["GitHub"]);
  assert.deepEqual(titles({ type: "card" }), ["Visa"]);
  assert.deepEqual(titles({ search: "nothing like this" }), []);
});

test("a title that matches several items is an error listing their ids, never a guess", () => {
  const one = expectOk(vault.add({ fields: { title: "Twin" } }));
  const two = expectOk(vault.add({ fields: { title: "twin" } }));
  const result = vault.get("Twin");
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.ok
      ? []
      : result.error.kind === "ambiguous"
        ? result.error.matches.map((m) => m.id).sort()
        : [],
    [one.id, two.id].sort(),
  );
  assert.equal(expectOk(vault.get(one.id)).id, one.id);
  assert.equal(expectOk(vault.get(two.id.slice(0, 30))).id, two.id, "a unique id prefix works");
  assert.deepEqual(vault.get("no such item"), {
    ok: false,
    error: { kind: "not-found", ref: "no such item" },
  });
});

test("an edit that changes nothing writes nothing", () => {
  const item = expectOk(vault.add({ fields: { title: "Same", password: "p" } }));
  const again = expectOk(vault.edit(item.id, { password: "p" }));
  assert.deepEqual(again.updated, item.updated);
  assert.equal(expectOk(vault.history(item.id, "password")).fields[0]?.entries.length, 1);
});

test("restoring a live item or trashing a trashed one is refused, not written", () => {
  const item = expectOk(vault.add({ fields: { title: "Stable" } }));
  assert.match(JSON.stringify(vault.restore(item.id)), /not in the trash/);
  expectOk(vault.trash(item.id));
  assert.match(JSON.stringify(vault.trash(item.id)), /already in the trash/);
  assert.equal(expectOk(vault.history(item.id)).status.length, 1);
});

test("purge removes an item from the trash for good", () => {
  const item = expectOk(vault.add({ fields: { title: "Doomed" } }));
  expectOk(vault.trash(item.id));
  expectOk(vault.purge(item.id));
  assert.equal(
    vault.list({ trash: true }).some((i) => i.id === item.id),
    false,
  );
  assert.equal(vault.get(item.id).ok, false);
});

test("TOTP codes follow RFC 6238 from a base32 secret or an otpauth URI", () => {
  // RFC 6238 Appendix B: the SHA-1 secret "12345678901234567890" at T = 59 s gives 94287082 (8 digits).
  const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  expectOk(
    vault.add({
      fields: {
        title: "TOTP uri",
        totp: `otpauth://totp/Test?secret=${secret}&digits=8&period=30&algorithm=SHA1`,
      },
    }),
  );
  expectOk(vault.add({ fields: { title: "TOTP base32", totp: secret } }));
  clock = 59_000;
  assert.deepEqual(expectOk(vault.totp("TOTP uri")), { code: "94287082", secondsRemaining: 1 });
  assert.equal(expectOk(vault.totp("TOTP base32")).code, "287082");
  assert.equal(vault.totp("Mail").ok, false);
  clock = Date.UTC(2026, 10, 21, 12, 0, 0);
});
