/** `keypears conflicts`: concurrent edits waiting for a decision, with numbered choices. */

import { defineCommand } from "../command.ts";
import { ACTION_CHOICE_TEXT, conflictChoices } from "../conflict-choices.ts";
import { deviceLabel, isoTime, localTime, MASK, valueLines } from "../format.ts";
import { shortIds } from "../short-ids.ts";
import { withVault } from "../session.ts";

export const command = defineCommand({
  usage: "conflicts [--reveal]",
  description: `
When two devices change the same field before seeing each other's change, KeyPears keeps both
values and asks you, instead of letting the last writer win. This lists every such conflict with
numbered choices; settle one with \`keypears resolve <item> --field <name> --pick <n>\` or give a
new value with --value. Secret values are masked unless --reveal is given.`,
  options: { reveal: { type: "boolean", description: "show secret values" } },
  positionals: { min: 0, max: 0 },
  examples: ["keypears conflicts", "keypears resolve GitHub --field password --pick 2"],
  run: async (ctx) =>
    withVault(ctx, (vault) => {
      const reveal = ctx.values.reveal === true;
      const conflicts = vault
        .conflicts()
        .map(({ item, conflict }) => ({ item, ...conflictChoices(item, conflict, reveal) }));
      if (ctx.json) {
        ctx.out.data(
          conflicts.map(({ item, field, kind, choices }) => ({
            id: item.id,
            title: item.title,
            field,
            kind,
            choices: choices.map((c) => ({ ...c, at: c.at === null ? null : isoTime(c.at) })),
          })),
        );
        return;
      }
      if (conflicts.length === 0) {
        ctx.out.note("No conflicts: every field has one value.");
        return;
      }
      const { style } = ctx.out;
      const shortId = shortIds(vault);
      conflicts.forEach(({ item, field, kind, choices }, n) => {
        if (n > 0) ctx.out.line();
        const what =
          kind === "field"
            ? `${field} was changed on two devices at once`
            : kind === "edit-delete"
              ? "edited on one device while deleted on another"
              : "trashed and deleted at once";
        ctx.out.line(`${style.bold(item.title)} (${shortId(item.id)}): ${what}`);
        for (const choice of choices) {
          const text =
            choice.action !== null
              ? ACTION_CHOICE_TEXT[choice.action]
              : choice.concealed
                ? MASK
                : choice.value === null
                  ? "(field removed)"
                  : valueLines(choice.value).join(" / ");
          const stamp =
            choice.at === null || choice.device === null
              ? ""
              : style.dim(
                  `  ${localTime(choice.at)}, ${deviceLabel(choice.device, vault.deviceId)}`,
                );
          ctx.out.line(
            `  ${style.bold(String(choice.pick))}  ${text}${stamp}${choice.current ? style.dim("  (shown now)") : ""}`,
          );
        }
        ctx.out.line(
          style.dim(`  settle: keypears resolve ${shortId(item.id)} --field ${field} --pick <n>`),
        );
      });
    }),
});
