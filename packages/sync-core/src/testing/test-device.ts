/** A simulated device for tests: its own clock (with optional skew), ids, and replica. */

import { type RandomBytes, createSeededRandom } from "../deps.ts";
import type { Event, FieldValue, LifecycleKind } from "../event.ts";
import { createHlcClock, type HlcClock } from "../hlc.ts";
import {
  createDeviceId,
  createIdFactory,
  type DeviceId,
  type ItemId,
  type VaultId,
} from "../ids.ts";
import type { ApplyOutcome, ItemView } from "../item-state.ts";
import { createReplica, type Replica } from "../replica.ts";
import { lifecycleOp, setFieldsOp } from "../writer.ts";

export interface TestDevice {
  readonly id: DeviceId;
  readonly replica: Replica;
  readonly clock: HlcClock;
  /** Writes fields of an item, based on what this device currently sees. */
  readonly set: (itemId: ItemId, values: Readonly<Record<string, FieldValue>>) => Event;
  readonly lifecycle: (itemId: ItemId, kind: LifecycleKind) => Event;
  /** Applies an event from elsewhere, as sync would. */
  readonly receive: (event: Event) => ApplyOutcome;
  readonly view: (itemId: ItemId) => ItemView | undefined;
  readonly newItemId: () => ItemId;
}

export interface TestDeviceOptions {
  readonly vaultId: VaultId;
  readonly seed: number;
  /** Returns the shared "real" time; the device adds its own skew. */
  readonly wall: () => number;
  readonly skewMs?: number;
}

export const createTestDevice = (options: TestDeviceOptions): TestDevice => {
  const random: RandomBytes = createSeededRandom(options.seed);
  const now = () => options.wall() + (options.skewMs ?? 0);
  const id = createDeviceId(random);
  const clock = createHlcClock({ node: id, now });
  const ids = createIdFactory({ now, randomBytes: random });
  const replica = createReplica();

  const write = (itemId: ItemId, op: Event["op"]): Event => {
    const event: Event = {
      id: ids.eventId(),
      vaultId: options.vaultId,
      itemId,
      hlc: clock.tick(),
      op,
      checkpoint: null,
    };
    replica.apply(event);
    return event;
  };

  return {
    id,
    replica,
    clock,
    set: (itemId, values) => write(itemId, setFieldsOp(replica.item(itemId), values)),
    lifecycle: (itemId, kind) => {
      const view = replica.item(itemId);
      if (view === undefined) throw new Error(`device ${id} has never seen item ${itemId}`);
      return write(itemId, lifecycleOp(view, kind));
    },
    receive: (event) => {
      clock.receive(event.hlc);
      return replica.apply(event);
    },
    view: (itemId) => replica.item(itemId),
    newItemId: ids.itemId,
  };
};
