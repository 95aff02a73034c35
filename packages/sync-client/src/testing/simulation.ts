/**
 * A randomized simulation over a real server and real HTTP: devices with skewed clocks edit,
 * delete and restore items, sync through a network that drops requests, drops responses and
 * duplicates requests (in push requests of a few events, each led by the batch event that signs
 * it: a retried request sends the same batch), and crash (their vault is closed and reopened from disk). Then the network
 * heals and everyone syncs. Every device must show the same vault and the same history, every
 * value ever written must be in it, every chain must verify, and no fault may ever be reported as
 * anything but the network's (a false alarm of tampering would be a bug too).
 */

import assert from "node:assert/strict";
import { boundedTest } from "@keypears/base/testing";
import { after, before } from "node:test";
import fc from "fast-check";
import {
  createSeededRandom,
  extendChain,
  envelopeBytes,
  GENESIS,
  checkpointsEqual,
} from "@keypears/sync-core";
import type { RunningServer } from "@keypears/server";
import { unlockVault, type Vault, type VaultDeps } from "@keypears/vault";
import { cheapDeps } from "@keypears/vault/testing";
import { createSyncClient } from "../sync-client.ts";
import {
  closeDevices,
  createSyncedAccount,
  endpointOf,
  PASSWORD,
  startSyncServer,
  type TestDatabase,
  type TestDevice,
} from "./harness.ts";

const test = boundedTest(540_000);

const HOUR = 3_600_000;
const FIELDS = ["username", "password", "notes", "urls"] as const;

type Step =
  | { kind: "edit"; device: number; item: number; field: number; value: number }
  | { kind: "trash" | "restore"; device: number; item: number }
  | {
      kind: "sync";
      device: number;
      seed: number;
      dropRequest: number;
      dropResponse: number;
      duplicate: number;
      /** Events per push request: small, so a sync sends several, each with its batch event. */
      pushBatch: number;
    }
  | { kind: "crash"; device: number }
  | { kind: "time"; ms: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("edit" as const),
      device: fc.nat(2),
      item: fc.nat(4),
      field: fc.nat(FIELDS.length - 1),
      value: fc.nat(9),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom("trash" as const, "restore" as const),
      device: fc.nat(2),
      item: fc.nat(4),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("sync" as const),
      device: fc.nat(2),
      seed: fc.nat(),
      dropRequest: fc.integer({ min: 0, max: 30 }),
      dropResponse: fc.integer({ min: 0, max: 30 }),
      duplicate: fc.integer({ min: 0, max: 30 }),
      pushBatch: fc.integer({ min: 2, max: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("crash" as const), device: fc.nat(2) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("time" as const),
      ms: fc.integer({ min: 1, max: 2 * HOUR }),
    }),
  },
);

/** A fetch that loses requests, loses responses (after the server acted) and sends requests twice, at the given percentages. */
const faultyFetch = (
  seed: number,
  dropRequest: number,
  dropResponse: number,
  duplicate: number,
): typeof fetch => {
  const random = createSeededRandom(seed);
  const percent = () => ((random(1)[0] as number) * 100) / 256;
  return async (input, init) => {
    const request = new Request(input, init);
    if (percent() < dropRequest)
      throw new TypeError("fetch failed: the network dropped the request");
    let response = await fetch(request.clone());
    if (percent() < duplicate) {
      await response.arrayBuffer();
      response = await fetch(request);
    }
    if (percent() < dropResponse) {
      await response.arrayBuffer().catch(() => undefined);
      throw new TypeError("fetch failed: the network dropped the response");
    }
    return response;
  };
};

const everything = (vault: Vault) =>
  [...vault.list(), ...vault.list({ trash: true })]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((item) => ({
      id: item.id,
      status: item.status,
      fields: item.fields.map((f) => [f.name, f.value, f.conflict?.map((c) => c.eventId)]),
      conflicts: item.conflicts.map((c) => c.kind),
      history: (() => {
        const history = vault.history(item.id);
        return history.ok
          ? history.value.fields.map((f) => [
              f.name,
              f.entries.map((e) => [e.eventId, e.value, e.current]),
            ])
          : history.error;
      })(),
    }));

export interface SimulationOptions {
  readonly database: () => Promise<{
    readonly database: TestDatabase;
    readonly drop: () => Promise<void>;
  }>;
  readonly numRuns: number;
  readonly minSteps: number;
}

