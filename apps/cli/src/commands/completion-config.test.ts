/** `keypears completion` loaded in a real bash, titles only from the agent; `keypears config`. */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { boundedTest } from "@keypears/base/testing";
import { assertUserError, BIN, createTempHome, parseJson, runCli } from "../testing/run-cli.ts";

const test = boundedTest();
const home = createTempHome();
const NO_RUNTIME_DIR = { XDG_RUNTIME_DIR: "" };
// `keypears` on PATH for the completion script, as an installed CLI would be.
const binDir = mkdtempSync(join(tmpdir(), "keypears-bin-"));
writeFileSync(join(binDir, "keypears"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
chmodSync(join(binDir, "keypears"), 0o755);

after(() => {
  home.remove();
  rmSync(binDir, { recursive: true, force: true });
});

const bash = (script: string) => {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined && !name.startsWith("KEYPEARS_")) env[name] = value;
  return spawnSync("bash", ["-c", script], {
    encoding: "utf8",
    env: {
      ...env,
      PATH: `${binDir}:${process.env["PATH"] ?? ""}`,
      KEYPEARS_HOME: home.path,
      XDG_RUNTIME_DIR: "",
    },
    timeout: 120_000,
  });
};

/** What bash completes for the words typed so far (the last one being completed). */
const complete = (...words: string[]) => {
  const result = bash(
    `source <(keypears completion bash)
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}
_keypears; printf '%s\\n' "\${COMPREPLY[@]}"`,
  );
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split("\n").filter((line) => line !== "");
};

test("the bash completion script loads and completes commands, flags and titles", async () => {
  const loaded = bash("source <(keypears completion bash); complete -p keypears");
  assert.equal(loaded.status, 0, loaded.stderr);
  assert.equal(loaded.stdout.trim(), "complete -F _keypears keypears");
  assert.deepEqual(complete("keypears", "co"), [
    "copy",
    "conflicts",
    "contacts",
    "config",
    "completion",
  ]);
  assert.deepEqual(complete("keypears", "copy", "--cl"), ["--clear-after"]);

  assert.equal(
    (await runCli(["init", "me@localhost"], { home: home.path, env: NO_RUNTIME_DIR })).code,
    0,
  );
  for (const title of ["GitHub", "Git Lab", "Mail"])
    assert.equal(
      (await runCli(["add", "--title", title], { home: home.path, env: NO_RUNTIME_DIR })).code,
      0,
    );
  // Locked: no titles, and no password asked for.
  assert.deepEqual(complete("keypears", "get", "Gi"), []);
  const unlocked = await runCli(["unlock"], { home: home.path, env: NO_RUNTIME_DIR });
  assert.equal(unlocked.code, 0, unlocked.stderr);
  try {
    assert.deepEqual(complete("keypears", "get", "Gi").sort(), ["GitHub", "Git\\ Lab"]);
    assert.deepEqual(complete("keypears", "--account", "me@localhost", "copy", "M"), ["Mail"]);
  } finally {
    await runCli(["lock"], { home: home.path, env: NO_RUNTIME_DIR });
  }
  for (const shell of ["zsh", "fish"]) {
    const script = await runCli(["completion", shell], { home: home.path, password: null });
    assert.equal(script.code, 0, script.stderr);
    assert.match(script.stdout, /keypears completion titles/);
  }
  assertUserError(await runCli(["completion", "tcsh"], { home: home.path }), 2, /not one of bash/);
});

test("config set, get and unset, with each value checked", async () => {
  const configHome = createTempHome();
  try {
    const run = (...args: string[]) =>
      runCli(["config", ...args], { home: configHome.path, password: null });
    assert.equal((await run("set", "agentTimeout", "1h")).code, 0);
    assert.equal((await run("set", "clipboardtimeout", "10s")).code, 0);
    assert.equal((await run("get", "agentTimeout")).stdout, "1h\n");
    assert.deepEqual(parseJson(await run("get", "--json")), {
      agentTimeout: "1h",
      clipboardTimeout: "10s",
    });
    assert.equal(statSync(join(configHome.path, "config.json")).mode & 0o777, 0o600);
    assertUserError(await run("set", "agentTimeout", "forever"), 1, /not a duration/);
    assertUserError(await run("set", "defaultServer", "javascript:alert(1)"), 1, /http\(s\) URL/);
    assertUserError(
      await run("set", "defaultAccount", "not an address"),
      1,
      /not an account address/,
    );
    assertUserError(await run("set", "colour", "blue"), 2, /unknown setting "colour"/);
    assert.equal((await run("unset", "agentTimeout")).code, 0);
    assert.equal((await run("get", "agentTimeout")).code, 1);
    assert.deepEqual(JSON.parse(readFileSync(join(configHome.path, "config.json"), "utf8")), {
      clipboardTimeout: "10s",
    });
    writeFileSync(join(configHome.path, "config.json"), "{ not json");
    assertUserError(await run("get"), 1, /config\.json is not valid JSON/);
  } finally {
    configHome.remove();
  }
});

test("the default account spares --account on a device with two accounts", async () => {
  const two = createTempHome();
  try {
    for (const address of ["one@localhost", "two@localhost"])
      assert.equal((await runCli(["init", address], { home: two.path })).code, 0);
    assertUserError(await runCli(["list"], { home: two.path }), 1, /holds 2 accounts/);
    assert.equal(
      (await runCli(["config", "set", "defaultAccount", "two@localhost"], { home: two.path })).code,
      0,
    );
    const added = await runCli(["add", "--title", "In two", "--json"], { home: two.path });
    assert.equal(added.code, 0, added.stderr);
    const listed = await runCli(["list", "--account", "two@localhost", "--json"], {
      home: two.path,
    });
    assert.deepEqual(
      (parseJson(listed) as { title: string }[]).map((i) => i.title),
      ["In two"],
    );
  } finally {
    two.remove();
  }
});
