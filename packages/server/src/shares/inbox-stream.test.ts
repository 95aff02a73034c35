/**
 * The inbox stream (`GET /inbox/stream`): the summary now, then a new one when a share arrives or
 * leaves, for the account's devices only; it ends when the session does. The list of blocked
 * senders (`GET /account/blocks`) follows `PUT /account/blocks/{address}`.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { WireShareEnvelope } from "@keypears/api";
import {
  registerAccount,
  signInDevice,
  startTestServer,
  type TestServer,
} from "../testing/test-server.ts";
import { rejectsWith } from "../testing/expect-error.ts";
import { accountIdOf, storeInbox } from "./share-store.ts";

let server: TestServer;
before(async () => {
  server = await startTestServer({ sharing: { pollMs: 60_000 } });
});
after(() => server.close());

const envelope = (id: string, to: string): WireShareEnvelope => ({
  v: 1,
  suite: "xwing-hkdf-sha256-xchacha20poly1305",
  id,
  from: "alice@elsewhere.test",
  to,
  createdAt: Date.now(),
  expiresAt: Date.now() + 3_600_000,
  senderKeySeq: 0,
  recipientKeyHead: "0".repeat(64),
  enc: "AAAA",
  ciphertext: "AAAA",
  signature: "AAAA",
});

type Summary = { count: number; latest: string | null };

/** Reads a stream in the background; `next` waits (without a clock) for the next summary. */
const reader = (stream: AsyncIterator<Summary>) => {
  const seen: Summary[] = [];
  let ended: unknown;
  let wake: () => void = () => {};
  void (async () => {
    try {
      for (;;) {
        const step = await stream.next();
        if (step.done === true) break;
        seen.push(step.value);
        wake();
      }
      ended = "done";
    } catch (error) {
      ended = error;
    }
    wake();
  })();
  const until = async (check: () => boolean): Promise<void> => {
    while (!check()) await new Promise<void>((resolve) => (wake = resolve));
  };
  return {
    seen,
    nth: async (n: number): Promise<Summary> => {
      await until(() => seen.length >= n || ended !== undefined);
      const summary = seen[n - 1];
      if (summary === undefined) throw new Error(`the stream ended: ${String(ended)}`);
      return summary;
    },
    ended: async (): Promise<unknown> => {
      await until(() => ended !== undefined);
      return ended;
    },
    stop: () => stream.return?.(undefined),
  };
};

test("a device hears of a share arriving and leaving, without asking; another account hears nothing", async () => {
  const bob = await registerAccount(server, "bob");
  const phone = await signInDevice(server, bob);
  const carol = await registerAccount(server, "carol");
  const laptopStream = reader(await bob.client.shares.inboxStream());
  const phoneStream = reader(await phone.client.shares.inboxStream());
  const carolStream = reader(await carol.client.shares.inboxStream());
  assert.deepEqual(await laptopStream.nth(1), { count: 0, latest: null });
  assert.deepEqual(await carolStream.nth(1), { count: 0, latest: null });

  const id = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";
  const accountId = (await accountIdOf(server.server.sql, bob.address)) as string;
  assert.ok(await storeInbox(server.server.sql, accountId, envelope(id, bob.address), new Date()));
  const arrived = await laptopStream.nth(2);
  assert.equal(arrived.count, 1);
  assert.ok(arrived.latest !== null);
  assert.equal((await phoneStream.nth(2)).count, 1);

  // Declined on the phone: the laptop hears it.
  await phone.client.shares.remove({ id });
  assert.deepEqual(await laptopStream.nth(3), { count: 0, latest: null });
  // Carol's stream said nothing of Bob's inbox: her next summary is her own share's.
  const carolId = await accountIdOf(server.server.sql, carol.address);
  await storeInbox(
    server.server.sql,
    carolId as string,
    envelope("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c", carol.address),
    new Date(),
  );
  assert.equal((await carolStream.nth(2)).count, 1);
  assert.equal(carolStream.seen.length, 2);
  await Promise.all([laptopStream.stop(), phoneStream.stop(), carolStream.stop()]);
});

test("the stream ends when the session does, and needs one to start", async () => {
  const dana = await registerAccount(server, "dana");
  const stream = reader(await dana.client.shares.inboxStream());
  await stream.nth(1);
  await dana.client.accounts.logout();
  const ended = (await stream.ended()) as { code?: string };
  assert.equal(ended.code, "UNAUTHORIZED");
  await rejectsWith(server.client().shares.inboxStream(), "UNAUTHORIZED", 401);
});

test("the blocked senders are listed as blocked", async () => {
  const erin = await registerAccount(server, "erin");
  assert.deepEqual((await erin.client.shares.blocks()).blocked, []);
  await erin.client.shares.block({ address: "Spam@Example.net", blocked: true });
  await erin.client.shares.block({ address: "alice@elsewhere.test", blocked: true });
  assert.deepEqual((await erin.client.shares.blocks()).blocked, [
    "alice@elsewhere.test",
    "spam@example.net",
  ]);
  await erin.client.shares.block({ address: "spam@example.net", blocked: false });
  assert.deepEqual((await erin.client.shares.blocks()).blocked, ["alice@elsewhere.test"]);
});
