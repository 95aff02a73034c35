// `npm start [-- <serve options>]`: builds the CLI, then runs `keypears serve` for this checkout.
// Without --domain the domain follows the port (`npm start -- --port 7500` serves
// localhost:7500), so addresses like alice@localhost:7500 reach it.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";

const cliDir = join(import.meta.dirname, "..");
const args = process.argv.slice(2);
const { values } = parseArgs({
  args,
  options: { port: { type: "string" }, domain: { type: "string" } },
  strict: false,
});
const built = spawnSync(process.execPath, [join(cliDir, "scripts", "build.mjs"), "--if-stale"], {
  stdio: "inherit",
});
if (built.status !== 0) process.exit(built.status ?? 1);
const port = typeof values.port === "string" ? values.port : "7420";
const serveArgs = [
  "serve",
  ...(values.port === undefined ? ["--port", port] : []),
  ...(values.domain === undefined ? ["--domain", `localhost:${port}`] : []),
  ...args,
];
process.argv = [process.argv[0], join(cliDir, "bin", "keypears.js"), ...serveArgs];
await import("../bin/keypears.js");
