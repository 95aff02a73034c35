/**
 * Browser-test fixtures: the test bundle built with Vite into a temporary folder (never into the
 * repository), a static server for it on 127.0.0.1 (which also forwards `/api` and
 * `/.well-known` to a KeyPears server, so the app and the API share an origin), and Debian's
 * Chromium driven by playwright-core with a profile in a temporary folder.
 */

import {
  createReadStream,
  existsSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBundleOptions {
  readonly aliases?: Readonly<Record<string, string>>;
  /** Modules swapped for others wherever they are imported (`find` matches the specifier). */
  readonly replace?: readonly { readonly find: RegExp; readonly replacement: string }[];
  /**
   * The source of a dedicated worker the page starts (its imports use absolute paths); the
   * worker's one message becomes `window.outcomes`.
   */
  readonly worker?: string;
}

/** Builds `entry` (module paths) into a page with Vite; returns the folder and a cleanup. */
export const buildTestBundle = async (
  entry: string | readonly string[],
  options: TestBundleOptions = {},
): Promise<{ readonly dir: string; readonly dispose: () => void }> => {
  const { build } = await import("vite");
  const root = mkdtempSync(join(tmpdir(), "keypears-vite-"));
  const entries = typeof entry === "string" ? [entry] : entry;
  const startWorker =
    options.worker === undefined
      ? ""
      : 'const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });\n' +
        'worker.addEventListener("message", (event) => { globalThis.outcomes = event.data; });\n';
  if (options.worker !== undefined) writeFileSync(join(root, "worker.ts"), options.worker);
  writeFileSync(
    join(root, "entry.ts"),
    entries.map((path) => `import ${JSON.stringify(resolve(path))};\n`).join("") + startWorker,
  );
  writeFileSync(
    join(root, "index.html"),
    '<!doctype html><html><head><meta charset="utf-8"><title>KeyPears test</title></head><body><script type="module" src="./entry.ts"></script></body></html>\n',
  );
  await build({
    root,
    logLevel: "warn",
    configFile: false,
    build: { outDir: join(root, "dist"), emptyOutDir: true, minify: false, target: "es2022" },
    worker: { format: "es" },
    resolve: {
      alias: [
        ...(options.replace ?? []),
        ...Object.entries(options.aliases ?? {}).map(([find, replacement]) => ({
          find,
          replacement,
        })),
      ],
    },
    optimizeDeps: { exclude: ["@sqlite.org/sqlite-wasm"] },
  });
  return { dir: join(root, "dist"), dispose: () => rmSync(root, { recursive: true, force: true }) };
};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
};

/** Serves `dir` on 127.0.0.1; `/api/*` and `/.well-known/*` go to `apiOrigin` when given. */
export const serveStatic = async (
  dir: string,
  apiOrigin?: string,
): Promise<{
  readonly url: string;
  readonly server: Server;
  readonly close: () => Promise<void>;
}> => {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (
      apiOrigin !== undefined &&
      !path.startsWith("/assets/") &&
      path !== "/" &&
      path !== "/index.html"
    ) {
      const target = new URL(req.url ?? "/", apiOrigin);
      const forwarded = request(
        target,
        { method: req.method ?? "GET", headers: { ...req.headers, host: target.host } },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      forwarded.on("error", () => res.destroy());
      req.pipe(forwarded);
      return;
    }
    const file = join(dir, path === "/" ? "index.html" : path);
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
};

/** Debian's Chromium with a fresh profile folder (where OPFS keeps its files). */
export const launchChromium = async (
  profileDir = mkdtempSync(join(tmpdir(), "keypears-chromium-")),
): Promise<{
  readonly context: BrowserContext;
  readonly profileDir: string;
  readonly close: () => Promise<void>;
  /** Deletes the profile folder (after `close`). */
  readonly removeProfile: () => void;
}> => {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    timeout: 30_000,
  });
  context.setDefaultTimeout(20_000);
  // tsx compiles with esbuild's keepNames, whose `__name` helper would be missing from functions
  // that tests hand to page.evaluate.
  await context.addInitScript({ content: "globalThis.__name = (target) => target;" });
  return {
    context,
    profileDir,
    close: () => context.close(),
    removeProfile: () => rmSync(profileDir, { recursive: true, force: true }),
  };
};

const here = (name: string): string => new URL(name, import.meta.url).pathname;

/** Aliases that let a shared `node:test` suite run in the browser bundle unchanged. */
export const NODE_TEST_ALIASES: Readonly<Record<string, string>> = {
  "node:test": here("./node-test-shim.ts"),
  "node:assert/strict": here("./assert-shim.ts"),
  "node:crypto": here("./crypto-shim.ts"),
};

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM_PATH);

/**
 * Builds the test page (`testing/test-page.ts`) and serves it for the calling file's tests, in a
 * `before` hook, and stops both in an `after` hook; `url` is the page's address once served.
 */
export const serveTestPage = (): { readonly url: string } => {
  let bundle: Awaited<ReturnType<typeof buildTestBundle>> | undefined;
  let site: Awaited<ReturnType<typeof serveStatic>> | undefined;
  before(async () => {
    bundle = await buildTestBundle(fileURLToPath(new URL("./test-page.ts", import.meta.url)));
    site = await serveStatic(bundle.dir);
  });
  after(async () => {
    await site?.close();
    bundle?.dispose();
  });
  return {
    get url() {
      if (site === undefined) throw new Error("the test page is not served yet");
      return site.url;
    },
  };
};
