// Whether apps/cli/dist was built after every one of its sources last changed: bin/keypears.js
// runs the build only then, and `build.mjs --if-stale` rebuilds only otherwise.
// It runs before every command: paths are joined by hand (their inputs are relative paths from the
// CLI folder, "src/main.ts", "../../packages/..."), as `path.join` on each of some 300 costs more
// than the stat calls themselves.
import { readFileSync, statSync } from "node:fs";

export const isFreshBuild = (cliDir) => {
  try {
    const info = JSON.parse(readFileSync(`${cliDir}/dist/build-info.json`, "utf8"));
    return info.inputs.every((input) => statSync(`${cliDir}/${input}`).mtimeMs <= info.builtAt);
  } catch {
    return false;
  }
};
