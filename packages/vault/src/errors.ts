/** Every expected failure of the vault, and the one-line message a person sees for it. */

import type { KdfError } from "@keypears/crypto";
import type { AddressError } from "./address.ts";
import type { FieldError } from "./item-model.ts";
import type { OpenError } from "./sealing.ts";

export type VaultError =
  | AddressError
  | KdfError
  | FieldError
  | OpenError
  | { readonly kind: "account-exists"; readonly address: string }
  | { readonly kind: "no-such-account"; readonly address: string }
  | { readonly kind: "wrong-credentials" }
  /** The stored key material fails its checksum: the file is damaged, the password may be right. */
  | { readonly kind: "damaged-keys"; readonly path: string }
  | { readonly kind: "not-a-vault"; readonly path: string; readonly reason: string }
  | { readonly kind: "not-found"; readonly ref: string }
  | {
      readonly kind: "ambiguous";
      readonly ref: string;
      readonly matches: readonly { readonly id: string; readonly title: string }[];
    }
  | { readonly kind: "no-conflict"; readonly ref: string; readonly field: string }
  | { readonly kind: "invalid-choice"; readonly reason: string }
  | { readonly kind: "no-totp"; readonly ref: string; readonly reason: string }
  /** A change whose sealed event would be larger than the protocol allows: refused at the edit. */
  | { readonly kind: "too-large"; readonly bytes: number; readonly limit: number }
  | { readonly kind: "no-rejected-change"; readonly ref: string; readonly matches: number };

/** A message for a person: what went wrong and what to do. Never contains a secret value. */
export const describeVaultError = (error: VaultError): string => {
  switch (error.kind) {
    case "invalid-address":
      return `${error.reason}; an address looks like alice@localhost or alice@example.com`;
    case "kdf-params-invalid":
    case "kdf-params-too-weak":
    case "kdf-params-too-costly":
      return `refusing key-derivation parameters: ${error.message}`;
    case "invalid-field":
      return `field "${error.field}" ${error.reason}`;
    case "tampered":
      return `the stored ${error.what} ${error.id} failed its integrity check (tampered or corrupted); the rest of the vault is unaffected`;
    case "invalid-event":
      return `event ${error.id} is not a valid KeyPears event (${error.reason})`;
    case "account-exists":
      return `an account ${error.address} already exists on this device`;
    case "no-such-account":
      return `no account ${error.address} on this device; run \`keypears accounts\` to list them, or \`keypears init\`/\`keypears login\``;
    case "wrong-credentials":
      return "wrong password or Secret Key; nothing was changed";
    case "damaged-keys":
      return `the stored keys in ${error.path} are damaged (they no longer match their checksum): this is not a wrong password. Nothing was changed; restore the file from a backup, or for a synced account remove it and \`keypears login\` again`;
    case "not-a-vault":
      return `${error.path} is not a readable KeyPears vault: ${error.reason}`;
    case "not-found":
      return `no item matches "${error.ref}"; run \`keypears list\` to see your items`;
    case "ambiguous":
      return `"${error.ref}" matches ${error.matches.length} items; use an id: ${error.matches.map((m) => `${m.id} (${m.title})`).join(", ")}`;
    case "no-conflict":
      return `field "${error.field}" of "${error.ref}" has no conflict to resolve`;
    case "invalid-choice":
      return error.reason;
    case "no-totp":
      return `"${error.ref}" has no usable TOTP secret: ${error.reason}`;
    case "too-large":
      return `this change is ${error.bytes} bytes once encoded and encrypted; a change may be at most ${error.limit} bytes, so it was not saved. Shorten it (long notes or many fields; a text of mostly CJK characters takes 3 bytes a character); attachments for large content will come later`;
    case "no-rejected-change":
      return error.matches > 1
        ? `"${error.ref}" matches ${error.matches} rejected changes; give more of the id`
        : `no rejected change matches "${error.ref}"; \`keypears status\` lists them`;
  }
};
