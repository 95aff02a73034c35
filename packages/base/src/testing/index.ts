export * from "./bounded-test.ts";
export * from "./property-seed.ts";
