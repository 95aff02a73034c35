import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesEqual } from "@keypears/base";
import {
  accountKeysFromPasswordKey,
  createAccountSecrets,
  deriveAccountKeys,
  derivePasswordKey,
} from "./account-keys.ts";
import { DEFAULT_KDF_PARAMS } from "./argon2id.ts";
import { deriveDeviceKey, openSecretKey, sealSecretKey } from "./device-key.ts";

const cheap = { ...DEFAULT_KDF_PARAMS, memoryKiB: 64, iterations: 1 };
const floor = { memoryKiB: 8, iterations: 1, parallelism: 1 };
const address = "alice@example.com";

test("the two-step derivation gives exactly the keys of the one-step derivation", async () => {
  const { secretKey, salt } = createAccountSecrets();
  const input = {
    password: "correct horse",
    salt,
    address,
    params: cheap,
    unsafeFloorForTests: floor,
  };
  const whole = await deriveAccountKeys({ ...input, secretKey });
  const passwordKey = await derivePasswordKey(input);
  assert.ok(whole.ok && passwordKey.ok);
  const split = accountKeysFromPasswordKey(passwordKey.value, secretKey, salt, address);
  assert.ok(bytesEqual(split.wrapKey, whole.value.wrapKey));
  assert.ok(bytesEqual(split.authSecret, whole.value.authSecret));
});

test("the Secret Key sealed under the device key opens with the right password only, and only for its address", async () => {
  const { secretKey, salt } = createAccountSecrets();
  const key = async (password: string) => {
    const derived = await derivePasswordKey({
      password,
      salt,
      address,
      params: cheap,
      unsafeFloorForTests: floor,
    });
    assert.ok(derived.ok);
    return deriveDeviceKey(derived.value);
  };
  const sealed = sealSecretKey(await key("right"), secretKey, address);
  const opened = openSecretKey(await key("right"), sealed, address);
  assert.ok(opened.ok && bytesEqual(opened.value, secretKey));
  assert.deepEqual(openSecretKey(await key("wrong"), sealed, address), {
    ok: false,
    error: { kind: "wrong-credentials" },
  });
  assert.equal(openSecretKey(await key("right"), sealed, "mallory@example.com").ok, false);
});
