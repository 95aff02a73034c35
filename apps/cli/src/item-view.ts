/** An item as people read it in a terminal: fields aligned, secrets masked with how to see them. */

import type { Item, ItemConflict } from "@keypears/vault";
import { displayFieldName, readableValue } from "./fields.ts";
import { deviceLabel, localTime, MASK, shellWord, textWidth, valueLines } from "./format.ts";
import type { Output } from "./output.ts";

export const printItem = (
  out: Output,
  item: Item,
  options: { readonly reveal: boolean; readonly thisDevice: string },
): void => {
  const { style } = out;
  const rows: [string, string[]][] = [
    ["id", [item.id]],
    ["type", [item.type]],
  ];
  if (item.status !== "live") rows.push(["status", [style.yellow(statusText(item.status))]]);
  for (const field of item.fields) {
    if (field.name === "title") continue;
    const name = displayFieldName(field.name);
    let lines: string[];
    if (field.secret && !options.reveal) {
      const hint =
        field.name === "totp"
          ? `\`keypears totp ${shellWord(item.title)}\` shows the code`
          : `use --field ${shellWord(name)} to reveal`;
      lines = [`${MASK}  ${style.dim(`(${hint})`)}`];
    } else {
      lines = valueLines(readableValue(field.name, field.value));
    }
    if (field.conflict !== null)
      lines[0] = `${lines[0] ?? ""}  ${style.yellow(`(conflict: ${field.conflict.length} values)`)}`;
    rows.push([name, lines]);
  }
  rows.push(["created", [stampText(item.created, options.thisDevice)]]);
  rows.push(["updated", [stampText(item.updated, options.thisDevice)]]);

  const width = Math.max(...rows.map(([label]) => textWidth(label)));
  out.line(style.bold(item.title));
  for (const [label, lines] of rows) {
    lines.forEach((line, i) =>
      out.line(`  ${style.dim((i === 0 ? label : "").padEnd(width))}  ${line}`.trimEnd()),
    );
  }
  if (item.conflicts.length > 0)
    out.line(
      style.yellow(
        `  ${conflictSummary(item.conflicts)}: see \`keypears conflicts\`, settle with \`keypears resolve\``,
      ),
    );
};

const statusText = (status: string): string =>
  status === "trashed" ? "in the trash" : status === "purged" ? "deleted permanently" : status;

const stampText = (stamp: { at: number; device: string }, thisDevice: string): string =>
  `${localTime(stamp.at)}, ${deviceLabel(stamp.device, thisDevice)}`;

const conflictSummary = (conflicts: readonly ItemConflict[]): string =>
  conflicts
    .map((c) =>
      c.kind === "field"
        ? `${displayFieldName(c.field)} was changed on two devices at once`
        : c.kind === "edit-delete"
          ? "edited on one device while deleted on another"
          : "trashed and deleted concurrently",
    )
    .join("; ");
