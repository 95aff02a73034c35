/**
 * The flags of `add` and `edit`, turned into field writes. Everything is checked before the vault
 * is unlocked, so a typo costs no password prompt. On `edit`, `--url` and `--tag` replace the
 * whole list and an empty value (`--notes ""`) removes a field.
 */

import type { FieldValue } from "@keypears/sync-core";
import {
  customFieldName,
  type Item,
  ITEM_TYPES,
  isItemType,
  type ItemType,
  readCustomField,
} from "@keypears/vault";
import { CliError, usageError } from "./cli-error.ts";
import { checkTotp, checkUrls } from "./item-checks.ts";
import type { OptionSpecs, OptionValues } from "./command.ts";
import { displayFieldName, standardFieldName } from "./fields.ts";
import {
  type Generated,
  generateSecret,
  GENERATOR_OPTIONS,
  usesGeneratorFlags,
} from "./generator.ts";

export const ITEM_OPTIONS = {
  type: {
    type: "string",
    valueName: "type",
    description: `${ITEM_TYPES.join(", ")} (default login)`,
  },
  title: { type: "string", valueName: "title", description: "the item's name" },
  username: {
    type: "string",
    valueName: "name",
    description: "user name or e-mail to log in with",
  },
  password: {
    type: "string",
    secret: true,
    valueName: "password|-",
    description:
      "the password: - reads it from stdin, no value asks without echo (a value written here is visible in ps and shell history; or use --generate)",
  },
  generate: { type: "boolean", description: "generate the password (see the options below)" },
  ...GENERATOR_OPTIONS,
  url: {
    type: "string",
    multiple: true,
    valueName: "url",
    description: "a web address; repeat for several",
  },
  notes: {
    type: "string",
    secret: true,
    valueName: "text|-",
    description: "free text; - reads every line of stdin, no value asks without echo",
  },
  totp: {
    type: "string",
    secret: true,
    valueName: "secret|-",
    description:
      "two-factor secret: base32, or an otpauth:// URI; - reads it from stdin, no value asks",
  },
  tag: {
    type: "string",
    multiple: true,
    valueName: "tag",
    description: "a tag; repeat for several",
  },
  folder: { type: "string", valueName: "folder", description: "the folder it belongs to" },
  favorite: { type: "boolean", description: "mark it as a favourite (`list --favorites`)" },
  field: {
    type: "string",
    multiple: true,
    valueName: "name=value",
    description:
      "a type's own field (below), else a custom text field; name=- reads the value from stdin, name alone asks for it; repeatable",
  },
  "hidden-field": {
    type: "string",
    multiple: true,
    valueName: "name=value",
    description:
      "a custom field kept hidden like a password; name=- reads the value from stdin, name alone asks for it; repeatable",
  },
} as const satisfies OptionSpecs;

export const EDIT_OPTIONS = {
  ...ITEM_OPTIONS,
  unfavorite: { type: "boolean", description: "no longer a favourite" },
  remove: {
    type: "string",
    multiple: true,
    valueName: "field",
    description: "remove a field (standard or custom); repeatable",
  },
} as const satisfies OptionSpecs;

type EditValues = OptionValues<typeof EDIT_OPTIONS>;

/** What the flags ask for; custom fields are named without their prefix until the item is known. */
export interface ItemIntent {
  readonly type: ItemType | undefined;
  readonly standard: Readonly<Record<string, FieldValue>>;
  readonly custom: readonly {
    readonly name: string;
    readonly hidden: boolean;
    readonly value: string;
  }[];
  readonly remove: readonly string[];
  readonly generated: Generated | undefined;
}

/** Fields with their own flag, not to be set through --field. */
const DEDICATED: Readonly<Record<string, string>> = {
  type: "--type",
  title: "--title",
  username: "--username",
  password: "--password or --generate",
  urls: "--url",
  tags: "--tag",
  notes: "--notes",
  totp: "--totp",
  folder: "--folder",
};

