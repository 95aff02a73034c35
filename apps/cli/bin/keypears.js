#!/usr/bin/env node
// The `keypears` command: runs the TypeScript sources through tsx (no build step).
import { register } from "tsx/esm/api";

register();
if (process.argv[2] === "__agent") {
  // The agent process `keypears unlock` starts (see src/agent/daemon.ts).
  const { runAgentProcess } = await import("../src/agent/daemon.ts");
  await runAgentProcess();
} else {
  const { main } = await import("../src/main.ts");
  process.exitCode = await main(process.argv.slice(2));
}