export const runSimulation = (name: string, options: SimulationOptions): void => {
  let server: RunningServer;
  let drop: () => Promise<void> = async () => {};
  before(async () => {
    const db = await options.database();
    drop = db.drop;
    server = await startSyncServer(db.database);
  });
  after(async () => {
    await server.close();
    await drop();
  });
  let runs = 0;
  let steps = 0;

  test(`property (${name}): devices converge with nothing lost and every chain verified, whatever the network and crashes do`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -6 * HOUR, max: 6 * HOUR }), { minLength: 3, maxLength: 3 }),
        fc.array(stepArb, { minLength: 60, maxLength: 220, size: "max" }),
        async (skews, plan) => {
          runs++;
          steps += plan.length;
          let wall = Date.UTC(2026, 10, 21);
          const depsOf = (i: number): VaultDeps =>
            cheapDeps({ now: () => wall + (skews[i] as number) });
          const endpoint = await endpointOf(server);
          const account = await createSyncedAccount(server, { deps: depsOf(0) });
          const devices: TestDevice[] = [
            account.first,
            await account.join("two", {}, undefined, depsOf(1)),
            await account.join("three", {}, undefined, depsOf(2)),
          ];
          const vaults: Vault[] = devices.map((d) => d.vault);
          const itemIds: (string | undefined)[] = [];
          const written: { itemId: string; field: string; value: unknown }[] = [];
          try {
            for (const step of plan) {
              if (step.kind === "time") {
                wall += step.ms;
                continue;
              }
              const vault = vaults[step.device] as Vault;
              if (step.kind === "crash") {
                vault.lock();
                const reopened = await unlockVault({
                  home: (devices[step.device] as TestDevice).home.path,
                  address: account.address,
                  password: PASSWORD,
                  deps: depsOf(step.device),
                });
                assert.ok(reopened.ok);
                vaults[step.device] = reopened.value;
                continue;
              }
              if (step.kind === "sync") {
                const client = createSyncClient(vault, endpoint, {
                  pushBatch: step.pushBatch,
                  fetch: faultyFetch(
                    step.seed,
                    step.dropRequest,
                    step.dropResponse,
                    step.duplicate,
                  ),
                });
                const result = await client.syncOnce();
                if (!result.ok)
                  assert.equal(
                    result.error.kind,
                    "unreachable",
                    `a network fault was reported as ${JSON.stringify(result.error)}`,
                  );
                continue;
              }
              const id = itemIds[step.item];
              if (step.kind === "edit") {
                const field = FIELDS[step.field] as string;
                const value =
                  field === "urls"
                    ? [`https://${step.value}.example`]
                    : `${field}-${step.device}-${step.value}`;
                if (id === undefined) {
                  const added = vault.add({
                    fields: { title: `Item ${step.item}`, [field]: value },
                  });
                  assert.ok(added.ok);
                  itemIds[step.item] = added.value.id;
                  written.push({ itemId: added.value.id, field, value });
                } else if (vault.get(id).ok) {
                  const edited = vault.edit(id, { [field]: value });
                  assert.ok(edited.ok, JSON.stringify(edited));
                  written.push({ itemId: id, field, value });
                }
                continue;
              }
              if (id !== undefined && vault.get(id).ok) {
                const changed = step.kind === "trash" ? vault.trash(id) : vault.restore(id);
                if (!changed.ok)
                  assert.equal(changed.error.kind, "invalid-choice", JSON.stringify(changed.error));
              }
            }

            // The network heals; everyone syncs until nothing moves.
            for (let round = 0; round < 3; round++) {
              for (const vault of vaults) {
                const result = await createSyncClient(vault, endpoint).syncOnce();
                assert.ok(result.ok, JSON.stringify(result));
              }
            }
            const expected = everything(vaults[0] as Vault);
            for (const vault of vaults.slice(1)) assert.deepEqual(everything(vault), expected);
            for (const vault of vaults) {
              const status = vault.sync.status();
              assert.deepEqual([status.pending, status.sent, status.ordered], [0, 0, 0]);
              // The device's own copy of the log recomputes to the checkpoint it verified.
              const log = await vault.sync.eventStore.readAfter(vault.vaultId, 0, 100_000);
              assert.ok(
                checkpointsEqual(extendChain(GENESIS, log.map(envelopeBytes)), status.verified),
              );
              for (const w of written) {
                const history = vault.history(w.itemId, w.field);
                assert.ok(history.ok);
                assert.ok(
                  history.value.fields[0]?.entries.some(
                    (e) => JSON.stringify(e.value) === JSON.stringify(w.value),
                  ),
                  `lost ${JSON.stringify(w)}`,
                );
              }
            }
            assert.equal(
              (vaults[0] as Vault).sync.status().verified.position,
              (vaults[1] as Vault).sync.status().verified.position,
            );
          } finally {
            for (const vault of vaults) {
              try {
                vault.lock();
              } catch {
                // already locked
              }
            }
            closeDevices(...devices);
          }
        },
      ),
      { numRuns: options.numRuns },
    );
    assert.ok(steps >= options.minSteps, `enough steps ran (${steps} in ${runs} runs)`);
  });
};
