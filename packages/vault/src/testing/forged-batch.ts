/**
 * A pulled batch with forged events, for the tests of signature checking on apply: `writer` adds
 * `count` items, a memory server orders them, and `reader` receives them verified as one page,
 * with some payloads altered after the server ordered them (as a lying server would serve them).
 * Platform-free: it runs in Node and in Chromium.
 */

import {
  type Checkpoint,
  createMemoryEventStore,
  envelopeBytes,
  type StoredEvent,
  verifySegment,
} from "@keypears/sync-core";
import type { Vault } from "../vault.ts";
import { expectOk } from "./test-platform-helpers.ts";

/** Flips `bit` of the byte at `at(payload)`. */
export const flipBit =
  (at: (payload: Uint8Array) => number, bit: number) =>
  (payload: Uint8Array): Uint8Array =>
    Uint8Array.from(payload, (byte, k) => (k === at(payload) ? byte ^ bit : byte));

export interface ForgedBatch {
  /** The events as the server ordered them (the writer's enrolment first). */
  readonly events: readonly StoredEvent[];
  /** The same events as served, with the forged payloads. */
  readonly served: StoredEvent[];
  /** The page verified over the honest bytes (the chain does not cover the forgeries' payloads). */
  readonly verified: Checkpoint;
}

export const orderedWithForgeries = async (
  writer: Vault,
  reader: Vault,
  count: number,
  forged: ReadonlyMap<number, (payload: Uint8Array) => Uint8Array>,
): Promise<ForgedBatch> => {
  writer.transact(() => {
    for (let i = 0; i < count; i++) expectOk(writer.add({ fields: { title: `Item ${i}` } }));
  });
  const server = createMemoryEventStore();
  const pending = expectOk(writer.sync.pending(count + 100));
  expectOk(
    await server.append(
      writer.vaultId,
      pending.map((p) => ({ id: p.id, payload: p.payload })),
    ),
  );
  const events = await server.readAfter(reader.vaultId, 0, count + 100);
  const verified = expectOk(
    verifySegment({
      trusted: reader.sync.verified(),
      anchor: reader.sync.verified(),
      events: events.map((e) => ({ ...e, bytes: envelopeBytes(e) })),
      head: await server.head(reader.vaultId),
    }),
  );
  const served = events.map((e, i) => {
    const forge = forged.get(i);
    return forge === undefined ? e : { ...e, payload: forge(e.payload) };
  });
  return { events, served, verified };
};
