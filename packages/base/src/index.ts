export * from "./address.ts";
export * from "./brand.ts";
export * from "./bytes.ts";
export * from "./event-size.ts";
export * from "./random.ts";
export * from "./result.ts";
