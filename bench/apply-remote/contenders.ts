/** Every system in the apply benchmark, in table order; the KeyPears vault first, the baseline of the ratios. */

import type { ApplyContender } from "./contender.ts";
import { crdtContenders } from "./crdts.ts";
import { keypearsCore, keypearsVault } from "./keypears.ts";
import { aeadLimit, authenticityLimit, sqliteLimit } from "./limits.ts";

export const applyContenders: readonly ApplyContender[] = [
  keypearsVault,
  keypearsCore,
  ...crdtContenders,
  sqliteLimit,
  aeadLimit,
  authenticityLimit,
];

export const applyContenderByKey = (key: string): ApplyContender => {
  const contender = applyContenders.find((c) => c.key === key);
  if (contender === undefined) {
    throw new Error(
      `unknown apply contender ${key}; known: ${applyContenders.map((c) => c.key).join(", ")}`,
    );
  }
  return contender;
};
