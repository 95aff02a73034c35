/** An in-memory replica of a vault: every event applied, every item's merged view on demand. */

import type { Event } from "./event.ts";
import type { EventId, ItemId } from "./ids.ts";
import {
  type ApplyOutcome,
  applyToItem,
  type Conflict,
  createItemState,
  type ItemState,
  type ItemView,
  viewItem,
} from "./item-state.ts";

export interface Replica {
  /** Applies an event in any order, any number of times; see `applyToItem`. */
  readonly apply: (event: Event) => ApplyOutcome;
  readonly has: (id: EventId) => boolean;
  readonly item: (id: ItemId) => ItemView | undefined;
  readonly itemState: (id: ItemId) => ItemState | undefined;
  /** Every item, ordered by id. */
  readonly items: () => readonly ItemView[];
  readonly conflicts: () => readonly Conflict[];
  /** Every event applied, ordered by id. */
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

export const createReplica = (events: Iterable<Event> = []): Replica => {
  const stateByItem = new Map<ItemId, ItemState>();
  const eventById = new Map<EventId, Event>();

  const apply = (event: Event): ApplyOutcome => {
    let state = stateByItem.get(event.itemId);
    if (state === undefined) {
      state = createItemState(event.itemId);
      stateByItem.set(event.itemId, state);
    }
    const outcome = applyToItem(state, event);
    if (outcome === "applied") eventById.set(event.id, event);
    return outcome;
  };
  for (const event of events) apply(event);

  const items = (): ItemView[] =>
    [...stateByItem.values()].map(viewItem).sort(byKey((view) => view.itemId));

  return {
    apply,
    has: (id) => eventById.has(id),
    item: (id) => {
      const state = stateByItem.get(id);
      return state === undefined ? undefined : viewItem(state);
    },
    itemState: (id) => stateByItem.get(id),
    items,
    conflicts: () => items().flatMap((view) => view.conflicts),
    events: () => [...eventById.values()].sort(byKey((e) => e.id)),
    size: () => eventById.size,
  };
};

/** A replica holding the events of both: merging replicas is the union of their event sets. */
export const mergeReplicas = (a: Replica, b: Replica): Replica =>
  createReplica([...a.events(), ...b.events()]);
