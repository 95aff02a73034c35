/**
 * Where sharing keeps its state on the client: in the vault, as items, so it is sealed like every
 * item and syncs to all of the account's devices. The identity's private keys and the account's
 * own key log live in one item, each pinned contact in another; their ids are derived from the
 * vault id (and the contact's address), so two devices writing them concurrently write one item.
 * They are notes with hidden fields, marked as the vault's system items: lists, exports and health
 * leave them out, and `keypears get` never prints their values unless asked.
 */

import { type Address, bytesToHex } from "@keypears/base";
import { associatedData } from "@keypears/crypto";
import { sha256 } from "@noble/hashes/sha2.js";
import { type NewItemInput, SYSTEM_ITEM_FIELD, type Vault } from "@keypears/vault/core";

type ItemId = NonNullable<NewItemInput["id"]>;
import { decodeIdentitySecrets, encodeIdentitySecrets, type Identity } from "./identity.ts";
import type { KeyLogEntry, PinnedKeyLog } from "./key-log.ts";

const IDENTITY_FIELD = "custom:keypears-identity";
const KEY_LOG_FIELD = "custom:keypears-key-log";
const CONTACT_FIELD = "custom:keypears-contact";

/** A UUID (version 8, RFC 9562) derived from the vault id and a name: the same on every device. */
export const recordId = (vaultId: string, ...names: readonly string[]): string => {
  const digest = sha256(associatedData("share/record-id", vaultId, ...names));
  digest[6] = 0x80 | ((digest[6] as number) & 0x0f);
  digest[8] = 0x80 | ((digest[8] as number) & 0x3f);
  const hex = bytesToHex(digest.subarray(0, 16));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const hiddenValue = (vault: Vault, id: string, field: string): string | undefined => {
  const item = vault.get(id);
  if (!item.ok || item.value.status !== "live") return undefined;
  const value = item.value.fields.find((f) => f.name === field)?.value;
  return Array.isArray(value) && value[0] === "hidden" && typeof value[1] === "string"
    ? value[1]
    : undefined;
};

export interface StoredIdentity {
  readonly identity: Identity;
  readonly log: readonly KeyLogEntry[];
}

export const readIdentity = (vault: Vault): StoredIdentity | undefined => {
  const id = recordId(vault.vaultId, "identity");
  const secrets = hiddenValue(vault, id, IDENTITY_FIELD);
  const log = hiddenValue(vault, id, KEY_LOG_FIELD);
  if (secrets === undefined || log === undefined) return undefined;
  const identity = decodeIdentitySecrets(secrets);
  if (!identity.ok) return undefined;
  return { identity: identity.value, log: JSON.parse(log) as KeyLogEntry[] };
};

export const writeIdentity = (vault: Vault, stored: StoredIdentity): void => {
  const id = recordId(vault.vaultId, "identity");
  const fields = {
    [IDENTITY_FIELD]: ["hidden", encodeIdentitySecrets(stored.identity.secrets)],
    [KEY_LOG_FIELD]: ["hidden", JSON.stringify(stored.log)],
  };
  const existing = vault.get(id);
  const written = existing.ok
    ? vault.edit(id, fields)
    : vault.add({
        id: id as ItemId,
        type: "note",
        fields: {
          title: "KeyPears sharing identity",
          notes:
            "The keys other addresses share with you through. Do not edit or delete this item: shares sent to you open only with these keys.",
          [SYSTEM_ITEM_FIELD]: ["hidden", "sharing identity"],
          ...fields,
        },
      });
  if (!written.ok)
    throw new Error(`the sharing identity could not be saved (${written.error.kind})`);
};

export interface Contact {
  readonly address: Address;
  readonly pinned: PinnedKeyLog;
  /** The log as last verified: shares can be sealed while the contact's server is down. */
  readonly entries: readonly KeyLogEntry[];
  readonly safetyNumber: string;
  /** When the user compared safety numbers, or null. */
  readonly verifiedAt: number | null;
  readonly pinnedAt: number;
}

export const readContact = (vault: Vault, address: Address): Contact | undefined => {
  const text = hiddenValue(vault, recordId(vault.vaultId, "contact", address), CONTACT_FIELD);
  return text === undefined ? undefined : (JSON.parse(text) as Contact);
};

export const writeContact = (vault: Vault, contact: Contact): void => {
  const id = recordId(vault.vaultId, "contact", contact.address);
  const fields = { [CONTACT_FIELD]: ["hidden", JSON.stringify(contact)] };
  const existing = vault.get(id);
  const written = existing.ok
    ? vault.edit(id, fields)
    : vault.add({
        id: id as ItemId,
        type: "note",
        fields: {
          title: `Contact: ${contact.address}`,
          [SYSTEM_ITEM_FIELD]: ["hidden", "sharing contact"],
          ...fields,
        },
      });
  if (!written.ok) throw new Error(`the contact could not be saved (${written.error.kind})`);
};

export const listContacts = (vault: Vault): Contact[] =>
  vault
    .list({ type: "note", system: true })
    .filter((item) => item.title.startsWith("Contact: "))
    .map((item) => readContact(vault, item.title.slice("Contact: ".length) as Address))
    .filter((contact): contact is Contact => contact !== undefined);

/**
 * An identity made on this device and not yet known to be both published and saved as the vault
 * item: a device-local sealed secret (`vault.sync` secrets never sync), written before the key
 * log is published. A retry after a failure between the two steps publishes and saves these same
 * keys (publishing an identical log is accepted), so the server never holds a log whose private
 * keys the vault lost.
 */
const PENDING_IDENTITY_SECRET = "share/pending-identity";

export const readPendingIdentity = (vault: Vault): StoredIdentity | undefined => {
  const bytes = vault.sync.readSecret(PENDING_IDENTITY_SECRET);
  if (bytes === undefined) return undefined;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as {
      secrets?: unknown;
      log?: unknown;
    };
    if (typeof parsed.secrets !== "string" || !Array.isArray(parsed.log)) return undefined;
    const identity = decodeIdentitySecrets(parsed.secrets);
    return identity.ok ? { identity: identity.value, log: parsed.log as KeyLogEntry[] } : undefined;
  } catch {
    return undefined;
  }
};

export const writePendingIdentity = (vault: Vault, stored: StoredIdentity): void =>
  vault.sync.writeSecret(
    PENDING_IDENTITY_SECRET,
    new TextEncoder().encode(
      JSON.stringify({ secrets: encodeIdentitySecrets(stored.identity.secrets), log: stored.log }),
    ),
  );

export const forgetPendingIdentity = (vault: Vault): void =>
  vault.sync.deleteSecret(PENDING_IDENTITY_SECRET);
