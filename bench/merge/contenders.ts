/** Every system in the merge benchmark, in table order; KeyPears core first, the baseline of the ratios. */

import { automerge, automergeBackend } from "./automerge.ts";
import type { MergeContender } from "./contender.ts";
import { core, corePredecoded } from "./core.ts";
import { loro } from "./loro.ts";
import { yjs } from "./yjs.ts";

export const BASELINE_KEY = core.key;

export const mergeContenders: readonly MergeContender[] = [
  core,
  corePredecoded,
  yjs,
  loro,
  automergeBackend,
  automerge,
];

export const contenderByKey = (key: string): MergeContender => {
  const contender = mergeContenders.find((c) => c.key === key);
  if (contender === undefined) {
    throw new Error(
      `unknown merge contender ${key}; known: ${mergeContenders.map((c) => c.key).join(", ")}`,
    );
  }
  return contender;
};
