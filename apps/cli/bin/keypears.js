#!/usr/bin/env node
// The `keypears` command. Runs the JavaScript built into ../dist (`npm install` builds it; see
// scripts/build.mjs), so start-up loads no TypeScript compiler. Without a build, or when any
// source is newer than the build (an edit since), it runs the sources through tsx instead.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const cliDir = join(import.meta.dirname, "..");

const freshBuild = () => {
  let info;
  try {
    info = JSON.parse(readFileSync(join(cliDir, "dist", "build-info.json"), "utf8"));
  } catch {
    return false;
  }
  try {
    return info.inputs.every((input) => statSync(join(cliDir, input)).mtimeMs <= info.builtAt);
  } catch {
    return false;
  }
};

const agent = process.argv[2] === "__agent";
let entry;
if (freshBuild()) {
  entry = await import(agent ? "../dist/daemon.js" : "../dist/main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  entry = await import(agent ? "../src/agent/daemon.ts" : "../src/main.ts");
}
if (agent) {
  // The agent process `keypears unlock` starts (src/agent/daemon.ts).
  await entry.runAgentProcess();
} else {
  process.exitCode = await entry.main(process.argv.slice(2));
}
