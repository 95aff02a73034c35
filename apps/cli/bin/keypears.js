#!/usr/bin/env node
// The `keypears` command. Runs the JavaScript built into ../dist (`npm install` builds it; see
// scripts/build.mjs), so start-up loads no TypeScript compiler. Without a build, or when any
// source is newer than the build (an edit since), it runs the sources through tsx instead.
import { join } from "node:path";
import { isFreshBuild } from "../scripts/fresh-build.mjs";

// Processes the CLI starts itself: the agent (`keypears unlock`) and the clipboard clearer
// (`keypears copy`); each reads its orders on stdin.
const helpers = {
  __agent: ["daemon", "agent/daemon", "runAgentProcess"],
  "__clear-clipboard": ["clipboard-clearer", "clipboard/clearer", "runClipboardClearer"],
};
const [built, source, run] = helpers[process.argv[2]] ?? ["main", "main", "main"];
let entry;
if (isFreshBuild(join(import.meta.dirname, ".."))) {
  entry = await import(`../dist/${built}.js`);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  entry = await import(`../src/${source}.ts`);
}
if (run === "main") process.exitCode = await entry.main(process.argv.slice(2));
else await entry[run]();
