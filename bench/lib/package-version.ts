/** The installed version of a dependency, read from its package.json, so a report names what it measured. */

import { readFileSync } from "node:fs";

const root = new URL("../../", import.meta.url);

export const packageVersion = (name: string): string => {
  const manifest: unknown = JSON.parse(
    readFileSync(new URL(`node_modules/${name}/package.json`, root), "utf8"),
  );
  const version =
    typeof manifest === "object" && manifest !== null && "version" in manifest
      ? manifest.version
      : undefined;
  if (typeof version !== "string") throw new Error(`no version in ${name}/package.json`);
  return version;
};
