/** The sync client without Node: what a browser's vault worker runs (the Node entry adds `home`-based sign-in). */

export * from "./http-transport.ts";
export * from "./onboarding.ts";
export * from "./server-client.ts";
export * from "./session.ts";
export * from "./sync-client.ts";
export * from "./sync-engine.ts";
export * from "./sync-error.ts";
export * from "./watcher.ts";
export * from "./wire.ts";
