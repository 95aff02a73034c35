/**
 * `keypears export --format F`: every item, to leave for any manager (plaintext Bitwarden JSON or
 * CSV, with a warning and a confirmation) or to keep (the encrypted KeyPears format, with history).
 */

import { terminalSafe } from "../terminal-safe.ts";
import { closeSync, openSync, writeSync } from "node:fs";
import {
  collectExportItems,
  encodeBitwardenJson,
  encodeCsvExport,
  encodeKeypearsExport,
} from "@keypears/transfer";
import { CliError, usageError } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { readNewPassword } from "../secrets.ts";
import { withVault } from "../session.ts";
import { confirm } from "../transfer-input.ts";

const FORMATS = ["keypears", "bitwarden-json", "csv"] as const;

export const command = defineCommand({
  usage: "export --format keypears|bitwarden-json|csv [--output <file>] [--yes]",
  description: `
Writes every item (the trash too) to a file that is never overwritten and is readable only by you
(mode 0600), or to standard output when it is not a terminal.

  keypears        encrypted under an export password of its own (Argon2id, XChaCha20-Poly1305),
                  with every field's full history; \`keypears import\` reads it back. The password
                  is asked twice, or taken from KEYPEARS_EXPORT_PASSWORD. See docs/export-format.md.
  bitwarden-json  plaintext, Bitwarden's unencrypted JSON: Bitwarden, Vaultwarden and most
                  managers import it.
  csv             plaintext, KeePassXC's columns (then KeyPears's own); spreadsheet formulas are
                  neutralised with a leading apostrophe.

A plaintext export holds every password unencrypted: it asks for confirmation on a terminal
(--yes skips it); delete the file once it is imported elsewhere.`,
  options: {
    format: { type: "string", valueName: "format", description: "keypears, bitwarden-json or csv" },
    output: { type: "string", short: "o", valueName: "file", description: "the file to create" },
    yes: { type: "boolean", short: "y", description: "write a plaintext export without asking" },
  },
  positionals: { min: 0, max: 0 },
  examples: [
    "keypears export --format keypears --output backup.keypears",
    "keypears export --format bitwarden-json --output for-bitwarden.json",
    "keypears export --format csv --output passwords.csv --yes",
  ],
  run: async (ctx) => {
    const format = ctx.values.format;
    if (format === undefined || !(FORMATS as readonly string[]).includes(format))
      throw usageError(`--format must be one of ${FORMATS.join(", ")}`, "export");
    const output = ctx.values.output;
    if (output === undefined && ctx.io.stdout.isTTY)
      throw usageError(
        "an export is not printed on a terminal; name a file with --output",
        "export",
      );
    if (output === undefined && ctx.json)
      throw usageError(
        "with --json the export needs --output (standard output carries the report)",
        "export",
      );
    const plaintext = format !== "keypears";
    if (plaintext && ctx.values.yes !== true) {
      if (ctx.io.stdin.isTTY !== true || ctx.passwordStdin)
        throw new CliError(
          `a ${format} export is unencrypted: every password in it can be read by anyone who gets the file; add --yes to write it`,
        );
    }

    return withVault(ctx, async (vault) => {
      const items = collectExportItems(vault);
      if (plaintext && ctx.values.yes !== true) {
        const sure = await confirm(
          ctx.io,
          `Write ${items.length} items UNENCRYPTED to ${output ?? "standard output"}? Anyone with the file can read every password. [y/N] `,
        );
        if (!sure) throw new CliError("nothing was exported");
      }
      let bytes: Uint8Array;
      if (format === "keypears") {
        const password = await readNewPassword(ctx, {
          question: "Choose a password for the export file: ",
          variable: "KEYPEARS_EXPORT_PASSWORD",
          stdinIndex: 1,
        });
        bytes = await encodeKeypearsExport(items, { password, now: Date.now() });
      } else bytes = format === "csv" ? encodeCsvExport(items) : encodeBitwardenJson(items);
      if (output === undefined) {
        // Into a pipe as it is; onto a terminal with its control characters shown, not obeyed.
        const text = new TextDecoder().decode(bytes);
        ctx.io.stdout.write(ctx.io.stdout.isTTY ? terminalSafe(text) : text);
      } else writeNewFile(output, bytes);
      if (ctx.json) {
        ctx.out.data({
          format,
          items: items.length,
          output: output ?? null,
          encrypted: !plaintext,
        });
        return;
      }
      const where = output === undefined ? "standard output" : output;
      if (plaintext)
        ctx.out.warn(
          `wrote ${items.length} items UNENCRYPTED to ${where}: delete it once it is imported elsewhere`,
        );
      else ctx.out.note(`Wrote ${items.length} items, encrypted, with their history, to ${where}.`);
    });
  },
});

/** Creates the file with mode 0600; an existing file is never overwritten. */
const writeNewFile = (path: string, bytes: Uint8Array): void => {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      code === "EEXIST"
        ? `${path} already exists; an export never overwrites a file, choose another name`
        : `cannot create ${path}: ${code ?? "error"}`,
    );
  }
  try {
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at);
  } finally {
    closeSync(fd);
  }
};
