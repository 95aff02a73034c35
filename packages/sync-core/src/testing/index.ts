export * from "./event-store-contract.ts";
export * from "./test-device.ts";
export * from "./reference-merge.ts";
