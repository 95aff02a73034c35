/**
 * `keypears add --json` with no --title: items from standard input in the shape `get --json`
 * prints (one object or an array), for scripting bulk changes without a shell loop. Ids, times
 * and states in the input are ignored: each item is new. Everything is checked before anything is
 * written, and all items are added in one transaction, or none.
 */

import type { FieldValue } from "@keypears/sync-core";
import { customFieldName, isItemType, type Item, ITEM_TYPES, type ItemType } from "@keypears/vault";
import { CliError, vaultFailure } from "../cli-error.ts";
import type { CommandContext } from "../command.ts";
import { warnDuplicateTitle } from "../duplicate-title.ts";
import { standardFieldName } from "../fields.ts";
import { checkTotp, checkUrls } from "../item-checks.ts";
import { itemJson } from "../item-json.ts";
import { withVault } from "../session.ts";

interface NewItem {
  readonly type: ItemType;
  readonly title: string;
  readonly fields: Record<string, FieldValue>;
}

export const addFromJson = async (ctx: CommandContext): Promise<void> => {
  let text = "";
  for await (const chunk of ctx.io.stdin) text += String(chunk);
  if (text.trim() === "")
    throw new CliError(
      "add --json without --title reads items from standard input (the shape `get --json` prints); it was empty",
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    throw new CliError("add --json: standard input is not JSON");
  }
  const inputs = Array.isArray(parsed) ? parsed : [parsed];
  const items = inputs.map((input, index) =>
    readItem(input, inputs.length > 1 ? `item ${index + 1}` : "the item"),
  );
  await withVault(ctx, (vault) => {
    for (const item of items) warnDuplicateTitle(ctx, vault, item.title);
    const added = vault.transact(() =>
      items.map((item) => {
        const result = vault.add({
          type: item.type,
          fields: { title: item.title, ...item.fields },
        });
        if (!result.ok) throw vaultFailure(result.error);
        return result.value;
      }),
    );
    ctx.out.data(
      Array.isArray(parsed) ? added.map((item) => itemJson(item)) : itemJson(added[0] as Item),
    );
  });
};

const readItem = (input: unknown, where: string): NewItem => {
  const fail = (why: string) => new CliError(`add --json: ${where} ${why}; nothing was added`);
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw fail("is not a JSON object");
  const record = input as Record<string, unknown>;
  const type = record["type"] ?? "login";
  if (typeof type !== "string" || !isItemType(type))
    throw fail(`has a type that is not one of ${ITEM_TYPES.join(", ")}`);
  const title = record["title"];
  if (typeof title !== "string" || title.trim() === "") throw fail("needs a title");
  const fields: Record<string, FieldValue> = {};
  const list = record["fields"] ?? [];
  if (!Array.isArray(list)) throw fail('has "fields" that is not a list');
  for (const field of list as unknown[]) {
    if (typeof field !== "object" || field === null)
      throw fail("has a field that is not an object");
    const { name, value, custom, secret, concealed } = field as Record<string, unknown>;
    if (typeof name !== "string" || name === "") throw fail("has a field without a name");
    if (concealed === true || value === null)
      throw fail(`has "${name}" concealed; export it with \`keypears get <item> --json --reveal\``);
    if (custom === true) {
      if (typeof value !== "string") throw fail(`has custom field "${name}" that is not text`);
      fields[customFieldName(name)] = [secret === true ? "hidden" : "text", value];
      continue;
    }
    const known = standardFieldName(name);
    if (known === undefined || known === "title" || known === "type")
      throw fail(
        `has "${name}", which is not a field of an item (custom fields need "custom": true)`,
      );
    if (known === "urls") {
      if (!Array.isArray(value) || !value.every((url) => typeof url === "string"))
        throw fail('has "urls" that is not a list of addresses');
      checkUrls(value as string[], "add");
    }
    if (known === "totp" && typeof value === "string") checkTotp(value, "add");
    fields[known] = value as FieldValue;
  }
  return { type, title, fields };
};
