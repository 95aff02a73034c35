/**
 * A web page on another origin calls a real server from Chromium: discovery, registration (a JSON
 * POST, so the browser sends a preflight), an authenticated read (the bearer token makes another
 * preflight), and a typed error whose body and `Retry-After` the page can read.
 */

import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, it } from "node:test";
import { type Browser, chromium } from "playwright-core";
import {
  b64Random,
  newDeviceId,
  newVaultId,
  startTestServer,
  TEST_KDF,
  type TestServer,
} from "../testing/index.ts";

let api: TestServer;
let page: Server;
let pageOrigin: string;
let browser: Browser;

before(async () => {
  api = await startTestServer({ rateLimits: { register: { capacity: 1, refillPerMinute: 1 } } });
  page = createServer((_req, res) => {
    res.setHeader("content-type", "text/html");
    res.end("<!doctype html><title>third-party client</title><p>a page on another origin</p>");
  });
  await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
  pageOrigin = `http://localhost:${(page.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    timeout: 30_000,
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => page?.close(resolve));
  await api?.close();
});

const pageScript = `async ({ base, registration }) => {
  const discovery = await (await fetch(base + "/.well-known/keypears.json")).json();
  const apiUrl = new URL(discovery.api, base + "/").toString();
  const post = (body) =>
    fetch(apiUrl + "/accounts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const registered = await post(registration);
  const session = await registered.json();
  const account = await fetch(apiUrl + "/account", {
    headers: { authorization: "Bearer " + session.token },
  });
  const refused = await post({ ...registration, address: "other@" + registration.address.split("@")[1] });
  return {
    registered: registered.status,
    account: account.status,
    address: (await account.json()).address,
    requestId: account.headers.get("x-request-id"),
    refused: refused.status,
    code: (await refused.json()).code,
    retryAfter: refused.headers.get("retry-after"),
  };
}`;

it(
  "a page on another origin registers, reads its account and sees a 429 with Retry-After",
  { timeout: 120_000 },
  async () => {
    const tab = await browser.newPage();
    await tab.goto(pageOrigin);
    assert.notEqual(new URL(pageOrigin).origin, new URL(api.server.url).origin);
    const registration = {
      address: `webclient@${api.server.domain}`,
      authSecret: b64Random(32),
      kdf: TEST_KDF,
      salt: b64Random(16),
      device: { id: newDeviceId(), name: "browser" },
      vault: { vaultId: newVaultId(), wrappedVaultKey: b64Random(72) },
    };
    // The page's script is plain JavaScript text: what a third-party page would run.
    const outcome = (await tab.evaluate(
      `(${pageScript})(${JSON.stringify({
        base: api.server.url,
        registration,
      })})`,
    )) as {
      registered: number;
      account: number;
      address: string;
      requestId: string | null;
      refused: number;
      code: string;
      retryAfter: string | null;
    };
    assert.equal(outcome.registered, 201);
    assert.equal(outcome.account, 200);
    assert.equal(outcome.address, registration.address);
    assert.match(outcome.requestId ?? "", /^[0-9a-f]{16}$/);
    assert.equal(outcome.refused, 429);
    assert.equal(outcome.code, "TOO_MANY_REQUESTS");
    assert.match(outcome.retryAfter ?? "", /^\d+$/);
  },
);
