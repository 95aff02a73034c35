/**
 * A conflict as numbered choices, numbered exactly as `vault.resolve(..., { pick })` counts them,
 * so `keypears conflicts` and `keypears resolve --pick N` agree.
 */

import type { FieldValue, LifecycleKind } from "@keypears/sync-core";
import { type Item, type ItemConflict, isSecretField, statusChoices } from "@keypears/vault";
import { displayFieldName, readableValue } from "./fields.ts";

export interface Choice {
  readonly pick: number;
  /** The value (field conflicts; `null` when concealed or when that side removed the field), or `null` for status choices. */
  readonly value: FieldValue;
  readonly concealed: boolean;
  /** For status conflicts: what picking it does (`restore`, `delete`, `purge`). */
  readonly action: LifecycleKind | null;
  readonly at: number | null;
  readonly device: string | null;
  readonly eventId: string | null;
  readonly current: boolean;
}

export interface ConflictChoices {
  /** The field to name in `resolve --field`: a field's name, or "status". */
  readonly field: string;
  readonly kind: ItemConflict["kind"];
  readonly choices: readonly Choice[];
}

export const conflictChoices = (
  item: Item,
  conflict: ItemConflict,
  reveal: boolean,
): ConflictChoices => {
  if (conflict.kind === "field") {
    // `resolve` numbers the field's own candidate list (current value first).
    const candidates = conflict.candidates;
    return {
      field: displayFieldName(conflict.field),
      kind: conflict.kind,
      choices: candidates.map((candidate, i) => {
        const concealed =
          candidate.value !== null && isSecretField(conflict.field, candidate.value) && !reveal;
        return {
          pick: i + 1,
          value: concealed ? null : readableValue(conflict.field, candidate.value),
          concealed,
          action: null,
          at: candidate.at,
          device: candidate.device,
          eventId: candidate.eventId,
          current: i === 0,
        };
      }),
    };
  }
  const actions = statusChoices(conflict);
  return {
    field: "status",
    kind: conflict.kind,
    choices: actions.map((action, i) => {
      const by =
        conflict.kind === "lifecycle"
          ? conflict.candidates.find((c) => c.action === action)
          : undefined;
      return {
        pick: i + 1,
        value: null,
        concealed: false,
        action,
        at: by?.at ?? null,
        device: by?.device ?? null,
        eventId: by?.eventId ?? null,
        current: false,
      };
    }),
  };
};

export const ACTION_CHOICE_TEXT: Readonly<Record<LifecycleKind, string>> = {
  restore: "keep the item (restore it, with the edits)",
  delete: "move it to the trash",
  purge: "delete it permanently",
};
