export * from "./core.ts";
export { loginExistingDevice, loginNewDevice, type LoginInput } from "./node-onboarding.ts";
