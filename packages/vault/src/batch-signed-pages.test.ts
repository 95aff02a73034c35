/**
 * Protocol version 3's batch signatures under any split into pages (docs/PROTOCOL.md 18.3): a
 * device that pulls pushes of batch-signed events in pages of any sizes (a page may end anywhere,
 * between a batch and its events included), with some events forged as they are served, applies
 * every honest event and quarantines exactly the forged ones.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createMemoryEventStore, type EventEnvelope } from "@keypears/sync-core";
import fc from "fast-check";
import { flipBit } from "./testing/forged-batch.ts";
import { titleEvent } from "./testing/title-event.ts";
import { verifiedPage } from "./testing/verified-page.ts";
import {
  createTestAccount,
  createTestHome,
  expectOk,
  joinTestDevice,
  type TestHome,
} from "./testing/test-platform.ts";
import type { NewAccount } from "./account.ts";
import type { Vault } from "./vault.ts";
import { propertySeed, propertyRuns } from "@keypears/base/testing";

const ADDRESS = "hal@example.com";
const homes: TestHome[] = [];
let created: NewAccount;
let enrolment: EventEnvelope;

before(async () => {
  const home = createTestHome();
  homes.push(home);
  created = await createTestAccount(home.path, ADDRESS, { serverUrl: "https://example.com" });
  const [pending] = expectOk(created.vault.sync.pending(10));
  assert.ok(pending !== undefined, "the laptop's enrolment is queued before its first push");
  enrolment = { id: pending.id, payload: pending.payload };
});
after(() => {
  created.vault.lock();
  for (const home of homes) home.remove();
});

let devices = 0;
const newReader = async (): Promise<Vault> => {
  const home = createTestHome();
  homes.push(home);
  devices++;
  return joinTestDevice(home.path, created, {
    address: ADDRESS,
    deviceId: `00000000${devices.toString(16).padStart(8, "0")}`,
  });
};

test("property: pulled in pages of any sizes, with any events forged, batch-signed pushes apply exactly their honest events", async () => {
  const seed = propertySeed("batch-signed-pages", "the steps");
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 6 }),
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.nat(), { maxLength: 4 }),
      async (pushSizes, pageSizes, forgedPicks) => {
        const server = createMemoryEventStore();
        const vaultId = created.vault.vaultId;
        expectOk(await server.append(vaultId, [enrolment]));
        const items: { envelope: EventEnvelope; title: string }[] = [];
        for (const [p, size] of pushSizes.entries()) {
          const titles = Array.from({ length: size }, (_, i) => `push ${p} item ${i}`);
          const sealed = created.vault.sync.sealBatchSigned(
            titles.map((title) => titleEvent(created.vault, title)),
          );
          expectOk(await server.append(vaultId, [sealed.batch, ...sealed.items]));
          sealed.items.forEach((envelope, i) => items.push({ envelope, title: titles[i]! }));
        }
        const forged = new Set(forgedPicks.map((pick) => items[pick % items.length]!.envelope.id));
        const reader = await newReader();
        try {
          const quarantined: [string, string][] = [];
          for (let page = 0; ; page++) {
            const size = pageSizes[page % pageSizes.length]!;
            const { events, verified } = await verifiedPage(server, reader, size);
            if (events.length === 0) break;
            const served = events.map((e) =>
              forged.has(e.id) ? { ...e, payload: flipBit((p) => p.length - 1, 4)(e.payload) } : e,
            );
            const result = expectOk(reader.sync.applyOrdered(served, verified));
            for (const q of result.quarantined)
              quarantined.push([events.find((e) => e.position === q.position)!.id, q.reason]);
          }
          assert.equal(quarantined.length, forged.size);
          assert.deepEqual(new Set(quarantined.map(([id]) => id)), forged);
          assert.ok(quarantined.every(([, reason]) => reason === "unsigned"));
          assert.deepEqual(
            reader
              .list()
              .map((item) => item.title)
              .sort(),
            items
              .filter((item) => !forged.has(item.envelope.id))
              .map((item) => item.title)
              .sort(),
          );
        } finally {
          reader.lock();
        }
      },
    ),
    { seed, numRuns: propertyRuns(25), verbose: 1 },
  );
});
