export * from "./brand.ts";
export * from "./bytes.ts";
export * from "./result.ts";
