/**
 * Recovery of the sharing identity when a device published its key log and then failed to save
 * the identity in the vault (a full disk, a crash between the two steps): the next attempt
 * publishes and saves the same keys, so the server never keeps a log the vault cannot extend.
 * Against a real server (`localhost:P`), through the CLI's own share network.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { err } from "@keypears/base";
import { ensureIdentity, readIdentity, sameKeys, verifyKeyLog } from "@keypears/share";
import { discoverServer, registerAccount } from "@keypears/sync-client";
import { startTestServer, type TestServer } from "@keypears/server/testing";
import { createAccount, type Vault } from "@keypears/vault";
import { createTestHome, type TestHome } from "@keypears/vault/testing";
import { shareDeps, shareNetwork } from "./share-network.ts";
import { freePort } from "./testing/free-port.ts";

const PASSWORD = "copper kettle under the old bridge";
let server: TestServer;
let home: TestHome;
before(async () => {
  const port = await freePort();
  server = await startTestServer({ domain: `localhost:${port}`, port });
  home = createTestHome();
});
after(async () => {
  await server.close();
  home.remove();
});

const registered = async (name: string): Promise<Vault> => {
  const address = `${name}@${server.server.domain}`;
  const url = `http://${server.server.domain}`;
  // The default key derivation: the server refuses parameters below its floor.
  const created = await createAccount({
    home: home.path,
    address,
    password: PASSWORD,
    serverUrl: url,
  });
  assert.ok(created.ok);
  const account = created.value;
  const endpoint = await discoverServer(server.server.domain, url);
  assert.ok(endpoint.ok);
  const done = await registerAccount(account.vault, account.registration, endpoint.value, "d");
  assert.ok(done.ok, JSON.stringify(done.ok ? null : done.error));
  return account.vault;
};

test("published, then not saved: the retry saves the published keys instead of failing forever", async () => {
  const vault = await registered("carol");
  const net = await shareNetwork(vault);
  // The vault refuses to store the identity item once (as a full disk would).
  const failing: Vault = { ...vault, add: () => err({ kind: "storage-full" }) as never };
  await assert.rejects(ensureIdentity(failing, net, shareDeps()), /could not be saved/);
  assert.equal(readIdentity(vault), undefined, "nothing saved");
  const served = await net.own.shares.keys({ address: vault.address });
  assert.equal(served.entries.length, 1, "but the key log was published");

  const retried = await ensureIdentity(vault, net, shareDeps());
  assert.ok(retried.ok, JSON.stringify(retried.ok ? null : retried.error));
  const saved = readIdentity(vault);
  assert.ok(saved !== undefined, "saved now");
  const log = verifyKeyLog(vault.address, served.entries);
  assert.ok(log.ok);
  assert.ok(sameKeys(log.value.keys, saved.identity.publicKeys), "the published keys are saved");
  // And it stays consistent: the next call checks the server against the vault and agrees.
  assert.ok((await ensureIdentity(vault, net, shareDeps())).ok);
});

test("saved as pending, not published (server unreachable): the retry publishes the same keys", async () => {
  const vault = await registered("dan");
  const net = await shareNetwork(vault);
  const attempted: unknown[] = [];
  const offline = {
    ...net,
    own: {
      ...net.own,
      shares: {
        ...net.own.shares,
        publishKeys: (input: { entries: unknown[] }) => {
          attempted.push(...input.entries);
          return Promise.reject(new TypeError("fetch failed"));
        },
      },
    },
  } as typeof net;
  const first = await ensureIdentity(vault, offline, shareDeps());
  assert.equal(first.ok ? "ok" : first.error.kind, "network");
  assert.equal(readIdentity(vault), undefined);
  const retried = await ensureIdentity(vault, net, shareDeps());
  assert.ok(retried.ok);
  const served = await net.own.shares.keys({ address: vault.address });
  const log = verifyKeyLog(vault.address, served.entries);
  assert.ok(log.ok && sameKeys(log.value.keys, retried.value.identity.publicKeys));
  assert.deepEqual(served.entries, attempted, "the keys of the first attempt, not new ones");
});
