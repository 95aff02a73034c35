/**
 * A pull of many batches defers the items it touches (`ApplyOptions.defer`) in every batch but its
 * last, and writes them once; a pull that ends early (here a server that lies in the middle of it)
 * still writes the items of the batches it applied, so the device lists exactly what it verified.
 * Real server over HTTP, through a proxy that can lie.
 */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { bytesToBase64Url } from "@keypears/base";
import type { Vault } from "@keypears/vault";
import { expectOk } from "@keypears/vault/testing";
import { closeDevices, createSyncedAccount, serverForFile } from "./testing/harness.ts";
import { isPull, type PullPage, startLyingProxy } from "./testing/lying-proxy.ts";

const file = serverForFile();
after(async () => {
  for (const cleanup of file.cleanups.reverse()) await cleanup();
});

const ITEMS = 30;

/** Records the `defer` flag of every batch the vault is given. */
const recordDefers = (vault: Vault): boolean[] => {
  const defers: boolean[] = [];
  const apply = vault.sync.applyOrdered;
  Object.defineProperty(vault.sync, "applyOrdered", {
    value: ((events, verified, options) => {
      defers.push(options?.defer === true);
      return apply(events, verified, options);
    }) satisfies Vault["sync"]["applyOrdered"],
  });
  return defers;
};

const titles = (vault: Vault) =>
  vault
    .list()
    .map((item) => item.title)
    .sort();

test("every batch of a pull but the last defers its items, and the device ends with every item", async () => {
  const account = await createSyncedAccount(file.server);
  const laptop = account.first;
  file.cleanups.push(() => closeDevices(laptop));
  for (let i = 0; i < ITEMS; i++) expectOk(laptop.vault.add({ fields: { title: `item ${i}` } }));
  await laptop.sync();

  const phone = await account.join("phone", { pullPage: 4, applyBatch: 8 });
  file.cleanups.push(() => closeDevices(phone));
  const defers = recordDefers(phone.vault);
  await phone.sync();
  assert.ok(defers.length >= 4, `several batches (${defers.length})`);
  assert.deepEqual(defers.slice(0, -1), Array(defers.length - 1).fill(true));
  assert.equal(defers.at(-1), false, "the last batch writes the items");
  assert.deepEqual(titles(phone.vault), titles(laptop.vault));
  assert.equal(titles(phone.vault).length, ITEMS);
  assert.deepEqual(phone.vault.sync.flushApplied(), { ok: true, value: 0 });
});

test("a pull that a lie stops in the middle writes the items of the batches it applied", async () => {
  const via = await startLyingProxy(file.server.url);
  file.cleanups.push(() => via.close());
  const account = await createSyncedAccount(file.server);
  const laptop = account.first;
  file.cleanups.push(() => closeDevices(laptop));
  for (let i = 0; i < ITEMS; i++) expectOk(laptop.vault.add({ fields: { title: `item ${i}` } }));
  await laptop.sync();

  const phone = await account.join("phone", { pullPage: 4, applyBatch: 8 }, via.url);
  file.cleanups.push(() => closeDevices(phone));
  const defers = recordDefers(phone.vault);
  // The fifth page the phone asks for has a chain hash the server never computed.
  let pulls = 0;
  via.attack = (exchange, body) => {
    if (!isPull(exchange)) return undefined;
    pulls += 1;
    if (pulls < 5) return undefined;
    const page = body as PullPage;
    const [first, ...rest] = page.events;
    if (first === undefined) return undefined;
    return {
      ...page,
      events: [{ ...first, chainHash: bytesToBase64Url(new Uint8Array(32)) }, ...rest],
    };
  };
  const result = await phone.client.syncOnce();
  assert.equal(result.ok, false, "the lie is caught");
  assert.ok(defers.length >= 2 && defers.every((defer) => defer), `deferred: ${defers.join()}`);
  // The laptop's enrolment, the batch event of its push, then one event per item: the phone
  // verified some of them, and lists exactly those (from item 0 on), although every batch it
  // applied was deferred.
  const verified = phone.vault.sync.verified().position;
  assert.ok(verified > 2 && verified < ITEMS + 2, `verified up to ${verified}`);
  assert.deepEqual(
    titles(phone.vault),
    Array.from({ length: verified - 2 }, (_, i) => `item ${i}`).sort(),
  );
  assert.deepEqual(phone.vault.sync.flushApplied(), { ok: true, value: 0 });

  via.attack = undefined;
  await phone.sync();
  assert.deepEqual(titles(phone.vault), titles(laptop.vault));
});
