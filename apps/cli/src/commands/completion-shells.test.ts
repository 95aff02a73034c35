/**
 * `keypears completion zsh` and `fish` loaded by the real shells (Debian's zsh and fish, which
 * .ci/run installs): commands, a command's flags, and item titles from the agent only.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { boundedTest } from "@keypears/base/testing";
import { BIN, createTempHome, runCli } from "../testing/run-cli.ts";

const test = boundedTest();
const home = createTempHome();
const NO_RUNTIME_DIR = { XDG_RUNTIME_DIR: "" };
// `keypears` on PATH for the completion scripts, as an installed CLI would be.
const binDir = mkdtempSync(join(tmpdir(), "keypears-bin-"));
writeFileSync(join(binDir, "keypears"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
chmodSync(join(binDir, "keypears"), 0o755);

before(async () => {
  assert.equal(
    (await runCli(["init", "me@localhost"], { home: home.path, env: NO_RUNTIME_DIR })).code,
    0,
  );
  for (const title of ["GitHub", "Git Lab", "Mail"]) {
    const added = await runCli(["add", "--title", title], { home: home.path, env: NO_RUNTIME_DIR });
    assert.equal(added.code, 0, added.stderr);
  }
});

after(async () => {
  await runCli(["lock"], { home: home.path, env: NO_RUNTIME_DIR });
  home.remove();
  rmSync(binDir, { recursive: true, force: true });
});

/** Runs `script` in `shell` (no startup files) with `keypears` on PATH and no password anywhere. */
const shell = (name: "zsh" | "fish", script: string) => {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !key.startsWith("KEYPEARS_")) env[key] = value;
  const result = spawnSync(
    name,
    name === "zsh" ? ["-f", "-c", script] : ["--no-config", "-c", script],
    {
      encoding: "utf8",
      env: {
        ...env,
        PATH: `${binDir}:${env["PATH"] ?? ""}`,
        KEYPEARS_HOME: home.path,
        XDG_RUNTIME_DIR: "",
      },
      timeout: 120_000,
    },
  );
  assert.equal(result.error, undefined, `${name} is needed (apt-get install -y ${name})`);
  assert.equal(result.status, 0, `${name} -c ${script}\n${result.stderr}`);
  return result.stdout.split("\n").filter((line) => line !== "");
};

/**
 * What the zsh script offers for the words typed so far: `_keypears`, called the way zsh's
 * bashcompinit calls it (ksharrays, COMP_WORDS and COMP_CWORD set); zsh then keeps those that
 * start with the word being completed, as `matching` does here.
 */
const zshOffers = (...words: string[]): string[] => {
  const cur = words.at(-1) ?? "";
  return shell(
    "zsh",
    `source <(keypears completion zsh) || exit 1
setopt ksharrays
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}
_keypears; print -rl -- "\${COMPREPLY[@]}"`,
  ).filter((offer) => offer.startsWith(cur.replaceAll(" ", "\\ ")));
};

/** What fish completes for a command line, from its own completion engine. */
const fishCompletes = (line: string): string[] =>
  shell("fish", `keypears completion fish | source; complete -C'${line}'`).map(
    (entry) => entry.split("\t")[0] as string,
  );

test("zsh loads the completion script (compinit or not) and completes commands, flags and titles", async () => {
  // Without the user's compinit (zsh -f): the script sets up what it needs. (bashcompinit's
  // `complete -p` lists every bash-style completion, compinit's own `_bash` among them.)
  assert.ok(
    shell("zsh", "source <(keypears completion zsh) && complete -p keypears").includes(
      "complete -F _keypears keypears",
    ),
  );
  // After the compinit of a usual ~/.zshrc.
  assert.deepEqual(
    shell(
      "zsh",
      "autoload -Uz compinit && compinit -u && source <(keypears completion zsh) && print -r -- $_comps[keypears]",
    ),
    ["_bash_complete -F _keypears"],
  );
  assert.deepEqual(zshOffers("keypears", "co"), [
    "copy",
    "conflicts",
    "contacts",
    "config",
    "completion",
  ]);
  assert.deepEqual(zshOffers("keypears", "copy", "--cl"), ["--clear-after"]);
  assert.deepEqual(zshOffers("keypears", "get", "Gi"), [], "locked: no titles, no password asked");
  const unlocked = await runCli(["unlock"], { home: home.path, env: NO_RUNTIME_DIR });
  assert.equal(unlocked.code, 0, unlocked.stderr);
  try {
    assert.deepEqual(zshOffers("keypears", "get", "Gi").sort(), ["GitHub", "Git\\ Lab"]);
  } finally {
    await runCli(["lock"], { home: home.path, env: NO_RUNTIME_DIR });
  }
});

test("fish loads the completion script and completes commands, flags and titles", async () => {
  assert.deepEqual(fishCompletes("keypears co").sort(), [
    "completion",
    "config",
    "conflicts",
    "contacts",
    "copy",
  ]);
  assert.deepEqual(fishCompletes("keypears copy --cl"), ["--clear-after"]);
  assert.deepEqual(fishCompletes("keypears get Gi"), [], "locked: no titles, no password asked");
  const unlocked = await runCli(["unlock"], { home: home.path, env: NO_RUNTIME_DIR });
  assert.equal(unlocked.code, 0, unlocked.stderr);
  try {
    assert.deepEqual(fishCompletes("keypears get Gi").sort(), ["Git Lab", "GitHub"]);
    assert.deepEqual(fishCompletes("keypears rm M"), ["Mail"]);
  } finally {
    await runCli(["lock"], { home: home.path, env: NO_RUNTIME_DIR });
  }
});
