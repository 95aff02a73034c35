/** Sign-in on Node, as the CLI calls it: by `home` folder (the core's functions take a storage port). */

import type { Result } from "@keypears/base";
import {
  nodeAccountStorage,
  nodeCompression,
  nodeSignatureVerifier,
  nodeVaultDeps,
  type Vault,
} from "@keypears/vault";
import * as core from "./onboarding.ts";

export type LoginInput = Omit<core.LoginInput, "storage"> & { readonly home: string };

const onNode = (input: LoginInput): core.LoginInput => {
  const { home, ...rest } = input;
  return {
    ...rest,
    storage: nodeAccountStorage(home),
    deps: {
      compression: nodeCompression,
      signatureVerifier: nodeSignatureVerifier,
      ...(input.deps ?? nodeVaultDeps),
    },
  };
};

export const loginNewDevice = (input: LoginInput): Promise<Result<Vault, core.OnboardingError>> =>
  core.loginNewDevice(onNode(input));

export const loginExistingDevice = (
  input: LoginInput,
): Promise<Result<Vault, core.OnboardingError>> => core.loginExistingDevice(onNode(input));

export type FollowPasswordChangeInput = Omit<core.FollowPasswordChangeInput, "storage"> & {
  readonly home: string;
};

export const followPasswordChange = (
  input: FollowPasswordChangeInput,
): Promise<Result<Vault, core.FollowPasswordChangeError>> => {
  const { home, ...rest } = input;
  return core.followPasswordChange({
    ...rest,
    storage: nodeAccountStorage(home),
    deps: { compression: nodeCompression, ...(input.deps ?? nodeVaultDeps) },
  });
};
