/**
 * Builds the web app into dist/ (hashed assets, no inline script, the SQLite WASM as a file) and
 * the service worker `sw.js`, whose list of files to keep offline is written in after the build.
 */

import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

export const WEB_ROOT = fileURLToPath(new URL(".", import.meta.url));

/** The placeholder string in `src/service-worker.ts` (any quotes) that the build fills in. */
const SHELL_PLACEHOLDER = /["'`]__KEYPEARS_SHELL__["'`]/;

/** Writes the app shell's file list and a version (a hash of the files) into the built sw.js. */
const serviceWorkerShell = (): Plugin => {
  let outDir = "";
  return {
    name: "keypears-service-worker-shell",
    apply: "build",
    configResolved: (config) => {
      outDir = resolve(config.root, config.build.outDir);
    },
    writeBundle: {
      // After every other file (the worker's chunks and the WASM included) is on disk.
      order: "post",
      handler: () => {
        const files = [
          ...readdirSync(outDir).filter((name) => name !== "sw.js" && !name.startsWith(".")),
          ...readdirSync(join(outDir, "assets")).map((name) => `assets/${name}`),
        ].filter((name) => name !== "assets" && !name.endsWith(".map"));
        const version = createHash("sha256");
        for (const file of files.sort())
          version.update(file).update(readFileSync(join(outDir, file)));
        const shell = {
          version: version.digest("hex").slice(0, 16),
          files: ["/", ...files.filter((f) => f !== "index.html").map((f) => `/${f}`)],
        };
        const path = join(outDir, "sw.js");
        const source = readFileSync(path, "utf8");
        if (!SHELL_PLACEHOLDER.test(source))
          throw new Error("sw.js has no shell placeholder to fill");
        writeFileSync(
          path,
          source.replace(SHELL_PLACEHOLDER, () => JSON.stringify(shell)),
        );
      },
    },
  };
};

/** A module of our own packages: none has import-time side effects. */
const OWN_PACKAGE = /[\\/]packages[\\/][^\\/]+[\\/]src[\\/]/;

/** Gives the SQLite WASM package's JS its own chunk name, so the size check can leave it out. */
const chunkName = (chunk: { readonly name: string; readonly facadeModuleId: string | null }) =>
  chunk.facadeModuleId?.includes("@sqlite.org/sqlite-wasm") === true
    ? "assets/sqlite-wasm-[hash].js"
    : "assets/[name]-[hash].js";

export default defineConfig({
  root: WEB_ROOT,
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Nothing inlined as a data: URL, no injected polyfill: everything is a file the CSP allows.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: { index: join(WEB_ROOT, "index.html"), sw: join(WEB_ROOT, "src/service-worker.ts") },
      output: {
        // The service worker keeps a fixed name at the root (its scope is the whole app).
        entryFileNames: (chunk) => (chunk.name === "sw" ? "sw.js" : "assets/[name]-[hash].js"),
        chunkFileNames: chunkName,
      },
      // Our own packages have no import-time side effects: what the page does not use is left out.
      treeshake: { moduleSideEffects: (id) => !OWN_PACKAGE.test(id) },
      // The timing report is noise in `npm start`'s output.
      checks: { pluginTimings: false },
    },
  },
  worker: {
    format: "es",
    rolldownOptions: {
      output: { chunkFileNames: chunkName },
      treeshake: { moduleSideEffects: (id) => !OWN_PACKAGE.test(id) },
      checks: { pluginTimings: false },
    },
  },
  optimizeDeps: { exclude: ["@sqlite.org/sqlite-wasm"] },
  plugins: [serviceWorkerShell()],
});
