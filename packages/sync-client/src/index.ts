export * from "./core.ts";
export {
  followPasswordChange,
  type FollowPasswordChangeInput,
  loginExistingDevice,
  loginNewDevice,
  type LoginInput,
} from "./node-onboarding.ts";
