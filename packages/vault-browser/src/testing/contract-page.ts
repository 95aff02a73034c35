/** The page of the contract test: starts the contract worker and exposes its outcomes as `window.contract`. */

declare const Worker: new (
  url: URL,
  options: { readonly type: "module" },
) => { addEventListener: (type: "message", listener: (event: { data: unknown }) => void) => void };

const worker = new Worker(new URL("./contract-worker.ts", import.meta.url), { type: "module" });
worker.addEventListener("message", (event) => {
  (globalThis as unknown as { contract: unknown }).contract = event.data;
});
