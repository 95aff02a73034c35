export * from "./event-store-contract.ts";
export * from "./test-device.ts";
export * from "./event-json.ts";
export * from "./reference-merge.ts";
