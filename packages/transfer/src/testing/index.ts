export * from "./export-kdf.ts";
export * from "./fixtures.ts";
export * from "./import-file.ts";
export * from "./vault-fixture.ts";
