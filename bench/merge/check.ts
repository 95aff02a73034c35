/** The correctness check after applying: sampled fields must hold the last value set, so no system is timed doing nothing. */

import type { MergeTarget } from "./contender.ts";
import { FIELD_NAMES, fieldKey, finalValues, type MergeWorkload } from "./workload.ts";

const SAMPLED_ITEMS = 200;

export type MergeCheck = (label: string, target: MergeTarget, applied: number) => void;

/**
 * Returns a check that throws, naming the field, when a sampled field (or the field of the last
 * set applied) differs from its value after the first `applied` sets of the workload.
 */
export const createMergeCheck = (workload: MergeWorkload): MergeCheck => {
  const step = Math.max(1, Math.floor(workload.itemKeys.length / SAMPLED_ITEMS));
  const sampled = workload.itemKeys
    .map((key, item) => ({ key, item }))
    .filter(({ item }) => item % step === 0 || item === workload.itemKeys.length - 1);
  const complete = finalValues(workload);
  return (label, target, applied) => {
    const expected = applied === workload.sets.length ? complete : finalValues(workload, applied);
    const mismatch = (item: number, field: string): string | undefined => {
      const key = workload.itemKeys[item] as string;
      const want = expected.get(fieldKey(item, field));
      const got = target.read(key, field);
      return got === want
        ? undefined
        : `item ${key} field ${field} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
    };
    const last = workload.sets[applied - 1];
    const problems = [
      ...sampled.flatMap(({ item }) => FIELD_NAMES.map((field) => mismatch(item, field))),
      last === undefined ? undefined : mismatch(last.item, last.field),
    ].filter((problem) => problem !== undefined);
    if (problems.length > 0) {
      throw new Error(
        `${label} failed the correctness check after ${applied} updates: ${problems.length} wrong fields, first: ${problems[0]}`,
      );
    }
  };
};
