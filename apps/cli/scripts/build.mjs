// Builds the `keypears` command (CLI, agent and the `serve` server) into apps/cli/dist as plain
// JavaScript, so that starting it loads no TypeScript compiler. The workspace's own packages are
// bundled; npm dependencies stay imports, found in node_modules as usual. Commands stay separate
// chunks, loaded only when they run. Run by `npm install` (the root `prepare` script) and
// `npm start`; bin/keypears.js falls back to the sources (through tsx) when dist/ is missing or
// older than any of its sources, so a stale build is never run.
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { isFreshBuild } from "./fresh-build.mjs";

const cliDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(cliDir, "dist");
// Built beside dist and renamed into place: a reader never sees half a build.
const staging = join(cliDir, `.dist-${process.pid}`);

/**
 * Keeps npm packages as imports and bundles the workspace's own sources, marked free of side
 * effects on import (they are: they declare and export), so that a module reached only through a
 * package's index is left out unless something it exports is used. That keeps `keypears
 * --version`, and a command the agent runs, from loading SQLite and the crypto libraries.
 */
const workspaceSources = {
  name: "workspace-sources",
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.inner === true) return undefined;
      // Bare specifiers of npm packages stay imports. A package's own subpath imports (`#name`,
      // its package.json "imports") are resolved here, from that package: left as they are, Node
      // would look them up in the CLI's package.json instead.
      if (/^[^./#]/.test(args.path) && !args.path.startsWith("@keypears/"))
        return { path: args.path, external: true };
      if (args.kind === "entry-point") return undefined;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { inner: true },
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.path, external: resolved.external, sideEffects: false };
    });
  },
};

// --if-stale (npm start, the benchmark): keep a fresh build, so that processes running from it
// (an agent, a test's CLI) never see dist/ swapped under them.
if (process.argv.includes("--if-stale") && isFreshBuild(cliDir)) process.exit(0);

const started = Date.now();
rmSync(staging, { recursive: true, force: true });
const result = await build({
  entryPoints: {
    main: join(cliDir, "src", "main.ts"),
    daemon: join(cliDir, "src", "agent", "daemon.ts"),
    "clipboard-clearer": join(cliDir, "src", "clipboard", "clearer.ts"),
  },
  outdir: staging,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: "linked",
  metafile: true,
  // KEYPEARS_BUILD_META=path writes esbuild's metafile there (to see what each chunk holds).

  logLevel: "warning",
  plugins: [workspaceSources],
});
if (process.env.KEYPEARS_BUILD_META)
  writeFileSync(process.env.KEYPEARS_BUILD_META, JSON.stringify(result.metafile));
const inputs = Object.keys(result.metafile.inputs).map((input) =>
  relative(cliDir, join(process.cwd(), input)),
);
writeFileSync(
  join(staging, "build-info.json"),
  `${JSON.stringify({ builtAt: started, inputs }, null, 1)}\n`,
);
mkdirSync(dist, { recursive: true });
const old = `${dist}.old-${process.pid}`;
renameSync(dist, old);
renameSync(staging, dist);
rmSync(old, { recursive: true, force: true });
console.error(
  `keypears: built apps/cli/dist in ${Date.now() - started} ms (${inputs.length} sources)`,
);
