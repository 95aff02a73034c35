// Whether apps/cli/dist was built after every one of its sources last changed: bin/keypears.js
// runs the build only then, and `build.mjs --if-stale` rebuilds only otherwise.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export const isFreshBuild = (cliDir) => {
  try {
    const info = JSON.parse(readFileSync(join(cliDir, "dist", "build-info.json"), "utf8"));
    return info.inputs.every((input) => statSync(join(cliDir, input)).mtimeMs <= info.builtAt);
  } catch {
    return false;
  }
};
