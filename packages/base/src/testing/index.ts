export * from "./bounded-test.ts";
