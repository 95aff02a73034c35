/** `keypears import FILE`: items from another password manager's export (or a KeyPears one), in one transaction. */

import {
  applyImport,
  DUPLICATE_CHOICES,
  type DuplicateChoice,
  IMPORT_FORMATS,
  type ImportPlan,
  isImportFormat,
  needsPassword,
  parseImport,
  planImport,
  resolveFormat,
} from "@keypears/transfer";
import { describeVaultError } from "@keypears/vault";
import { CliError, usageError } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { withVault } from "../session.ts";
import {
  createCounter,
  readExportFile,
  readFilePassword,
  transferFailure,
} from "../transfer-input.ts";

export const command = defineCommand({
  usage: "import <file> [--from <format>] [--dry-run] [--duplicates skip|keep-both|merge]",
  description: `
Imports every item of an export file in one transaction: all of it or nothing. The format is
found from the file's content unless --from names it:
  ${IMPORT_FORMATS.join(", ")}

Fields go where you expect them (username, password, every URL, TOTP, notes, folder path, tags,
favourite, card and identity fields); anything without a place of its own becomes a custom field,
hidden if it was hidden. Password history becomes the field's history.

--dry-run shows what would happen: counts by type, fields that had to be mapped, rows that cannot
be imported and why, and likely duplicates of items already in the vault (the same site and
username, or the same item from an earlier KeyPears import). --duplicates says what to do with
them: skip (the default), keep-both, or merge (the imported values win; the old ones stay in the
field's history).

An encrypted file (KeePass .kdbx, a KeyPears export) asks for its password on the terminal, or
takes it from KEYPEARS_FILE_PASSWORD. Delete a plaintext export once it is imported.`,
  options: {
    from: {
      type: "string",
      valueName: "format",
      description: "the file's format (default: detected)",
    },
    "dry-run": { type: "boolean", description: "show what would be imported; change nothing" },
    duplicates: {
      type: "string",
      valueName: "choice",
      description:
        "skip (default), keep-both or merge items that look like ones already in the vault",
    },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    "keypears import bitwarden_export.json --dry-run",
    "keypears import passwords.csv --from chrome-csv",
    "keypears import vault.kdbx --duplicates merge",
    "KEYPEARS_FILE_PASSWORD=... keypears import backup.keypears --json",
  ],
  run: async (ctx) => {
    const from = ctx.values.from;
    if (from !== undefined && !isImportFormat(from))
      throw usageError(`--from must be one of ${IMPORT_FORMATS.join(", ")}`, "import");
    const duplicates = ctx.values.duplicates ?? "skip";
    if (!(DUPLICATE_CHOICES as readonly string[]).includes(duplicates))
      throw usageError(`--duplicates must be one of ${DUPLICATE_CHOICES.join(", ")}`, "import");
    const path = ctx.positionals[0] as string;
    const bytes = readExportFile(path);
    const format = resolveFormat(bytes, from);
    if (!format.ok) throw transferFailure(format.error);

    return withVault(ctx, async (vault) => {
      const password = needsPassword(format.value)
        ? await readFilePassword(ctx, `Password of ${path}: `)
        : undefined;
      const parsed = await parseImport(bytes, {
        format: format.value,
        ...(password === undefined ? {} : { password }),
      });
      if (!parsed.ok) throw transferFailure(parsed.error);
      const plan = planImport(parsed.value, [...vault.list(), ...vault.list({ trash: true })]);
      if (ctx.values["dry-run"] === true) {
        report(ctx, plan, duplicates as DuplicateChoice, undefined);
        return;
      }
      const counter = createCounter(ctx.io, ctx.json, "importing");
      const applied = applyImport(vault, plan, {
        duplicates: duplicates as DuplicateChoice,
        progress: counter.update,
      });
      counter.done();
      if (!applied.ok)
        throw new CliError(
          `${applied.error.source}: ${describeVaultError(applied.error.error)}; nothing was imported`,
        );
      report(ctx, plan, duplicates as DuplicateChoice, applied.value);
      if (!vault.localOnly && !ctx.json && applied.value.added + applied.value.merged > 0)
        ctx.out.note("The items sync with your other devices at the next `keypears sync`.");
    });
  },
});

const report = (
  ctx: Parameters<(typeof command)["run"]>[0],
  plan: ImportPlan,
  choice: DuplicateChoice,
  outcome: { added: number; merged: number; skipped: number } | undefined,
): void => {
  const { parsed } = plan;
  if (ctx.json) {
    ctx.out.data({
      format: parsed.format,
      dryRun: outcome === undefined,
      items: parsed.items.length,
      byType: plan.countsByType,
      mapped: parsed.mapped,
      rejected: parsed.rejected,
      duplicates: plan.duplicates.map((d) => ({
        source: d.item.source,
        title: d.item.fields["title"],
        existing: d.existing,
        reason: d.reason,
        action: choice,
      })),
      ...(outcome === undefined ? {} : outcome),
    });
    return;
  }
  const byType = Object.entries(plan.countsByType)
    .map(([type, count]) => `${count} ${type}${count === 1 ? "" : "s"}`)
    .join(", ");
  if (outcome === undefined) {
    ctx.out.line(
      `Would import ${parsed.items.length} items from ${parsed.format} (${byType || "none"}).`,
    );
  } else {
    const extra = [
      outcome.merged > 0 ? `${outcome.merged} merged` : "",
      outcome.skipped > 0 ? `${outcome.skipped} skipped as duplicates` : "",
    ].filter(Boolean);
    ctx.out.line(
      `Imported ${outcome.added} items from ${parsed.format} (${byType || "none"})${extra.length > 0 ? `; ${extra.join(", ")}` : ""}.`,
    );
  }
  const mapped = Object.entries(parsed.mapped);
  if (mapped.length > 0) {
    ctx.out.line("Mapped:");
    for (const [what, count] of mapped) ctx.out.line(`  ${what} (${count})`);
  }
  if (plan.duplicates.length > 0) {
    ctx.out.line(
      `Likely duplicates (${choice}${outcome === undefined ? "; change with --duplicates" : ""}):`,
    );
    for (const d of plan.duplicates)
      ctx.out.line(
        `  ${String(d.item.fields["title"])} (${d.item.source}) ~ "${d.existing.title}": ${d.reason}`,
      );
  }
  if (parsed.rejected.length > 0) {
    ctx.out.line(`Cannot be imported (${parsed.rejected.length}):`);
    for (const r of parsed.rejected) ctx.out.line(`  ${r.source}: ${r.reason}`);
  }
};
