/** `keypears resolve <id|title> --field NAME (--value V | --pick N)`: settles one conflict. */

import { readValueList } from "../secret-input.ts";
import type { FieldValue } from "@keypears/sync-core";
import { type Item, readCustomField, STANDARD_FIELDS } from "@keypears/vault";
import { usageError, vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { displayFieldName, findField, storedFieldName } from "../fields.ts";

import { parseCount } from "../generator.ts";
import { itemJson } from "../item-json.ts";
import { shortIds } from "../short-ids.ts";
import { withVault } from "../session.ts";

export const command = defineCommand({
  usage: "resolve <id|title> --field <name> (--pick <n> | --value <value>)",
  description: `
Settles a conflict listed by \`keypears conflicts\`: --pick takes one of its numbered choices,
--value writes a new value instead (repeat --value for a list field such as urls or tags). Use
--field status for an item that was edited on one device while deleted on another.`,
  options: {
    field: { type: "string", valueName: "name", description: "the field in conflict, or status" },
    pick: {
      type: "string",
      valueName: "n",
      description: "the number of a choice from `keypears conflicts`",
    },
    value: {
      type: "string",
      multiple: true,
      valueName: "value|-",
      description: "a new value instead; - reads it from standard input (one line each)",
    },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    "keypears resolve GitHub --field password --pick 2",
    "keypears resolve GitHub --field notes --value 'merged by hand'",
    "keypears resolve GitHub --field password --value - < new-password.txt",
    "keypears resolve GitHub --field status --pick 1",
  ],
  run: async (ctx) => {
    const { field, pick } = ctx.values;
    const value = await readValueList(ctx, "--value", ctx.values.value);
    if (field === undefined) throw usageError("--field is required", "resolve");
    if ((pick === undefined) === (value === undefined))
      throw usageError("give exactly one of --pick <n> or --value <value>", "resolve");
    const picked = pick === undefined ? undefined : parseCount(pick, "--pick", "resolve");
    if (picked === 0) throw usageError("--pick counts from 1", "resolve");
    return withVault(ctx, (vault) => {
      const found = vault.get(ctx.positionals[0] as string);
      if (!found.ok) throw vaultFailure(found.error);
      const stored = storedFieldName(found.value, field);
      const choice =
        picked !== undefined
          ? { pick: picked }
          : { value: newValue(found.value, stored, value ?? []) };
      const resolved = vault.resolve(found.value.id, stored, choice);
      if (!resolved.ok) throw vaultFailure(resolved.error);
      const item = resolved.value;
      if (ctx.json) {
        ctx.out.data(itemJson(item));
        return;
      }
      const shortId = shortIds(vault);
      ctx.out.line(
        `Resolved ${displayFieldName(stored)} of "${item.title}" (id ${shortId(item.id)}).`,
      );
      if (item.conflicts.length > 0)
        ctx.out.note(
          `"${item.title}" still has ${item.conflicts.length} conflict(s): see \`keypears conflicts\`.`,
        );
    });
  },
});

/** `--value` as the field stores it: a list for list fields, a flag for flags, `[kind, text]` for custom fields. */
const newValue = (item: Item, stored: string, values: readonly string[]): FieldValue => {
  if (stored === "status") return values[0] ?? "";
  const kind = STANDARD_FIELDS[stored];
  if (kind === "list") return values;
  if (values.length > 1)
    throw usageError(`${displayFieldName(stored)} takes one --value`, "resolve");
  const text = values[0] ?? "";
  if (kind === "flag") return text === "true";
  if (kind === undefined) {
    const current = findField(item, stored);
    const hidden =
      current?.conflict?.some((c) => readCustomField(stored, c.value)?.kind === "hidden") ?? false;
    return [hidden ? "hidden" : "text", text];
  }
  return text;
};
