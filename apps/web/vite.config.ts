/** Builds the web app into dist/ (hashed assets, no inline script, the SQLite WASM as a file). */

import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export const WEB_ROOT = fileURLToPath(new URL(".", import.meta.url));

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
    // The timing report is noise in `npm start`'s output.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  worker: { format: "es" },
  optimizeDeps: { exclude: ["@sqlite.org/sqlite-wasm"] },
});
