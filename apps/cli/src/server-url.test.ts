/**
 * Talking to a server safely and saying what happened: plain http:// is refused except to this
 * machine, before anything is sent; `init` against a server it cannot reach says no account was
 * created, and leaves none behind. Through the real binary.
 */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { after } from "node:test";
import { refuseServerUrl } from "./server-url.ts";
import { freePort } from "./testing/free-port.ts";
import { assertUserError, createTempHome, parseJson, runCli } from "./testing/run-cli.ts";

const test = boundedTest();

const home = createTempHome();
after(() => home.remove());
const kp = (args: readonly string[]) => runCli(args, { home: home.path });

const noAccounts = async () => assert.deepEqual(parseJson(await kp(["accounts", "--json"])), []);

test("init and login refuse http:// to another machine before sending anything", async () => {
  // 192.0.2.1 (TEST-NET-1) never answers: a request would hang until its timeout, not fail fast.
  for (const args of [
    ["init", "zed@example.test", "--server", "http://192.0.2.1:7420"],
    ["login", "zed@example.test", "--server", "http://keys.example.test"],
  ]) {
    const result = await runCli(args, {
      home: home.path,
      env: { KEYPEARS_SECRET_KEY: "K1-AAAAAA-AAAAAA-AAAAAA-AAAAAA-AAAAAA" },
      timeoutMs: 8_000,
    });
    assertUserError(
      result,
      1,
      /refusing plain http:\/\/ to (192\.0\.2\.1:7420|keys\.example\.test)/,
    );
  }
  await noAccounts();
});

test("init with a server it cannot reach says no account was created, and none is", async () => {
  const port = await freePort();
  const result = await kp(["init", "zed@example.test", "--server", `http://127.0.0.1:${port}`]);
  assertUserError(result, 1, /cannot reach the server .*; no account was created\n$/);
  assert.doesNotMatch(result.stderr, /saved locally/);
  await noAccounts();
});

test("https anywhere and http to loopback addresses only", () => {
  for (const url of [
    "https://keys.example.com",
    "http://localhost:7420",
    "http://127.0.0.1:1",
    "http://127.8.9.10",
    "http://[::1]:7420",
    "http://dev.localhost",
  ])
    assert.equal(refuseServerUrl(url), undefined, url);
  for (const url of [
    "http://keys.example.com",
    "http://10.0.0.2:7420",
    "http://[::2]",
    "http://localhost.example.com",
    "ftp://keys.example.com",
    "not a url",
  ])
    assert.notEqual(refuseServerUrl(url), undefined, url);
});
