/**
 * Strength verdicts kept between sessions, sealed in the vault file: the first report of a new
 * process (every `keypears health`, a reopened web app) estimates only the passwords written since
 * the last report, instead of all of them (zxcvbn: milliseconds a password, most of a minute for
 * 10,000 items on a slow machine).
 *
 * Where: one device-local sealed record of the vault (`vault.sync.writeSecret`, the `state` table
 * under `storeKey`, associated data `AD("state-secret", vaultId, "health-strength")`, never synced). What: the
 * verdicts by the id of the write that holds the password (an event id), and the model that made
 * them (`STRENGTH_MODEL`). Never a password, nor a hash of one: a verdict (score, guessing time,
 * reasons, zxcvbn's feedback) says how strong a password is, so it too stays sealed.
 *
 * Format, version 1: UTF-8 JSON `{"v":1,"model":"...","verdicts":[[writeId, score, guessesLog10,
 * crackSeconds, crackTime, reasons, warning, suggestions], ...]}`. A record of another version or
 * model, or one that does not parse, is ignored (the verdicts are made again and the record
 * rewritten): it is a cache, so reading less is always safe.
 */

import { type Strength, STRENGTH_MODEL, type StrengthReason } from "./password-strength.ts";
import { createStrengthCache, type StrengthCache } from "./strength-cache.ts";

/** The part of the vault used here (`vault.sync` fits it): small sealed device-local records. */
export interface SealedRecords {
  readonly readSecret: (name: string) => Uint8Array | undefined;
  readonly writeSecret: (name: string, value: Uint8Array) => void;
}

/** The record's name among the vault's sealed records. */
export const STRENGTH_RECORD = "health-strength";
const FORMAT_VERSION = 1;

const REASONS: ReadonlySet<string> = new Set<StrengthReason>([
  "common-password",
  "dictionary-word",
  "name",
  "keyboard-pattern",
  "repeat",
  "sequence",
  "date",
  "too-short",
]);

/** A cache holding the verdicts kept in `records`, and what saving it later compares against. */
export interface SealedStrengthCache {
  readonly cache: StrengthCache;
  /** Writes the verdicts back if the report changed any (a new password, a replaced one). */
  readonly save: () => void;
}

export const openSealedStrengthCache = (records: SealedRecords): SealedStrengthCache => {
  const cache = createStrengthCache(readVerdicts(records.readSecret(STRENGTH_RECORD)));
  const loaded = cache.revision();
  let saved = loaded;
  return {
    cache,
    save: () => {
      if (cache.revision() === saved) return;
      records.writeSecret(STRENGTH_RECORD, encodeVerdicts(cache));
      saved = cache.revision();
    },
  };
};

export const encodeVerdicts = (cache: StrengthCache): Uint8Array => {
  const verdicts = [...cache.entries()].map(([writeId, s]) => [
    writeId,
    s.score,
    s.guessesLog10,
    s.crackSeconds,
    s.crackTime,
    s.reasons,
    s.warning,
    s.suggestions,
  ]);
  return new TextEncoder().encode(
    JSON.stringify({ v: FORMAT_VERSION, model: STRENGTH_MODEL, verdicts }),
  );
};

/** The verdicts of a record; none for a missing, unreadable, other-version or other-model one. */
export const readVerdicts = (bytes: Uint8Array | undefined): [string, Strength][] => {
  if (bytes === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return [];
  }
  if (typeof parsed !== "object" || parsed === null) return [];
  const record = parsed as { v?: unknown; model?: unknown; verdicts?: unknown };
  if (record.v !== FORMAT_VERSION || record.model !== STRENGTH_MODEL) return [];
  if (!Array.isArray(record.verdicts)) return [];
  const out: [string, Strength][] = [];
  for (const entry of record.verdicts as unknown[]) {
    const verdict = readVerdict(entry);
    if (verdict === undefined) return [];
    out.push(verdict);
  }
  return out;
};

const readVerdict = (entry: unknown): [string, Strength] | undefined => {
  if (!Array.isArray(entry) || entry.length !== 8) return undefined;
  const [writeId, score, guessesLog10, crackSeconds, crackTime, reasons, warning, suggestions] =
    entry as unknown[];
  if (typeof writeId !== "string" || writeId === "") return undefined;
  if (typeof score !== "number" || !Number.isInteger(score) || score < 0 || score > 4)
    return undefined;
  if (typeof guessesLog10 !== "number" || typeof crackSeconds !== "number") return undefined;
  if (typeof crackTime !== "string") return undefined;
  if (!isTextList(reasons) || !reasons.every((r) => REASONS.has(r))) return undefined;
  if (warning !== null && typeof warning !== "string") return undefined;
  if (!isTextList(suggestions)) return undefined;
  return [
    writeId,
    {
      score: score as Strength["score"],
      guessesLog10,
      crackSeconds,
      crackTime,
      reasons: reasons as StrengthReason[],
      warning,
      suggestions,
    },
  ];
};

const isTextList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === "string");
