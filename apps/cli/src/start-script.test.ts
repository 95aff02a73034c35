/** `npm start -- --port N` (apps/cli/scripts/start.mjs): the server's domain follows the port unless given. */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after } from "node:test";
import { boundedTest } from "@keypears/base/testing";
import { freePort } from "./testing/free-port.ts";
import { createTempHome, type TempHome } from "./testing/run-cli.ts";

const test = boundedTest();
const START = join(import.meta.dirname, "..", "scripts", "start.mjs");
const homes: TempHome[] = [];
after(() => {
  for (const home of homes) home.remove();
});

/** Starts the script, waits for the server's "listening" line, stops it; returns that line's fields. */
const listening = async (args: readonly string[]): Promise<{ port: number; domain: string }> => {
  const data = createTempHome();
  homes.push(data);
  const child = spawn(process.execPath, [START, ...args, "--data-dir", data.path], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  try {
    return await new Promise((resolve, reject) => {
      let log = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        log += chunk;
        const line = log.split("\n").find((l) => l.includes('"msg":"listening"'));
        if (line !== undefined) resolve(JSON.parse(line) as { port: number; domain: string });
      });
      child.on("exit", (code) => reject(new Error(`start.mjs exited ${code}: ${log}`)));
    });
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
};

test("the domain follows --port, and an explicit --domain wins", async () => {
  const port = await freePort();
  const served = await listening(["--port", String(port)]);
  assert.equal(served.port, port);
  assert.equal(served.domain, `localhost:${port}`);
  const other = await freePort();
  const named = await listening(["--port", String(other), "--domain", "keys.example"]);
  assert.equal(named.domain, "keys.example");
});
