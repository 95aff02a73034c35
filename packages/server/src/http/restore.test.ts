/**
 * The disaster-recovery route stores re-uploaded events only when they extend the vault's head
 * with the same chain; anything else is refused and stores nothing.
 */

import { base64UrlToBytes, bytesToBase64Url } from "@keypears/base";
import { boundedIt } from "@keypears/base/testing";
import {
  chainStep,
  type ChainHash,
  envelopeBytes,
  type EventId,
  hashEvent,
} from "@keypears/sync-core";
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { rejectsWith } from "../testing/expect-error.ts";
import {
  b64Random,
  b64Signed,
  newEventId,
  registerAccount,
  startTestServer,
  type TestServer,
} from "../testing/test-server.ts";

const it = boundedIt(60_000);

/** Events after `head`, chained as a server would have. */
const chained = (head: { position: number; hash: string }, count: number) => {
  let hash = base64UrlToBytes(head.hash) as ChainHash;
  return Array.from({ length: count }, (_, i) => {
    const id = newEventId();
    const payload = b64Random(40);
    hash = chainStep(
      hash,
      hashEvent(envelopeBytes({ id: id as EventId, payload: base64UrlToBytes(payload) })),
    );
    return { id, payload, position: head.position + i + 1, chainHash: bytesToBase64Url(hash) };
  });
};

describe("restoring events after a backup", () => {
  let test: TestServer;
  before(async () => {
    test = await startTestServer();
  });
  after(() => test.close());

  it("stores events that extend the head with the same chain, and refuses anything else", async () => {
    const { client, vaultId, deviceId } = await registerAccount(test);
    const pushed = await client.vaults.push({
      vaultId,
      events: [{ id: newEventId(), payload: b64Signed(deviceId) }],
    });
    const head = pushed.head;
    const good = chained(head, 3);

    // A wrong hash, a skipped position, or an `after` that is not the head: nothing is stored.
    const forged = good.map((e, i) => (i === 1 ? { ...e, chainHash: b64Random(32) } : e));
    await rejectsWith(
      client.vaults.restore({ vaultId, after: head, events: forged }),
      "CHAIN_MISMATCH",
      409,
    );
    await rejectsWith(
      client.vaults.restore({ vaultId, after: head, events: [good[0]!, good[2]!] }),
      "CHAIN_MISMATCH",
      409,
    );
    await rejectsWith(
      client.vaults.restore({ vaultId, after: { position: 0, hash: head.hash }, events: good }),
      "CHAIN_MISMATCH",
      409,
    );
    assert.deepEqual(await client.vaults.head({ vaultId }), head);

    const restored = await client.vaults.restore({ vaultId, after: head, events: good });
    assert.deepEqual(restored, { position: 4, hash: good[2]!.chainHash });
    const page = await client.vaults.pull({ vaultId, after: 1 });
    assert.deepEqual(page.events, good);
    // Another account cannot restore into this vault.
    const other = await registerAccount(test);
    await rejectsWith(
      other.client.vaults.restore({ vaultId, after: restored, events: chained(restored, 1) }),
      "FORBIDDEN",
      403,
    );
  });
});
