/**
 * A page of an in-memory log as a device pulls it: the events after the device's verified
 * checkpoint, and the checkpoint they verify to (docs/PROTOCOL.md 10.3). Platform-free.
 */

import {
  type Checkpoint,
  envelopeBytes,
  type EventStore,
  type StoredEvent,
  verifySegment,
} from "@keypears/sync-core";
import type { Vault } from "../vault.ts";
import { expectOk } from "./test-platform-helpers.ts";

export const verifiedPage = async (
  store: EventStore,
  vault: Vault,
  limit: number,
): Promise<{ readonly events: readonly StoredEvent[]; readonly verified: Checkpoint }> => {
  const trusted = vault.sync.verified();
  const events = await store.readAfter(vault.vaultId, trusted.position, limit);
  const verified = expectOk(
    verifySegment({
      trusted,
      anchor: trusted,
      events: events.map((e) => ({ ...e, bytes: envelopeBytes(e) })),
      head: await store.head(vault.vaultId),
    }),
  );
  return { events, verified };
};
