export * from "./dismissals.ts";
export * from "./exposed-passwords.ts";
export * from "./findings.ts";
export * from "./health-report.ts";
export * from "./insecure-urls.ts";
export * from "./keyed-hash.ts";
export * from "./password-age.ts";
export * from "./password-strength.ts";
