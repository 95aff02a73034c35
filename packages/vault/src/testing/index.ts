export * from "./network-guard.ts";
export * from "./test-home.ts";
export * from "./counted-answers.ts";