export const parseItemFlags = (values: EditValues, command: "add" | "edit"): ItemIntent => {
  const editing = command === "edit";
  const standard: Record<string, FieldValue> = {};
  const text = (name: string, value: string | undefined) => {
    if (value === undefined) return;
    if (value === "") {
      if (editing) standard[name] = null;
      return;
    }
    standard[name] = value;
  };
  const list = (name: string, entries: readonly string[] | undefined) => {
    if (entries === undefined) return;
    const kept = entries.map((e) => e.trim()).filter((e) => e !== "");
    if (kept.length > 0) standard[name] = [...new Set(kept)];
    else if (editing) standard[name] = null;
  };

  let type: ItemType | undefined;
  if (values.type !== undefined) {
    if (!isItemType(values.type))
      throw usageError(`--type must be one of ${ITEM_TYPES.join(", ")}`, command);
    type = values.type;
    if (editing) standard["type"] = type;
  }
  if (values.title !== undefined) {
    if (values.title.trim() === "") throw usageError("--title must not be empty", command);
    standard["title"] = values.title;
  }
  text("username", values.username);

  let generated: Generated | undefined;
  if (values.generate === true) {
    if (values.password !== undefined)
      throw usageError("give either --password or --generate, not both", command);
    generated = generateSecret(values, command);
    standard["password"] = generated.password;
  } else {
    if (usesGeneratorFlags(values))
      throw usageError("--length, --no-symbols, --passphrase and --words need --generate", command);
    text("password", values.password);
  }

  checkUrls(values.url, command);
  list("urls", values.url);
  text("notes", values.notes);
  if (values.totp !== undefined && values.totp !== "") checkTotp(values.totp, command);
  text("totp", values.totp);
  list("tags", values.tag);
  text("folder", values.folder);
  if (values.favorite === true) standard["favorite"] = true;
  if (values.unfavorite === true) standard["favorite"] = null;

  const custom: { name: string; hidden: boolean; value: string }[] = [];
  for (const [flag, hidden] of [
    ["--field", false],
    ["--hidden-field", true],
  ] as const) {
    for (const assignment of (hidden ? values["hidden-field"] : values.field) ?? []) {
      const at = assignment.indexOf("=");
      if (at <= 0) throw usageError(`${flag} expects name=value, got "${assignment}"`, command);
      const name = assignment.slice(0, at).trim();
      const value = assignment.slice(at + 1);
      const known = standardFieldName(name);
      if (known !== undefined) {
        if (hidden)
          throw usageError(
            `"${known}" is a standard field: set it with --field ${known}=... (secret fields stay hidden)`,
            command,
          );
        const dedicated = DEDICATED[known];
        if (dedicated !== undefined) throw usageError(`set ${known} with ${dedicated}`, command);
        if (known === "favorite") {
          if (value !== "true" && value !== "false" && value !== "")
            throw usageError("--field favorite= expects true or false", command);
          if (value === "") {
            if (editing) standard[known] = null;
          } else standard[known] = value === "true";
          continue;
        }
        text(known, value);
        continue;
      }
      custom.push({ name, hidden, value });
    }
  }

  const remove = values.remove ?? [];
  for (const name of remove) {
    const known = standardFieldName(name);
    if (known === "title" || known === "type")
      throw usageError(`${known} cannot be removed`, command);
  }
  return { type, standard, custom, remove, generated };
};

/** The field writes for `intent` on `item` (undefined when adding). */
export const fieldChanges = (
  intent: ItemIntent,
  item: Item | undefined,
): Record<string, FieldValue> => {
  const changes: Record<string, FieldValue> = {};
  for (const name of intent.remove) {
    const known = standardFieldName(name);
    const stored = known ?? customFieldName(name);
    // Removing a field the item does not have is a mistake (a typo, the wrong item), not "Updated".
    if (item !== undefined && !item.fields.some((f) => f.name === stored)) {
      const names = item.fields.map((f) => displayFieldName(f.name)).join(", ");
      throw new CliError(
        `"${item.title}" has no field "${name}" to remove; nothing was changed. Its fields: ${names}`,
      );
    }
    changes[stored] = null;
  }
  Object.assign(changes, intent.standard);
  for (const { name, hidden, value } of intent.custom) {
    const stored = customFieldName(name);
    if (value === "") {
      if (item !== undefined) changes[stored] = null;
      continue;
    }
    // `--field` on an existing hidden field keeps it hidden: never unhide a secret by accident.
    const existing = item?.fields.find((f) => f.name === stored);
    const wasHidden =
      existing !== undefined && readCustomField(stored, existing.value)?.kind === "hidden";
    changes[stored] = [hidden || wasHidden ? "hidden" : "text", value];
  }
  return changes;
};

export const hasChanges = (intent: ItemIntent): boolean =>
  intent.type !== undefined ||
  Object.keys(intent.standard).length > 0 ||
  intent.custom.length > 0 ||
  intent.remove.length > 0;
