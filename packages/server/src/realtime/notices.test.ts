import type { ChainHash, DeviceId, VaultId } from "@keypears/sync-core";
import assert from "node:assert/strict";
import { it } from "node:test";
import { decodeNotice, encodeNotice, type Notice } from "./notices.ts";

it("encodes each notice in a few hundred bytes at most and decodes it back", () => {
  const notices: Notice[] = [
    {
      kind: "head",
      vaultId: "9003730b-fc58-40a5-9b19-2f1dca57c0a5" as VaultId,
      head: { position: 2 ** 40, hash: new Uint8Array(32).fill(7) as ChainHash },
    },
    {
      kind: "device-revoked",
      accountId: "1c9e5a43-2a5b-4f4e-a2c1-0b8f1d2e3f40",
      deviceId: "0123456789abcdef" as DeviceId,
    },
    { kind: "session-ended", tokenHash: new Uint8Array(32).fill(9) },
    { kind: "inbox", accountId: "1c9e5a43-2a5b-4f4e-a2c1-0b8f1d2e3f40" },
  ];
  for (const notice of notices) {
    const payload = encodeNotice(notice);
    assert.ok(payload.length < 200);
    assert.deepEqual(decodeNotice(payload), notice);
  }
});

it("ignores payloads it does not understand", () => {
  for (const payload of ["", "x", "h a b", "h v 1.5 AAAA", "h v 1 !!", "s", "z a b c", "i"]) {
    assert.equal(decodeNotice(payload), undefined, payload);
  }
});
