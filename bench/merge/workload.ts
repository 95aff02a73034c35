/**
 * The merge workload: last-writer-wins field sets over the items of a password vault, the same for
 * every system and the same on every run (derived from a seed).
 */

import { createPrng } from "../lib/prng.ts";

export const FIELD_NAMES = [
  "title",
  "username",
  "password",
  "url",
  "notes",
  "totp",
  "tag",
  "folder",
] as const;

export interface MergeSize {
  readonly sets: number;
  readonly items: number;
}

export const FULL_SIZE: MergeSize = { sets: 100_000, items: 10_000 };
export const SMOKE_SIZE: MergeSize = { sets: 1_000, items: 100 };

export interface FieldSet {
  /** Index into `itemKeys`. */
  readonly item: number;
  readonly field: string;
  readonly value: string;
}

export interface MergeWorkload {
  readonly size: MergeSize;
  /** Item identifiers, UUID-shaped so every system keys its items by the same 36-character text. */
  readonly itemKeys: readonly string[];
  readonly sets: readonly FieldSet[];
}

export const MERGE_SEED = 0x6b70_0001;

const valueAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!@#";

/**
 * Each item is created by one of the first `items` sets (its title); every later set writes a
 * random field of a random item. Values are 16-24 characters.
 */
export const createMergeWorkload = (size: MergeSize, seed: number = MERGE_SEED): MergeWorkload => {
  if (size.items < 1 || size.sets < size.items) {
    throw new Error(`expected at least one set per item, got ${size.sets} sets for ${size.items}`);
  }
  const prng = createPrng(seed);
  const hex = "0123456789abcdef";
  const itemKeys = Array.from({ length: size.items }, () => {
    const digits = prng.text(32, hex);
    const variant = "89ab"[prng.below(4)] as string;
    return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-4${digits.slice(13, 16)}-${variant}${digits.slice(17, 20)}-${digits.slice(20)}`;
  });
  const sets = Array.from({ length: size.sets }, (_, i): FieldSet => {
    const creating = i < size.items;
    return {
      item: creating ? i : prng.below(size.items),
      field: creating ? "title" : (FIELD_NAMES[prng.below(FIELD_NAMES.length)] as string),
      value: prng.text(16 + prng.below(9), valueAlphabet),
    };
  });
  return { size, itemKeys, sets };
};

/**
 * The value each field holds after the first `count` sets (all by default): the last one set, as
 * the sets are sequential on one writer.
 */
export const finalValues = (
  workload: MergeWorkload,
  count: number = workload.sets.length,
): ReadonlyMap<string, string> => {
  const valueByKey = new Map<string, string>();
  for (const set of workload.sets.slice(0, count)) {
    valueByKey.set(fieldKey(set.item, set.field), set.value);
  }
  return valueByKey;
};

export const fieldKey = (item: number, field: string): string => `${item}/${field}`;
