/**
 * KeyPears core in the merge benchmark: events written on a source replica (each based on the
 * current heads, as a device writes them), sent as canonical bytes; the receiver decodes,
 * validates and applies each one.
 */

import {
  createDeviceId,
  createHlcClock,
  createIdFactory,
  createReplica,
  createSeededRandom,
  createVaultId,
  decodeEvent,
  encodeEvent,
  type Event,
  isItemId,
  type ItemId,
  type Replica,
  setFieldsOp,
} from "@keypears/sync-core";
import type { MergeContender, MergeSource, MergeTarget } from "./contender.ts";
import { MERGE_SEED, type MergeWorkload } from "./workload.ts";

/** 2026-01-01, and one millisecond between writes: deterministic clocks and ids. */
const START_MS = Date.UTC(2026, 0, 1);

const asItemId = (key: string): ItemId => {
  if (!isItemId(key)) throw new Error(`workload item key ${key} is not a UUID`);
  return key;
};

export const coreSource: MergeSource = {
  key: "core",
  encode: (workload: MergeWorkload) => {
    const random = createSeededRandom(MERGE_SEED);
    let time = START_MS;
    const now = () => time;
    const node = createDeviceId(random);
    const clock = createHlcClock({ node, now });
    const ids = createIdFactory({ now, randomBytes: random });
    const vaultId = createVaultId(random);
    const itemIds = workload.itemKeys.map(asItemId);
    const replica = createReplica();
    return workload.sets.map((set) => {
      time += 1;
      const itemId = itemIds[set.item] as ItemId;
      const event: Event = {
        id: ids.eventId(),
        vaultId,
        itemId,
        hlc: clock.tick(),
        op: setFieldsOp(replica.item(itemId), { [set.field]: set.value }),
        checkpoint: null,
      };
      replica.apply(event);
      return encodeEvent(event);
    });
  },
};

const applyEvent = (replica: Replica, event: Event): void => {
  const outcome = replica.apply(event);
  if (outcome !== "applied") throw new Error(`event ${event.id} was not applied: ${outcome}`);
};

const replicaTarget = (replica: Replica, applyAt: (index: number) => void): MergeTarget => ({
  applyAt,
  read: (itemKey, field) => {
    const value = replica.item(asItemId(itemKey))?.fields.get(field)?.value;
    return typeof value === "string" ? value : undefined;
  },
  dispose: () => undefined,
});

const decodeOrThrow = (bytes: Uint8Array): Event => {
  const decoded = decodeEvent(bytes);
  if (!decoded.ok) throw new Error(`undecodable event: ${decoded.error.reason}`);
  return decoded.value;
};

export const core: MergeContender = {
  key: "core",
  label: "KeyPears core",
  includes:
    "KeyPears core: `decodeEvent` (canonical CBOR decoding, validation, re-encoding to refuse non-canonical input) and `replica.apply`, which keeps every write and its `basedOn` links so concurrent edits are detected exactly.",
  source: coreSource,
  receiver: (stream) => () => {
    const replica = createReplica();
    return replicaTarget(replica, (index) =>
      applyEvent(replica, decodeOrThrow(stream[index] as Uint8Array)),
    );
  },
};

export const corePredecoded: MergeContender = {
  key: "core-apply-only",
  label: "KeyPears core, apply only (pre-decoded)",
  includes:
    "KeyPears core, apply only: `replica.apply` on events decoded beforehand (untimed), to separate the merge from the codec; its memory leaves out the decoded events, which exist before the baseline.",
  source: coreSource,
  receiver: (stream) => {
    const events = stream.map(decodeOrThrow);
    return () => {
      const replica = createReplica();
      return replicaTarget(replica, (index) => applyEvent(replica, events[index] as Event));
    };
  },
};
