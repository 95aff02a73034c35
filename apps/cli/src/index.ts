/** The `keypears` command line as a library: `main` runs it in-process (tests, embedding). */

export { main, type MainDeps } from "./main.ts";
export type { CliIo } from "./io.ts";
export * from "./sync-services.ts";
