/**
 * The platform-free vault core: everything but the platform, which comes in through ports
 * (`SqliteDatabase`, `AccountStorage`, `Compression`, and `VaultDeps` for clock and randomness).
 * Imports no Node built-in and no native driver (a lint rule holds it to that); the Node adapter
 * (`node/`) and the browser adapter (`browser/`) build on it.
 */

export * from "./account.ts";
export * from "./account-record.ts";
export * from "./account-storage.ts";
export * from "./address.ts";
export * from "./ahead-signature-verifier.ts";
export * from "./background-verifier.ts";
export * from "./compression.ts";
export * from "./credentials.ts";
export { type QuarantinedEvent, type QuarantineReason } from "./device-trust.ts";
export * from "./doctor.ts";
export * from "./errors.ts";
export * from "./item.ts";
export * from "./item-model.ts";
export * from "./live-query.ts";
export * from "./recovery-kit.ts";
export * from "./rejected-changes.ts";
export * from "./search.ts";
export * from "./sealing.ts";
export * from "./snapshot.ts";
export * from "./sqlite.ts";
export * from "./sqlite-event-store.ts";
export * from "./schema.ts";
export * from "./vault.ts";
export * from "./vault-sync.ts";
export * from "./signed-sealing.ts";
export * from "./view-opening.ts";
