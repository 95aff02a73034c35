/** `keypears list`: items (or the trash) in a table, filtered by search text, tag, folder or type. */

import { fieldValue, type Item, ITEM_TYPES, isItemType, type ListFilter } from "@keypears/vault";
import { usageError } from "../cli-error.ts";
import { defineCommand } from "../command.ts";

import { itemSummaryJson } from "../item-json.ts";
import { shortIds } from "../short-ids.ts";
import { type KeptRow, keptRow } from "../table.ts";
import { warnAboutProblems, withVault } from "../session.ts";

export const command = defineCommand({
  usage: "list [--search <text>] [--tag <tag>] [--folder <folder>] [--type <type>] [--trash]",
  description: `
Lists live items by title, or the trash with --trash. --search looks for text (any case) in
titles, user names, URLs, tags, notes and custom fields that are not hidden; --favorites lists
the favourites (marked * before the title). The ID column is a short prefix: any command taking
<id|title> accepts it. Secrets are never listed, not even with --json.`,
  options: {
    search: {
      type: "string",
      valueName: "text",
      description: "text in the title, user name, a URL or a tag",
    },
    tag: { type: "string", valueName: "tag", description: "only items with this tag" },
    folder: { type: "string", valueName: "folder", description: "only items in this folder" },
    type: {
      type: "string",
      valueName: "type",
      description: `only items of this type (${ITEM_TYPES.join(", ")})`,
    },
    trash: { type: "boolean", description: "list the trash instead" },
    conflicts: { type: "boolean", description: "only items with a conflict to settle" },
    favorites: { type: "boolean", description: "only favourites (marked * in the table)" },
  },
  positionals: { min: 0, max: 0 },
  examples: [
    "keypears list",
    "keypears list --search git",
    "keypears list --tag work --json | jq -r '.[].title'",
    "keypears list --trash",
  ],
  run: async (ctx) => {
    const { search, tag, folder, type, trash, conflicts, favorites } = ctx.values;
    if (type !== undefined && !isItemType(type))
      throw usageError(`--type must be one of ${ITEM_TYPES.join(", ")}`, "list");
    const filter: ListFilter = {
      ...(search === undefined ? {} : { search }),
      ...(tag === undefined ? {} : { tag }),
      ...(folder === undefined ? {} : { folder }),
      ...(type === undefined ? {} : { type }),
      trash: trash === true,
      conflicts: conflicts === true,
      favorite: favorites === true,
    };
    return withVault(ctx, (vault) => {
      warnAboutProblems(ctx, vault);
      const items = vault.list(filter);
      if (ctx.json) {
        ctx.out.data(items.map(itemSummaryJson));
        return;
      }
      if (items.length === 0) {
        const filtered =
          [search, tag, folder, type].some((v) => v !== undefined) || favorites === true;
        ctx.out.note(
          filtered
            ? "No items match."
            : trash === true
              ? "The trash is empty."
              : "No items yet. Add one with `keypears add --title <title> ...`.",
        );
        return;
      }
      const shortId = shortIds(vault);
      ctx.out.keptTable(
        ["ID", "TITLE", "TYPE", "USERNAME", "FOLDER", "TAGS"],
        items.map((item) => ({ first: shortId(item.id), rest: rowOf(item) })),
      );
      const conflicted = items.filter((i) => i.conflicts.length > 0).length;
      if (conflicted > 0) ctx.out.note("(!) has a conflict to settle: see `keypears conflicts`.");
    });
  },
});

/**
 * An item's row past its ID, clipped, measured and laid out once per version of the item: the
 * vault hands out the same immutable object until the item is written again, and the agent lists
 * the same 10,000 items command after command. (The ID column depends on the other items' ids,
 * so it is made for each printout.)
 */
const rowByItem = new WeakMap<Item, KeptRow>();

const rowOf = (item: Item): KeptRow => {
  let row = rowByItem.get(item);
  if (row === undefined) {
    row = keptRow([
      `${fieldValue(item, "favorite") === true ? "* " : ""}${item.title}${item.conflicts.length > 0 ? " (!)" : ""}`,
      item.type,
      text(item, "username"),
      text(item, "folder"),
      list(item, "tags"),
    ]);
    rowByItem.set(item, row);
  }
  return row;
};

const text = (item: Item, name: string): string => {
  const value = fieldValue(item, name);
  return typeof value === "string" ? value : "";
};

const list = (item: Item, name: string): string => {
  const value = fieldValue(item, name);
  return Array.isArray(value) ? value.join(", ") : "";
};
