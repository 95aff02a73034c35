export * from "./envelope.ts";
export * from "./identity.ts";
export * from "./inbox.ts";
export * from "./key-log.ts";
export * from "./safety-number.ts";
export * from "./share-client.ts";
export * from "./sharing-error.ts";
export * from "./vault-records.ts";
