/** `keypears copy <id|title>`: a field's value onto the system clipboard, cleared after a while. */

import type { Item } from "@keypears/vault";
import { CliError, usageError, vaultFailure } from "../cli-error.ts";
import { formatDuration, parseDuration } from "../agent/protocol.ts";
import { type Clipboard, findClipboardTool, openClipboard } from "../clipboard/clipboard.ts";
import { startClearer } from "../clipboard/clearer.ts";
import { defineCommand } from "../command.ts";
import { readConfig } from "../config.ts";
import { displayFieldName, findField, readableValue, storedFieldName } from "../fields.ts";
import { plainValue } from "../format.ts";
import { withVault } from "../session.ts";

export const DEFAULT_CLIPBOARD_TIMEOUT = "30s";

/** The field copied when none is named: what a person most often pastes from an item. */
const DEFAULT_FIELD: Readonly<Record<string, string>> = {
  login: "password",
  card: "cardNumber",
  apikey: "apiKey",
  identity: "email",
  note: "notes",
};

export const command = defineCommand({
  usage: "copy <id|title> [--field <name>] [--clear-after <duration>]",
  description: `
Puts one field's value on the system clipboard without showing it: the password by default
(a card's number, an API key's key, a note's text), or --field username, url, a custom field,
or totp for the current one-time code. The clipboard is emptied after ${DEFAULT_CLIPBOARD_TIMEOUT}
(--clear-after, or clipboardTimeout in \`keypears config\`), but only if it still holds that
value: something you copied since is left alone.

Uses wl-copy (Wayland), xclip or xsel (X11), pbcopy (macOS) or clip.exe (Windows, WSL).`,
  options: {
    field: {
      type: "string",
      valueName: "name",
      description: "the field to copy: password (default), username, totp, url or a custom field",
    },
    "clear-after": {
      type: "string",
      valueName: "duration",
      description: `empty the clipboard after this long: 10s, 1m (default ${DEFAULT_CLIPBOARD_TIMEOUT})`,
    },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    "keypears copy GitHub",
    "keypears copy GitHub --field username",
    "keypears copy GitHub --field totp --clear-after 15s",
  ],
  run: async (ctx) => {
    const delayText =
      ctx.values["clear-after"] ??
      readConfig(ctx.home).clipboardTimeout ??
      DEFAULT_CLIPBOARD_TIMEOUT;
    const delayMs = parseDuration(delayText);
    if (delayMs === undefined)
      throw usageError(
        `--clear-after "${delayText}" is not a duration such as 30s or 1m (at most 24h)`,
        "copy",
      );
    const tool = findClipboardTool(ctx.io.env);
    if (tool === undefined)
      throw new CliError(
        "no clipboard to copy to: install wl-clipboard (Wayland) or xclip (X11), or run this in a desktop session",
      );
    return withVault(ctx, async (vault) => {
      const found = vault.get(ctx.positionals[0] as string);
      if (!found.ok) throw vaultFailure(found.error);
      const item = found.value;
      const asked = ctx.values.field ?? DEFAULT_FIELD[item.type] ?? "password";
      let value: string;
      let what: string;
      if (asked.toLowerCase() === "totp") {
        const code = vault.totp(item.id);
        if (!code.ok) throw vaultFailure(code.error);
        value = code.value.code;
        what = "one-time code";
      } else {
        value = fieldText(item, asked);
        what = displayFieldName(storedFieldName(item, asked));
      }
      if (value === "") throw new CliError(`"${item.title}" has an empty ${what}; nothing copied`);
      const clipboard = openClipboard(tool, ctx.io.env);
      try {
        await clipboard.write(value);
      } catch (error) {
        throw new CliError(
          `could not copy with ${tool}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      // xclip, xsel and wl-copy fork and take the selection in the child, after the command we
      // waited for has exited: wait (briefly) until the clipboard holds the value, so the clearer's
      // comparison never runs before the value is there and leaves it behind.
      if (tool === "xclip" || tool === "xsel" || tool === "wl-clipboard")
        await clipboardHolds(clipboard, value);
      const clearerPid = startClearer(tool, ctx.io.env, delayMs, value);
      if (ctx.json) {
        ctx.out.data({
          id: item.id,
          title: item.title,
          field: what,
          clearsInSeconds: delayMs / 1000,
          clearerPid,
        });
        return;
      }
      ctx.out.line(
        `Copied the ${what} of "${item.title}"; the clipboard clears in ${formatDuration(delayMs)}.`,
      );
    });
  },
});

const fieldText = (item: Item, asked: string): string => {
  const field = findField(item, storedFieldName(item, asked));
  if (field === undefined) {
    const names = item.fields.map((f) => displayFieldName(f.name)).join(", ");
    throw new CliError(`"${item.title}" has no field "${asked}"; its fields: ${names}`);
  }
  return plainValue(readableValue(field.name, field.value));
};

/** Waits up to 3 s for the clipboard to read `value` (a slow tool is not an error: copy goes on). */
const clipboardHolds = async (clipboard: Clipboard, value: string): Promise<void> => {
  const deadline = Date.now() + 3_000;
  while ((await clipboard.read()) !== value && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
};
