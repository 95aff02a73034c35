/** The `keypears` executable (`bin/keypears.js`), from the sources or from the built `dist/`. */

import { existsSync } from "node:fs";
import { join } from "node:path";

export const keypearsBin = (): string => {
  for (const up of [["..", ".."], [".."]]) {
    const path = join(import.meta.dirname, ...up, "bin", "keypears.js");
    if (existsSync(path)) return path;
  }
  throw new Error("cannot find bin/keypears.js beside the KeyPears CLI");
};
