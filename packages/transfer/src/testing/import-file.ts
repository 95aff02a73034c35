/** Parses a fixture and applies it to a vault, failing the test with the reason when either step fails. */

import type { Vault } from "@keypears/vault/core";
import { applyImport, type ImportOutcome } from "../apply-import.ts";
import { describeTransferError, type ImportFormat, type ParsedImport } from "../import-item.ts";
import { planImport, type DuplicateChoice } from "../import-plan.ts";
import { parseImport } from "../parse-import.ts";
import { TEST_EXPORT_KDF_OPTIONS } from "./export-kdf.ts";

export const parseOrThrow = async (
  bytes: Uint8Array,
  options: { format?: ImportFormat; password?: string } = {},
): Promise<ParsedImport> => {
  const parsed = await parseImport(bytes, { ...options, kdfOptions: TEST_EXPORT_KDF_OPTIONS });
  if (!parsed.ok) throw new Error(describeTransferError(parsed.error));
  return parsed.value;
};

export const importInto = async (
  vault: Vault,
  bytes: Uint8Array,
  options: { format?: ImportFormat; password?: string; duplicates?: DuplicateChoice } = {},
): Promise<ImportOutcome & { parsed: ParsedImport }> => {
  const parsed = await parseOrThrow(bytes, options);
  const applied = applyImport(
    vault,
    planImport(parsed, [...vault.list(), ...vault.list({ trash: true })]),
    {
      duplicates: options.duplicates ?? "skip",
    },
  );
  if (!applied.ok)
    throw new Error(`${applied.error.source}: ${JSON.stringify(applied.error.error)}`);
  return { ...applied.value, parsed };
};
