/**
 * The service worker: keeps the app shell (index.html, the hashed assets, the SQLite WASM, the
 * manifest and icon) so the app opens with the server down or the network gone. The vault itself
 * lives in OPFS, not here; API and discovery requests always go to the network.
 *
 * A new version installs in the background and waits: the page announces it and the person
 * chooses when to reload (`skip-waiting`), so an update never interrupts an edit.
 */

/** Filled in by the build (vite.config.ts): the shell's files and a version from their hashes. */
const SHELL = "__KEYPEARS_SHELL__" as unknown as {
  readonly version: string;
  readonly files: readonly string[];
};
const CACHE = `keypears-shell-${SHELL.version}`;

/** The parts of the service worker scope used here (the app is type-checked with DOM types). */
interface ExtendableEvent extends Event {
  readonly waitUntil: (promise: Promise<unknown>) => void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  readonly respondWith: (response: Promise<Response>) => void;
}
const scope = globalThis as unknown as {
  readonly addEventListener: {
    (type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
    (type: "fetch", listener: (event: FetchEvent) => void): void;
    (type: "message", listener: (event: MessageEvent) => void): void;
  };
  readonly skipWaiting: () => Promise<void>;
  readonly clients: { readonly claim: () => Promise<void> };
  readonly location: Location;
};

scope.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...SHELL.files])));
});

scope.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys())
        if (name.startsWith("keypears-shell-") && name !== CACHE) await caches.delete(name);
      await scope.clients.claim();
    })(),
  );
});

scope.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") void scope.skipWaiting();
});

scope.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== scope.location.origin) return;
  if (url.pathname.startsWith("/api") || url.pathname.startsWith("/.well-known/")) return;
  // Every page of the app is index.html; the shell's own files come from this version's cache.
  const key = request.mode === "navigate" ? "/" : url.pathname;
  if (request.mode !== "navigate" && !SHELL.files.includes(key)) return;
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(key))
      .then((cached) => cached ?? fetch(request)),
  );
});
