/**
 * Import and export in the owning worker, as `keypears import` and `export` do them: the file is
 * parsed, planned and committed (one vault transaction) beside the database, so Argon2 (KeePass,
 * KeyPears exports), parsing and sealing never run on the page's thread, and the page only sends
 * the file's bytes and gets back a preview or the export's bytes. `@keypears/transfer` (CSV, zip,
 * KDBX) is loaded on first use, so it adds nothing to the worker's start.
 */

import { err, ok, type Result } from "@keypears/base";
import { describeVaultError, type ItemType, type Vault } from "@keypears/vault/core";
import type {
  DuplicateChoice,
  ImportFormat,
  ImportOutcome,
  RejectedRow,
  TransferError,
} from "@keypears/transfer";

export type { DuplicateChoice, ImportFormat, ImportOutcome } from "@keypears/transfer";

export interface ImportRequest {
  readonly bytes: Uint8Array;
  /** Chosen by the person; detected from the content when absent. */
  readonly format?: ImportFormat;
  /** For an encrypted file (KeePass, KeyPears), once the preview asked for it. */
  readonly password?: string;
  readonly duplicates: DuplicateChoice;
  /** Only the preview: nothing is written. */
  readonly dryRun: boolean;
}

export interface ImportDuplicate {
  readonly source: string;
  readonly title: string;
  readonly existing: string;
  readonly reason: string;
}

/** What an import would do (a dry run) or did (with `outcome`): never a secret in it. */
export interface ImportSummary {
  readonly format: ImportFormat;
  readonly items: number;
  readonly byType: Readonly<Partial<Record<ItemType, number>>>;
  readonly mapped: Readonly<Record<string, number>>;
  readonly rejected: readonly RejectedRow[];
  readonly duplicates: readonly ImportDuplicate[];
  readonly outcome?: ImportOutcome;
}

/** Why nothing was imported, with words for the person (never a secret in them). */
export interface ImportFileError {
  /** `refused`: the vault refused an item (named in the message). */
  readonly kind: TransferError["kind"] | "refused";
  readonly message: string;
}

export const EXPORT_FORMATS = ["keypears", "bitwarden-json", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  readonly format: ExportFormat;
  /** The export's own password (the `keypears` format only). */
  readonly password?: string;
}

export interface ExportedFile {
  readonly bytes: Uint8Array;
  readonly items: number;
  readonly encrypted: boolean;
}

export type ExportError = { readonly kind: "password-required" };

export const importFile = async (
  vault: Vault,
  request: ImportRequest,
): Promise<Result<ImportSummary, ImportFileError>> => {
  const transfer = await import("@keypears/transfer");
  const parsed = await transfer.parseImport(request.bytes, {
    ...(request.format === undefined ? {} : { format: request.format }),
    ...(request.password === undefined ? {} : { password: request.password }),
  });
  if (!parsed.ok)
    return err({ kind: parsed.error.kind, message: transfer.describeTransferError(parsed.error) });
  const plan = transfer.planImport(parsed.value, [...vault.list(), ...vault.list({ trash: true })]);
  const summary: ImportSummary = {
    format: parsed.value.format,
    items: parsed.value.items.length,
    byType: plan.countsByType,
    mapped: parsed.value.mapped,
    rejected: parsed.value.rejected,
    duplicates: plan.duplicates.map((d) => ({
      source: d.item.source,
      title: String(d.item.fields["title"] ?? ""),
      existing: d.existing.title,
      reason: d.reason,
    })),
  };
  if (request.dryRun) return ok(summary);
  const applied = transfer.applyImport(vault, plan, { duplicates: request.duplicates });
  if (!applied.ok)
    return err({
      kind: "refused",
      message: `${applied.error.source}: ${describeVaultError(applied.error.error)}; nothing was imported`,
    });
  return ok({ ...summary, outcome: applied.value });
};

export const exportFile = async (
  vault: Vault,
  request: ExportRequest,
  now: number,
): Promise<Result<ExportedFile, ExportError>> => {
  const transfer = await import("@keypears/transfer");
  const items = transfer.collectExportItems(vault);
  switch (request.format) {
    case "keypears": {
      if (request.password === undefined || request.password === "")
        return err({ kind: "password-required" });
      const bytes = await transfer.encodeKeypearsExport(items, {
        password: request.password,
        now,
      });
      return ok({ bytes, items: items.length, encrypted: true });
    }
    case "bitwarden-json":
      return ok({
        bytes: transfer.encodeBitwardenJson(items),
        items: items.length,
        encrypted: false,
      });
    case "csv":
      return ok({ bytes: transfer.encodeCsvExport(items), items: items.length, encrypted: false });
  }
};
