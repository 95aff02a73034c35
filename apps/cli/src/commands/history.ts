/** `keypears history <id|title>`: every value each field has had, oldest first, when and where. */

import { vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { displayFieldName, isCustomFieldName, readableValue, storedFieldName } from "../fields.ts";
import { deviceNamer } from "../device-names.ts";
import { isoTime, localTime, MASK, valueLines } from "../format.ts";
import { shortIds } from "../short-ids.ts";
import { withVault } from "../session.ts";

const ACTIONS = {
  delete: "moved to the trash",
  restore: "restored",
  purge: "deleted permanently",
} as const;

export const command = defineCommand({
  usage: "history <id|title> [--field <name>] [--reveal]",
  description: `
Every value each field has had, oldest first, with the time (local) and the device that wrote
it, then the item's trash/restore events. "current" marks the value shown now; "conflict" marks
a concurrent value still waiting for \`keypears resolve\`.

Secret values are masked unless you ask for them: --field <name> shows that one field's values
(as \`get --field\` does), --reveal shows all of them.`,
  options: {
    field: { type: "string", valueName: "name", description: "only this field, values shown" },
    reveal: { type: "boolean", description: "show secret values" },
  },
  positionals: { min: 1, max: 1 },
  examples: ["keypears history GitHub", "keypears history GitHub --field password"],
  run: async (ctx) =>
    withVault(ctx, async (vault) => {
      const found = vault.get(ctx.positionals[0] as string);
      if (!found.ok) throw vaultFailure(found.error);
      const asked = ctx.values.field;
      const stored = asked === undefined ? undefined : storedFieldName(found.value, asked);
      const history = vault.history(found.value.id, stored);
      if (!history.ok) throw vaultFailure(history.error);
      const { item, fields, status } = history.value;
      const reveal = ctx.values.reveal === true || asked !== undefined;
      // Only the table shows device names (one request to the server); --json keeps ids.
      const deviceName = ctx.json ? Promise.resolve(String) : deviceNamer(ctx, vault);

      // The item's display order (title first), then fields it no longer has, then its type.
      const rank = (name: string) => {
        const at = item.fields.findIndex((f) => f.name === name);
        return name === "type" ? Infinity : at === -1 ? item.fields.length : at;
      };
      const ordered = [...fields].sort(
        (a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : 1),
      );
      const shown = ordered.map((field) => ({
        name: displayFieldName(field.name),
        secret: field.secret,
        custom: isCustomFieldName(field.name),
        entries: field.entries.map((entry) => ({
          value: field.secret && !reveal ? null : readableValue(field.name, entry.value),
          concealed: field.secret && !reveal,
          at: entry.at,
          device: entry.device as string,
          eventId: entry.eventId as string,
          current: entry.current,
          head: entry.head,
        })),
      }));
      if (ctx.json) {
        ctx.out.data({
          id: item.id,
          title: item.title,
          fields: shown.map((field) => ({
            ...field,
            entries: field.entries.map((entry) => ({ ...entry, at: isoTime(entry.at) })),
          })),
          status:
            asked === undefined
              ? status.map((s) => ({
                  action: s.action,
                  at: isoTime(s.at),
                  device: s.device,
                  eventId: s.eventId,
                }))
              : [],
        });
        return;
      }

      const { style } = ctx.out;
      const shortId = shortIds(vault);
      ctx.out.line(style.bold(`History of "${item.title}" (${shortId(item.id)})`));
      if (shown.length === 0 && asked !== undefined)
        ctx.out.line(`  no values recorded for "${asked}"`);
      for (const field of shown) {
        ctx.out.line();
        ctx.out.line(`${style.bold(field.name)}${field.secret ? style.dim(" (secret)") : ""}`);
        for (const entry of field.entries) {
          const mark = entry.current
            ? style.green("current")
            : entry.head
              ? style.yellow("conflict")
              : "";
          const lines = entry.concealed ? [MASK] : valueLines(entry.value);
          const stamp = `${localTime(entry.at)}  ${(await deviceName)(entry.device).padEnd(23)}`;
          lines.forEach((line, i) =>
            ctx.out.line(
              `  ${i === 0 ? stamp : " ".repeat(stamp.length)}  ${line}${i === 0 && mark !== "" ? `  ${mark}` : ""}`.trimEnd(),
            ),
          );
        }
      }
      if (asked === undefined && status.length > 0) {
        ctx.out.line();
        ctx.out.line(style.bold("status"));
        for (const s of status)
          ctx.out.line(
            `  ${localTime(s.at)}  ${(await deviceName)(s.device).padEnd(23)}  ${ACTIONS[s.action]}`,
          );
      }
      if (shown.some((f) => f.entries.some((e) => e.concealed)))
        ctx.out.note(
          ctx.out.errStyle.dim("Secret values are masked: --field <name> or --reveal shows them."),
        );
    }),
});
