// Runs every *.test.ts under packages/, apps/ and bench/ with Node's test runner (Node 20 does not expand globs).
// Usage: node scripts/run-tests.mjs [path-substring ...]   e.g. `node scripts/run-tests.mjs sync-core`
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const roots = ["packages", "apps", "bench", "examples"];
const filters = process.argv.slice(2);

function* walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith("."))
      continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith(".test.ts")) yield path;
  }
}

const files = roots
  .flatMap((root) => [...walk(root)])
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(" ") || "(all)"}`);
  process.exit(1);
}
// Every file gets a time limit: Node 20's --test-timeout bounds each file's whole run (the child
// is killed and the file is reported as "test timed out after N ms", by name), so a hang fails in
// minutes instead of waiting out CI's limit. Tests that wait on a process or a socket carry a
// tighter `timeout` of their own (`boundedTest` in @keypears/base/testing). KEYPEARS_TEST_FILE_TIMEOUT_MS
// overrides the bound.
const fileTimeoutMs = Number(process.env.KEYPEARS_TEST_FILE_TIMEOUT_MS ?? 600_000);
if (!Number.isSafeInteger(fileTimeoutMs) || fileTimeoutMs <= 0) {
  console.error(`KEYPEARS_TEST_FILE_TIMEOUT_MS must be a positive integer of milliseconds`);
  process.exit(1);
}
// KEYPEARS_TEST_TIMES=<file> also writes each top-level test's file and time there
// (scripts/test-times-reporter.mjs), beside the usual report on stdout.
const timesFile = process.env.KEYPEARS_TEST_TIMES;
const reporters =
  timesFile === undefined || timesFile === ""
    ? []
    : [
        `--test-reporter=${process.stdout.isTTY ? "spec" : "tap"}`,
        "--test-reporter-destination=stdout",
        `--test-reporter=${fileURLToPath(new URL("./test-times-reporter.mjs", import.meta.url))}`,
        `--test-reporter-destination=${timesFile}`,
      ];
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    "--test-concurrency=2",
    `--test-timeout=${fileTimeoutMs}`,
    // A file whose tests are done exits even if a failed test left a server or a socket open.
    "--test-force-exit",
    ...reporters,
    ...files,
  ],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
