import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex, utf8ToBytes } from "@keypears/base";
import { argon2id as nobleArgon2id } from "@noble/hashes/argon2.js";
import { argon2id as wasmArgon2id } from "hash-wasm";
import {
  checkKdfParams,
  DEFAULT_KDF_PARAMS,
  deriveArgon2id,
  KDF_CEILING,
  KDF_FLOOR,
  type KdfParams,
} from "./argon2id.ts";

const params = (memoryKiB: number, iterations: number, parallelism: number): KdfParams => ({
  algorithm: "argon2id",
  memoryKiB,
  iterations,
  parallelism,
});
const tinyFloor = { memoryKiB: 8, iterations: 1, parallelism: 1 };

test("noble's Argon2id reproduces RFC 9106 §5.3 (secret and associated data included)", () => {
  // hash-wasm takes no associated data, so the RFC vector is checked on noble, and hash-wasm is cross-checked against noble below.
  const tag = nobleArgon2id(new Uint8Array(32).fill(1), new Uint8Array(16).fill(2), {
    t: 3,
    m: 32,
    p: 4,
    dkLen: 32,
    version: 0x13,
    key: new Uint8Array(8).fill(3),
    personalization: new Uint8Array(12).fill(4),
  });
  assert.equal(bytesToHex(tag), "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
});

test("hash-wasm agrees with noble on several parameter sets, with and without a secret", async () => {
  const cases = [
    { m: 8, t: 1, p: 1 },
    { m: 64, t: 3, p: 2 },
    { m: 256, t: 2, p: 4 },
    { m: 1024, t: 5, p: 1 },
  ];
  for (const { m, t, p } of cases) {
    for (const secret of [undefined, new Uint8Array(8).fill(3)]) {
      const password = utf8ToBytes(`pässword-${m}-${t}-${p}`);
      const salt = utf8ToBytes(`salt-${m}-${t}-${p}-1234`);
      const expected = nobleArgon2id(password, salt, {
        m,
        t,
        p,
        dkLen: 32,
        ...(secret ? { key: secret } : {}),
      });
      const actual = await wasmArgon2id({
        password,
        salt,
        memorySize: m,
        iterations: t,
        parallelism: p,
        hashLength: 32,
        outputType: "binary",
        ...(secret ? { secret } : {}),
      });
      assert.equal(
        bytesToHex(actual),
        bytesToHex(expected),
        `m=${m} t=${t} p=${p} secret=${secret !== undefined}`,
      );
    }
  }
});

test("deriveArgon2id matches the reference implementation's password/somesalt m=65536 t=2 p=1 vector", async () => {
  const expected = "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7";
  const noble = nobleArgon2id("password", "somesalt", { m: 65536, t: 2, p: 1, dkLen: 32 });
  assert.equal(bytesToHex(noble), expected);
  // t=2 is below the production floor, so this known-answer test lowers it explicitly.
  const derived = await deriveArgon2id(
    utf8ToBytes("password"),
    utf8ToBytes("somesalt"),
    params(65536, 2, 1),
    {
      unsafeFloorForTests: { memoryKiB: 65536, iterations: 2, parallelism: 1 },
    },
  );
  assert.ok(derived.ok);
  assert.equal(bytesToHex(derived.value), expected);
});

test("the default parameters pass the production floor and derive a 32-byte key", async () => {
  assert.deepEqual(DEFAULT_KDF_PARAMS, params(65536, 3, 1));
  assert.ok(checkKdfParams(DEFAULT_KDF_PARAMS).ok);
  const derived = await deriveArgon2id(
    utf8ToBytes("correct horse"),
    new Uint8Array(16),
    DEFAULT_KDF_PARAMS,
  );
  assert.ok(derived.ok);
  assert.equal(derived.value.length, 32);
});

test("parameters below the floor are refused with the value and the floor in the message", () => {
  assert.deepEqual(checkKdfParams(params(8192, 3, 1)), {
    ok: false,
    error: {
      kind: "kdf-params-too-weak",
      message: "KDF memory 8192 KiB is below this client's floor of 65536 KiB",
    },
  });
  assert.deepEqual(checkKdfParams(params(65535, 3, 1)).ok, false);
  const weakTime = checkKdfParams(params(65536, 2, 1));
  assert.ok(!weakTime.ok);
  assert.equal(weakTime.error.message, "KDF iterations 2 is below this client's floor of 3");
});

test("parameters above the ceiling are refused, so a server cannot freeze the client", () => {
  const cases: [KdfParams, string][] = [
    [
      params(2 * 1024 * 1024, 3, 1),
      "KDF memory 2097152 KiB is above this client's ceiling of 1048576 KiB",
    ],
    [params(65536, 33, 1), "KDF iterations 33 is above this client's ceiling of 32"],
    [params(65536, 3, 17), "KDF parallelism 17 is above this client's ceiling of 16"],
  ];
  for (const [bad, message] of cases) {
    assert.deepEqual(checkKdfParams(bad), {
      ok: false,
      error: { kind: "kdf-params-too-costly", message },
    });
  }
  assert.ok(
    checkKdfParams(params(KDF_CEILING.memoryKiB, KDF_CEILING.iterations, KDF_CEILING.parallelism))
      .ok,
  );
  assert.ok(
    checkKdfParams(params(KDF_FLOOR.memoryKiB, KDF_FLOOR.iterations, KDF_FLOOR.parallelism)).ok,
  );
});

test("malformed parameters from the wire are refused, not passed to Argon2", () => {
  const hostile = [
    { ...DEFAULT_KDF_PARAMS, algorithm: "scrypt" },
    { ...DEFAULT_KDF_PARAMS, memoryKiB: 65536.5 },
    { ...DEFAULT_KDF_PARAMS, iterations: Number.NaN },
    { ...DEFAULT_KDF_PARAMS, parallelism: 0 },
    { ...DEFAULT_KDF_PARAMS, memoryKiB: "65536" },
    null,
  ] as unknown as KdfParams[];
  for (const bad of hostile) {
    const checked = checkKdfParams(bad);
    assert.ok(!checked.ok);
    assert.equal(checked.error.kind, "kdf-params-invalid");
  }
  const tooLittlePerLane = checkKdfParams(params(64, 1, 16), { unsafeFloorForTests: tinyFloor });
  assert.ok(!tooLittlePerLane.ok);
  assert.match(tooLittlePerLane.error.message, /8 KiB per lane/);
});

test("deriveArgon2id enforces the floor itself and keeps the ceiling even when a test lowers the floor", async () => {
  const password = utf8ToBytes("pw");
  const salt = new Uint8Array(16);
  const weak = await deriveArgon2id(password, salt, params(8, 1, 1));
  assert.ok(!weak.ok);
  assert.equal(weak.error.kind, "kdf-params-too-weak");
  const lowered = await deriveArgon2id(password, salt, params(8, 1, 1), {
    unsafeFloorForTests: tinyFloor,
  });
  assert.ok(lowered.ok);
  const costly = await deriveArgon2id(password, salt, params(8, 33, 1), {
    unsafeFloorForTests: tinyFloor,
  });
  assert.ok(!costly.ok);
  assert.equal(costly.error.kind, "kdf-params-too-costly");
});

test("deriveArgon2id throws on a salt shorter than Argon2's minimum", async () => {
  await assert.rejects(
    deriveArgon2id(utf8ToBytes("pw"), new Uint8Array(7), params(8, 1, 1), {
      unsafeFloorForTests: tinyFloor,
    }),
    /expected a salt of at least 8 bytes, got 7/,
  );
});
