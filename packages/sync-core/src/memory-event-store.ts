/** An in-memory `EventStore`: the reference implementation of the port, for tests and simulations. */

import { bytesEqual, err, ok } from "@keypears/base";
import { type EventEnvelope, envelopeBytes } from "./envelope.ts";
import {
  type AppendedEvent,
  assertReadArguments,
  type EventStore,
  type StoredEvent,
} from "./event-store.ts";
import { chainStep, type Checkpoint, GENESIS, hashEvent } from "./hash-chain.ts";
import type { EventId, VaultId } from "./ids.ts";

interface VaultLog {
  readonly events: StoredEvent[];
  readonly byId: Map<EventId, StoredEvent>;
}

export const createMemoryEventStore = (): EventStore => {
  const logs = new Map<VaultId, VaultLog>();
  const logOf = (vaultId: VaultId): VaultLog => {
    let log = logs.get(vaultId);
    if (log === undefined) {
      log = { events: [], byId: new Map() };
      logs.set(vaultId, log);
    }
    return log;
  };
  const headOf = (log: VaultLog): Checkpoint => {
    const last = log.events.at(-1);
    return last === undefined ? GENESIS : { position: last.position, hash: last.chainHash };
  };

  return {
    // Synchronous inside, so appends to one vault cannot interleave.
    append: async (vaultId, envelopes: readonly EventEnvelope[]) => {
      const log = logOf(vaultId);
      const pending = new Map<EventId, StoredEvent>();
      const results: AppendedEvent[] = [];
      let head = headOf(log);
      for (const envelope of envelopes) {
        const existing = log.byId.get(envelope.id) ?? pending.get(envelope.id);
        if (existing !== undefined) {
          if (!bytesEqual(existing.payload, envelope.payload))
            return err({ kind: "id-reused", id: envelope.id });
          results.push({
            id: existing.id,
            position: existing.position,
            chainHash: existing.chainHash,
            duplicate: true,
          });
          continue;
        }
        const position = head.position + 1;
        const chainHash = chainStep(head.hash, hashEvent(envelopeBytes(envelope)));
        const stored: StoredEvent = {
          id: envelope.id,
          payload: envelope.payload.slice(),
          position,
          chainHash,
        };
        pending.set(envelope.id, stored);
        results.push({ id: envelope.id, position, chainHash, duplicate: false });
        head = { position, hash: chainHash };
      }
      for (const stored of pending.values()) {
        log.events.push(stored);
        log.byId.set(stored.id, stored);
      }
      return ok({ events: results, head });
    },
    readAfter: async (vaultId, position, limit) => {
      assertReadArguments(position, limit);
      return (logs.get(vaultId)?.events ?? []).slice(position, position + limit);
    },
    head: async (vaultId) => {
      const log = logs.get(vaultId);
      return log === undefined ? GENESIS : headOf(log);
    },
    checkpointAt: async (vaultId, position) => {
      assertReadArguments(position);
      if (position === 0) return GENESIS;
      const event = logs.get(vaultId)?.events[position - 1];
      return event === undefined ? undefined : { position, hash: event.chainHash };
    },
  };
};
