// Writes docs/protocol/vectors/sharing.json (identities, key logs, safety numbers, one share per
// suite) from fixed inputs, by running @keypears/share. Run it only when the sharing format
// changes on purpose: packages/share/src/vectors.test.ts fails if the bytes no longer match.
// Usage: node --import tsx scripts/share-vectors.ts
import { bytesToHex } from "@keypears/base";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format } from "prettier";
import { buildSharingVectors, CONTENT } from "../packages/share/src/testing/vector-inputs.ts";

const vectors = buildSharingVectors();
const secrets = (s: { signing: Uint8Array; x25519: Uint8Array; xwing: Uint8Array }) => ({
  signing: bytesToHex(s.signing),
  x25519: bytesToHex(s.x25519),
  xwing: bytesToHex(s.xwing),
});
const out = {
  description:
    "Sharing (docs/PROTOCOL.md, 'Sharing between addresses'): identity seeds (hex), key logs, safety numbers, and one share from alice to bob per suite; the shares open with bob's seeds to `content`.",
  alice: { ...vectors.alice, secrets: secrets(vectors.alice.secrets) },
  bob: { ...vectors.bob, secrets: secrets(vectors.bob.secrets) },
  shares: vectors.shares,
  content: CONTENT,
};
const path = fileURLToPath(new URL("../docs/protocol/vectors/sharing.json", import.meta.url));
writeFileSync(path, await format(JSON.stringify(out, null, 2), { parser: "json" }));
console.log("wrote docs/protocol/vectors/sharing.json");
