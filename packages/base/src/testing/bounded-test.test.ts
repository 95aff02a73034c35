import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

test("a bounded test that waits past its limit fails, naming itself and the line that declared it", () => {
  const dir = mkdtempSync(join(tmpdir(), "keypears-bounded-"));
  try {
    const file = join(dir, "hangs.test.ts");
    writeFileSync(
      file,
      [
        `import { boundedTest } from ${JSON.stringify(join(import.meta.dirname, "bounded-test.ts"))};`,
        `const test = boundedTest(300);`,
        // Waits far past its limit (a socket that never answers), then lets the process end.
        `test("waits too long", () => new Promise((resolve) => setTimeout(resolve, 5000)));`,
        `test("finishes", () => {});`,
      ].join("\n"),
    );
    const run = spawnSync(process.execPath, ["--import", "tsx", "--test-reporter=tap", file], {
      encoding: "utf8",
      // Run as a script of its own, not as a file of the runner this test runs in.
      env: Object.fromEntries(
        Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT"),
      ),
      timeout: 60_000,
    });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /not ok \d+ - waits too long[\s\S]*hangs\.test\.ts:\d+:\d+\) did not finish within 300 ms/,
    );
    assert.match(run.stdout, /^ok \d+ - finishes$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
