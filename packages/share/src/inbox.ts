/**
 * The inbox on a device: every share verified against its sender's pinned key log and opened
 * before it is shown; accepting copies it into the vault with its provenance, declining deletes
 * it; blocking a sender is asked of the account's own server.
 */

import { err, ok, parseAddress, type Result } from "@keypears/base";
import type { WireShareEnvelope } from "@keypears/api";
import type { Vault } from "@keypears/vault/core";
import { call } from "./api-call.ts";
import { openShare, type ShareContent } from "./envelope.ts";
import { requireFederated } from "./identity.ts";
import { contactKeys, ensureIdentity, type ShareDeps, type ShareNetwork } from "./share-client.ts";
import { describeSharingError, type SharingError } from "./sharing-error.ts";
import type { StoredIdentity } from "./vault-records.ts";

export type InboxEntry =
  | {
      readonly id: string;
      readonly from: string;
      readonly receivedAt: string;
      readonly expiresAt: number;
      readonly valid: true;
      readonly content: ShareContent;
      readonly verifiedContact: boolean;
    }
  | {
      readonly id: string;
      readonly from: string;
      readonly receivedAt: string;
      readonly expiresAt: number;
      readonly valid: false;
      readonly problem: string;
    };

/** Every share in the inbox, each verified against its sender's pinned key log and opened. */
export const readInbox = async (
  vault: Vault,
  net: ShareNetwork,
  deps: ShareDeps,
): Promise<Result<InboxEntry[], SharingError>> => {
  const me = await ensureIdentity(vault, net, deps);
  if (!me.ok) return me;
  const listed = await call(() => net.own.shares.inbox());
  if (!listed.ok) return listed;
  const entries: InboxEntry[] = [];
  for (const { envelope, receivedAt } of listed.value.shares)
    entries.push(await verifyEntry(vault, envelope, receivedAt, me.value, net, deps));
  return ok(entries);
};

const verifyEntry = async (
  vault: Vault,
  envelope: WireShareEnvelope,
  receivedAt: string,
  me: StoredIdentity,
  net: ShareNetwork,
  deps: ShareDeps,
): Promise<InboxEntry> => {
  const base = { id: envelope.id, from: envelope.from, receivedAt, expiresAt: envelope.expiresAt };
  const from = parseAddress(envelope.from);
  if (!from.ok) return { ...base, valid: false, problem: "the sender's address is malformed" };
  const sender = await contactKeys(vault, from.value, net, deps);
  if (!sender.ok) return { ...base, valid: false, problem: describeSharingError(sender.error) };
  const opened = openShare({
    envelope,
    me: vault.address,
    identity: me.identity,
    sender: sender.value.log,
    now: deps.now(),
  });
  if (!opened.ok) return { ...base, valid: false, problem: describeSharingError(opened.error) };
  return {
    ...base,
    valid: true,
    content: opened.value,
    verifiedContact: sender.value.contact.verifiedAt !== null,
  };
};

/** Copies a verified share into the vault, with a field naming who shared it and when, then removes it from the inbox. */
export const acceptShare = async (
  vault: Vault,
  id: string,
  net: ShareNetwork,
  deps: ShareDeps,
): Promise<Result<{ itemId: string; title: string; from: string }, SharingError>> => {
  const inbox = await readInbox(vault, net, deps);
  if (!inbox.ok) return inbox;
  const found = matchId(inbox.value, id, (e) => e.id);
  if (!found.ok) return found;
  const entry = found.value;
  if (!entry.valid) return err({ kind: "invalid-share", id: entry.id, reason: entry.problem });
  const fields: Record<string, unknown> = { ...entry.content.fields };
  fields["custom:Shared by"] = [
    "text",
    `${entry.from} on ${new Date(entry.receivedAt).toISOString()}`,
  ];
  if (entry.content.message !== undefined)
    fields["custom:Share message"] = ["text", entry.content.message];
  const added = vault.add({
    type:
      (["login", "note", "card", "identity", "apikey"] as const).find(
        (t) => t === entry.content.type,
      ) ?? "login",
    fields: { title: entry.content.title, ...(fields as Record<string, never>) },
  });
  if (!added.ok)
    return err({
      kind: "invalid-share",
      id: entry.id,
      reason: `its fields do not fit an item (${added.error.kind})`,
    });
  const removed = await call(() => net.own.shares.remove({ id: entry.id }));
  if (!removed.ok) return removed;
  return ok({ itemId: added.value.id, title: added.value.title, from: entry.from });
};

/** The one share whose id is `id` or starts with it (4 characters at least). */
const matchId = <T>(
  shares: readonly T[],
  id: string,
  idOf: (share: T) => string,
): Result<T, SharingError> => {
  const wanted = id.trim().toLowerCase();
  const exact = shares.find((share) => idOf(share) === wanted);
  if (exact !== undefined) return ok(exact);
  const matches =
    wanted.length >= 4 ? shares.filter((share) => idOf(share).startsWith(wanted)) : [];
  if (matches.length > 1) return err({ kind: "ambiguous-id", id });
  return matches[0] === undefined ? err({ kind: "not-in-inbox", id }) : ok(matches[0]);
};

export const declineShare = async (
  vault: Vault,
  id: string,
  net: ShareNetwork,
): Promise<Result<{ id: string }, SharingError>> => {
  const federated = requireFederated(vault.address);
  if (!federated.ok) return federated;
  const listed = await call(() => net.own.shares.inbox());
  if (!listed.ok) return listed;
  const found = matchId(listed.value.shares, id, (s) => s.envelope.id);
  if (!found.ok) return found;
  const match = found.value;
  const removed = await call(() => net.own.shares.remove({ id: match.envelope.id }));
  if (!removed.ok) return removed;
  return ok({ id: match.envelope.id });
};

export const blockSender = async (
  vault: Vault,
  address: string,
  blocked: boolean,
  net: ShareNetwork,
): Promise<Result<readonly string[], SharingError>> => {
  const federated = requireFederated(vault.address);
  if (!federated.ok) return federated;
  const parsed = parseAddress(address);
  if (!parsed.ok)
    return err({ kind: "invalid-field", field: "address", reason: parsed.error.reason });
  const result = await call(() => net.own.shares.block({ address: parsed.value, blocked }));
  return result.ok ? ok(result.value.blocked) : result;
};
