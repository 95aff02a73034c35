/** Likely duplicates (same site host and username, or same id) are found, and skipped, kept or merged as chosen. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { utf8ToBytes } from "@keypears/base";
import { importInto } from "./testing/import-file.ts";
import { itemsByTitle, olderValues, withTestVault } from "./testing/vault-fixture.ts";

const chrome = utf8ToBytes(
  "name,url,username,password,note\r\nMy GitHub,https://www.github.com/session,Alice,new-pw,\r\nOther,https://other.example,bob,pw,\r\n",
);

const seed = (vault: Parameters<Parameters<typeof withTestVault>[0]>[0]) => {
  const added = vault.add({
    fields: {
      title: "GitHub",
      username: "alice",
      password: "old-pw",
      urls: ["https://github.com"],
      tags: ["work"],
    },
  });
  assert.ok(added.ok);
};

test("skip leaves the existing item alone and reports the duplicate", async () => {
  await withTestVault(async (vault) => {
    seed(vault);
    const outcome = await importInto(vault, chrome, { duplicates: "skip" });
    assert.deepEqual([outcome.added, outcome.skipped, outcome.merged], [1, 1, 0]);
    assert.deepEqual([...itemsByTitle(vault).keys()].sort(), ["GitHub", "Other"]);
    assert.equal(itemsByTitle(vault).get("GitHub")?.["password"], "old-pw");
  });
});

test("keep-both adds the imported item beside the existing one", async () => {
  await withTestVault(async (vault) => {
    seed(vault);
    const outcome = await importInto(vault, chrome, { duplicates: "keep-both" });
    assert.deepEqual([outcome.added, outcome.skipped, outcome.merged], [2, 0, 0]);
    assert.deepEqual([...itemsByTitle(vault).keys()].sort(), ["GitHub", "My GitHub", "Other"]);
  });
});

test("merge writes the imported values into the existing item, unites URLs, and keeps the old value in history", async () => {
  await withTestVault(async (vault) => {
    seed(vault);
    const outcome = await importInto(vault, chrome, { duplicates: "merge" });
    assert.deepEqual([outcome.added, outcome.skipped, outcome.merged], [1, 0, 1]);
    const github = itemsByTitle(vault).get("GitHub");
    assert.equal(github?.["password"], "new-pw");
    assert.equal(github?.["username"], "Alice");
    assert.deepEqual(github?.["urls"], ["https://github.com", "https://www.github.com/session"]);
    assert.deepEqual(github?.["tags"], ["work"]);
    assert.deepEqual(olderValues(vault, "GitHub", "password"), ["old-pw"]);
  });
});
