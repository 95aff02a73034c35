/** An in-memory replica of a vault: every event applied, every item's merged view on demand. */

import { type Event, type EventOp, canonicalOp } from "./event.ts";
import type { EventId, ItemId, VaultId } from "./ids.ts";
import {
  type ApplyOutcome,
  applyToItem,
  type Conflict,
  createItemState,
  type ItemState,
  type ItemView,
  viewItem,
} from "./item-state.ts";
import { itemEvents } from "./item-events.ts";

export interface Replica {
  /** Applies an event in any order, any number of times; see `applyToItem`. */
  readonly apply: (event: Event) => ApplyOutcome;
  readonly has: (id: EventId) => boolean;
  readonly item: (id: ItemId) => ItemView | undefined;
  readonly itemState: (id: ItemId) => ItemState | undefined;
  /** Every item, ordered by id. */
  readonly items: () => readonly ItemView[];
  readonly conflicts: () => readonly Conflict[];
  /** Every event applied, ordered by id, each in canonical form (its op as `normalizeOp` gives it). */
  readonly events: () => readonly Event[];
  readonly size: () => number;
}

const byKey =
  <T>(key: (value: T) => string) =>
  (a: T, b: T): number => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };

/** Can `itemEvents` rebuild this op from what the item state keeps of it? */
const isRebuildable = (op: EventOp): boolean => {
  const canonical = canonicalOp(op);
  const entries = canonical.kind === "set" ? canonical.fields : canonical.seenFields;
  if (canonical.kind === "set" && entries.length === 0) return false; // its lifecycleSeen is kept nowhere
  // The state keeps one write per field name: an op naming a field twice loses one.
  for (let i = 1; i < entries.length; i++)
    if (entries[i - 1]?.name === entries[i]?.name) return false;
  return true;
};

export const createReplica = (events: Iterable<Event> = []): Replica => {
  const stateByItem = new Map<ItemId, ItemState>();
  // The item states hold everything of an event but its vault id and checkpoint, so a replica
  // keeps ids only and rebuilds events when asked (`itemEvents`), instead of retaining every event
  // (a third of its memory). Events it could not rebuild exactly are kept whole: another vault's,
  // one with a checkpoint, and malformed ops that no decoded event has.
  const stateByEvent = new Map<EventId, ItemState>();
  const keptWhole = new Map<EventId, Event>();
  let vaultId: VaultId | undefined;

  const apply = (event: Event): ApplyOutcome => {
    let state = stateByItem.get(event.itemId);
    if (state === undefined) {
      state = createItemState(event.itemId);
      stateByItem.set(event.itemId, state);
    }
    const outcome = applyToItem(state, event);
    if (outcome !== "applied") return outcome;
    // An id already applied to another item: as ever, the replica holds the last event under it.
    const reused = stateByEvent.has(event.id);
    stateByEvent.set(event.id, state);
    vaultId ??= event.vaultId;
    if (event.vaultId !== vaultId || event.checkpoint !== null || !isRebuildable(event.op))
      keptWhole.set(event.id, event);
    else if (reused) keptWhole.delete(event.id);
    return outcome;
  };
  for (const event of events) apply(event);

  const items = (): ItemView[] =>
    [...stateByItem.values()].map(viewItem).sort(byKey((view) => view.itemId));

  return {
    apply,
    has: (id) => stateByEvent.has(id),
    item: (id) => {
      const state = stateByItem.get(id);
      return state === undefined ? undefined : viewItem(state);
    },
    itemState: (id) => stateByItem.get(id),
    items,
    conflicts: () => items().flatMap((view) => view.conflicts),
    events: () =>
      vaultId === undefined
        ? []
        : [...stateByItem.values()]
            .flatMap((state) =>
              itemEvents(state, vaultId as VaultId, keptWhole).filter(
                (event) => stateByEvent.get(event.id) === state,
              ),
            )
            .sort(byKey((e) => e.id)),
    size: () => stateByEvent.size,
  };
};

/** A replica holding the events of both: merging replicas is the union of their event sets. */
export const mergeReplicas = (a: Replica, b: Replica): Replica =>
  createReplica([...a.events(), ...b.events()]);
