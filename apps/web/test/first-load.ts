/**
 * Measures the web app's first load in a build folder: the JS and CSS that index.html loads, the
 * vault worker it starts, and everything those import statically, gzipped. Left out: the SQLite
 * WASM and the SQLite package's own JS (`sqlite-wasm-*.js`, named so by vite.config.ts), and
 * chunks loaded later by `import()` (screens opened on demand).
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** Issue 13: at most 150 KB gzipped of JS and CSS, not counting the SQLite WASM. */
export const FIRST_LOAD_BUDGET = 150 * 1024;

const isSqlite = (file: string): boolean => /(^|\/)(sqlite-wasm-|sqlite3-)/.test(file);

export const measureFirstLoad = (
  dir: string,
): { readonly gzipBytes: number; readonly files: readonly string[] } => {
  const html = readFileSync(join(dir, "index.html"), "utf8");
  const queue = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map(
    (match) => match[1] as string,
  );
  const seen = new Set<string>();
  let gzipBytes = 0;
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file) || isSqlite(file)) continue;
    seen.add(file);
    const body = readFileSync(join(dir, file));
    gzipBytes += gzipSync(body, { level: 9 }).length;
    if (!file.endsWith(".js")) continue;
    const source = body.toString("utf8");
    // Static imports (`from"./x.js"`, `import"./x.js"`) and workers (`new URL("x.js", import.meta.url)`, or `/assets/x.js`).
    const references = [
      ...source.matchAll(/(?:from|import)\s*["'`]\.\/([^"'`]+\.js)["'`]/g),
      ...source.matchAll(/new URL\(\s*["'`](?:\/assets\/|\.\/|assets\/)?([^"'`/]+\.js)["'`]/g),
      ...source.matchAll(/new Worker\(\s*(?:new URL\()?\s*["'`]\/assets\/([^"'`]+\.js)["'`]/g),
    ];
    for (const match of references) queue.push(`assets/${match[1] as string}`);
  }
  return { gzipBytes, files: [...seen] };
};
