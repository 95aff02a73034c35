/** Rebuilding the events applied to an item from its merge state, so a replica need not keep them. */

import { compareCodePoints, type Event, type EventOp, type FieldWrite } from "./event.ts";
import type { EventId, VaultId } from "./ids.ts";
import type { ItemState } from "./item-state.ts";

/**
 * The events applied to `state`, each as `applyToItem` took it in (its op in canonical form), with
 * `vaultId` and no checkpoint; an event in `keptWhole` is returned as it is kept instead.
 */
export const itemEvents = (
  state: ItemState,
  vaultId: VaultId,
  keptWhole: ReadonlyMap<EventId, Event>,
): Event[] => {
  const fieldsById = new Map<EventId, FieldWrite[]>();
  const lifecycleSeenById = new Map<EventId, readonly EventId[]>();
  // Field names in code point order, so each event's writes come out in canonical order.
  for (const name of [...state.fields.keys()].sort(compareCodePoints)) {
    for (const write of state.fields.get(name)?.writes.values() ?? []) {
      let fields = fieldsById.get(write.eventId);
      if (fields === undefined) {
        fields = [];
        fieldsById.set(write.eventId, fields);
        lifecycleSeenById.set(write.eventId, write.lifecycleSeen);
      }
      fields.push({ name, value: write.value, basedOn: write.basedOn });
    }
  }
  const events: Event[] = [];
  for (const [id, applied] of state.applied) {
    const kept = keptWhole.get(id);
    if (kept !== undefined) {
      events.push(kept);
      continue;
    }
    const record = state.lifecycle.get(id);
    const op: EventOp =
      applied.kind === "set"
        ? {
            kind: "set",
            lifecycleSeen: lifecycleSeenById.get(id) ?? [],
            fields: fieldsById.get(id) ?? [],
          }
        : {
            kind: applied.kind,
            basedOn: record?.basedOn ?? [],
            seenFields: [...(record?.seenFields ?? [])].map(([name, heads]) => ({ name, heads })),
          };
    events.push({ id, vaultId, itemId: state.itemId, hlc: applied.hlc, checkpoint: null, op });
  }
  return events;
};
