import assert from "node:assert/strict";
import { test } from "node:test";
import { ok } from "@keypears/base";
import type { ChainHash, Checkpoint, HeadSubscriber, SyncTransport } from "@keypears/sync-core";
import type { Vault } from "@keypears/vault/core";
import type { SyncReport } from "./sync-engine.ts";
import { watchVault } from "./watcher.ts";

const checkpoint = (position: number): Checkpoint => ({
  position,
  hash: new Uint8Array(32).fill(position) as ChainHash,
});

/** A vault and a transport reduced to what the watcher asks of them, with a stream to drive. */
const fixture = () => {
  let verified = checkpoint(1);
  let subscriber: HeadSubscriber | undefined;
  const vault = {
    vaultId: "vault",
    sync: {
      verified: () => verified,
      status: () => ({ pending: 0 }),
      onLocalChange: () => () => undefined,
    },
  } as unknown as Vault;
  const transport = {
    subscribe: (_vaultId: string, s: HeadSubscriber) => {
      subscriber = s;
      return () => undefined;
    },
  } as unknown as SyncTransport;
  return {
    vault,
    transport,
    announce: (head: Checkpoint) => subscriber?.onHead(head),
    verify: (head: Checkpoint) => (verified = head),
  };
};

const report = (verified: Checkpoint): SyncReport => ({
  pushed: 0,
  rejected: 0,
  pulled: 0,
  verified,
  clockDrift: 0,
  quarantined: [],
  enrolled: [],
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

test("a head notice ahead of the device is handed to the sync it wakes", async () => {
  const { vault, transport, announce, verify } = fixture();
  const controller = new AbortController();
  const calls: (Checkpoint | undefined)[] = [];
  const watching = watchVault(
    vault,
    transport,
    async (announced) => {
      calls.push(announced);
      if (announced !== undefined) verify(announced);
      return ok(report(vault.sync.verified()));
    },
    { signal: controller.signal, pollMs: 60_000 },
  );
  await settle();
  announce(checkpoint(3));
  await settle();
  controller.abort();
  await watching;
  assert.deepEqual(calls, [undefined, checkpoint(3)]);
});

test("a notice of the head a running sync then verified (this device's own push) wakes no other sync", async () => {
  const { vault, transport, announce, verify } = fixture();
  const controller = new AbortController();
  let calls = 0;
  const watching = watchVault(
    vault,
    transport,
    async () => {
      calls++;
      // The push lands at position 2; the stream announces it while the sync pulls it back.
      if (calls === 1) {
        await settle();
        announce(checkpoint(2));
        verify(checkpoint(2));
      }
      return ok(report(vault.sync.verified()));
    },
    { signal: controller.signal, pollMs: 60_000 },
  );
  await settle();
  await settle();
  // A notice of a head this device has not verified still wakes a sync.
  announce(checkpoint(4));
  await settle();
  controller.abort();
  await watching;
  assert.equal(calls, 2);
});
