import assert from "node:assert/strict";
import { test } from "node:test";
import { concatBytes, hexToBytes, utf8ToBytes } from "@keypears/base";
import { createHash } from "node:crypto";
import { approvalCode, sameApprovalCode } from "./approval-code.ts";
import type { DeviceId, VaultId } from "./ids.ts";

const vaultId = "0190a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b" as VaultId;
const deviceId = "0a1b2c3d4e5f6071" as DeviceId;
const signingKey = new Uint8Array(32).fill(7);
const exchangeKey = new Uint8Array(32).fill(9);

test("the approval code is six digits of SHA-256 over the label, ids and keys (16.10)", () => {
  // Recomputed here with Node's SHA-256 from the formula in docs/PROTOCOL.md.
  const hash = createHash("sha256")
    .update(
      concatBytes(
        utf8ToBytes("keypears/v2/approval"),
        hexToBytes(vaultId.replaceAll("-", "")),
        hexToBytes(deviceId),
        signingKey,
        exchangeKey,
      ),
    )
    .digest();
  const digits = String(hash.readUInt32BE(0) % 1_000_000).padStart(6, "0");
  const code = approvalCode(vaultId, deviceId, signingKey, exchangeKey);
  assert.equal(code, `${digits.slice(0, 3)}-${digits.slice(3)}`);
  assert.match(code, /^\d{3}-\d{3}$/);
});

test("another key, device or vault gives another code; typed codes compare without dashes", () => {
  const code = approvalCode(vaultId, deviceId, signingKey, exchangeKey);
  const otherKey = new Uint8Array(32).fill(8);
  assert.notEqual(approvalCode(vaultId, deviceId, otherKey, exchangeKey), code);
  assert.notEqual(approvalCode(vaultId, deviceId, signingKey, otherKey), code);
  assert.notEqual(
    approvalCode(vaultId, "0a1b2c3d4e5f6072" as DeviceId, signingKey, exchangeKey),
    code,
  );
  assert.ok(sameApprovalCode(code.replace("-", " "), code));
  assert.ok(sameApprovalCode(code.replace("-", ""), code));
  assert.ok(!sameApprovalCode("000-000x", code));
  assert.throws(() => approvalCode(vaultId, deviceId, new Uint8Array(31), exchangeKey), /32-byte/);
});
