import type { ChainHash, Checkpoint, DeviceId, VaultId } from "@keypears/sync-core";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { followHead } from "./follow-head.ts";
import type { NoticeHub } from "./notice-hub.ts";

const checkpoint = (position: number): Checkpoint => ({
  position,
  hash: new Uint8Array(32).fill(position) as ChainHash,
});
const vaultId = "9003730b-fc58-40a5-9b19-2f1dca57c0a5" as VaultId;

/** A hub the test drives by hand. */
const createFakeHub = () => {
  const heads = new Set<(head: Checkpoint) => void>();
  const ends = new Set<() => void>();
  const resyncs = new Set<() => void>();
  const hub: NoticeHub = {
    onHead: (_vault, listener) => (heads.add(listener), () => heads.delete(listener)),
    onInbox: () => () => {},
    onSessionEnd: (_session, listener) => (ends.add(listener), () => ends.delete(listener)),
    onAnySessionEnd: () => () => {},
    onResync: (listener) => (resyncs.add(listener), () => resyncs.delete(listener)),
    close: async () => {},
  };
  return {
    hub,
    head: (position: number) => heads.forEach((l) => l(checkpoint(position))),
    endSession: () => ends.forEach((l) => l()),
    resync: () => resyncs.forEach((l) => l()),
    listeners: () => heads.size + ends.size + resyncs.size,
  };
};

const follow = (
  fake: ReturnType<typeof createFakeHub>,
  options: { head?: () => number; expiresInMs?: number; signal?: AbortSignal } = {},
) =>
  followHead({
    hub: fake.hub,
    vaultId,
    session: {
      accountId: "a",
      deviceId: "0123456789abcdef" as DeviceId,
      tokenHash: new Uint8Array(32),
      expiresAt: new Date(Date.now() + (options.expiresInMs ?? 60_000)),
    },
    readHead: async () => checkpoint(options.head?.() ?? 0),
    signals: options.signal === undefined ? [] : [options.signal],
    now: Date.now,
    sessionEnded: () => new Error("session ended"),
  });

describe("following a vault's head", () => {
  it("yields the head now, then moves forward only, coalescing moves the reader has not taken", async () => {
    const fake = createFakeHub();
    const heads = follow(fake, { head: () => 3 });
    assert.equal((await heads.next()).value?.position, 3);
    fake.head(2);
    fake.head(5);
    fake.head(4);
    assert.equal((await heads.next()).value?.position, 5);
    await heads.return(undefined);
    assert.equal(fake.listeners(), 0, "unsubscribed");
  });

  it("re-reads the head after a resync", async () => {
    const fake = createFakeHub();
    let stored = 1;
    const heads = follow(fake, { head: () => stored });
    await heads.next();
    stored = 7;
    fake.resync();
    assert.equal((await heads.next()).value?.position, 7);
    await heads.return(undefined);
  });

  it("ends quietly when aborted, and fails when the session ends or expires", async () => {
    const fake = createFakeHub();
    const abort = new AbortController();
    const aborted = follow(fake, { signal: abort.signal });
    await aborted.next();
    setTimeout(() => abort.abort(), 5);
    assert.deepEqual(await aborted.next(), { done: true, value: undefined });

    const revoked = follow(fake);
    await revoked.next();
    setTimeout(() => fake.endSession(), 5);
    await assert.rejects(() => revoked.next(), /session ended/);

    const expiring = follow(fake, { expiresInMs: 30 });
    await expiring.next();
    await assert.rejects(() => expiring.next(), /session ended/);
    assert.equal(fake.listeners(), 0);
  });
});
