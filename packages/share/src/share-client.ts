/**
 * The client side of sharing, over the typed API: set up and publish the identity, fetch and pin
 * a contact's key log, send a share, read the inbox (verifying every share before showing it),
 * accept (copy into the vault with its provenance) and decline. The CLI and the web app call
 * these; the network is behind `ShareNetwork`.
 */

import {
  type Address,
  domainOf,
  err,
  ok,
  parseAddress,
  type RandomBytes,
  type Result,
} from "@keypears/base";
import type { KeypearsClient, WireShareEnvelope } from "@keypears/api";
import type { Vault } from "@keypears/vault/core";
import { ORPCError } from "@orpc/client";
import {
  DEFAULT_SUITE,
  openShare,
  sealShare,
  type ShareContent,
  type ShareError,
  type ShareSuite,
} from "./envelope.ts";
import {
  generateIdentity,
  requireFederated,
  type IdentityError,
  type IdentityPublicKeys,
} from "./identity.ts";
import {
  appendKeyLogEntry,
  describeKeyLogError,
  type KeyLogError,
  sameKeys,
  verifyKeyLog,
  type VerifiedKeyLog,
} from "./key-log.ts";
import { safetyNumber } from "./safety-number.ts";
import {
  type Contact,
  readContact,
  readIdentity,
  type StoredIdentity,
  writeContact,
  writeIdentity,
} from "./vault-records.ts";

export interface ShareNetwork {
  /** The account's own server, signed in. */
  readonly own: KeypearsClient;
  /** The server of another domain (found through its discovery document), unauthenticated. */
  readonly serverOf: (domain: string) => Promise<Result<KeypearsClient, string>>;
}

export interface ShareDeps {
  readonly now: () => number;
  readonly randomBytes: RandomBytes;
  readonly uuid: () => string;
}

export type SharingError =
  | IdentityError
  | KeyLogError
  | ShareError
  | { readonly kind: "unknown-address"; readonly address: string }
  | { readonly kind: "network"; readonly detail: string }
  | { readonly kind: "refused"; readonly code: string; readonly detail: string }
  | { readonly kind: "not-in-inbox"; readonly id: string }
  | { readonly kind: "ambiguous-id"; readonly id: string }
  | { readonly kind: "not-pinned"; readonly address: string }
  | { readonly kind: "invalid-field"; readonly field: string; readonly reason: string }
  | { readonly kind: "identity-conflict" };

export const describeSharingError = (error: SharingError): string => {
  switch (error.kind) {
    case "local-only":
      return `${error.address} is a local-only account: it has no server, so it can neither send nor receive shares (create a synced account to share)`;
    case "invalid-identity":
      return `the sharing identity in this vault is unreadable (${error.reason})`;
    case "invalid-key-log":
    case "key-log-changed":
      return describeKeyLogError(error);
    case "share-too-large":
      return `the share is too large (${error.bytes} bytes; at most ${error.limit})`;
    case "invalid-share":
      return `share ${error.id} is not accepted: ${error.reason}`;
    case "unknown-address":
      return `${error.address} does not exist or has not set up sharing`;
    case "network":
      return `the server could not be reached: ${error.detail}`;
    case "refused":
      return `the server refused: ${error.detail}`;
    case "not-in-inbox":
      return `no share ${error.id} in the inbox`;
    case "ambiguous-id":
      return `${error.id} matches several shares: give more of the id`;
    case "not-pinned":
      return `${error.address} is not a contact yet`;
    case "invalid-field":
      return `${error.field}: ${error.reason}`;
    case "identity-conflict":
      return "another device set up this account's sharing identity at the same time: run `keypears sync`, then try again";
  }
};

const call = async <T>(
  work: () => Promise<T>,
): Promise<Result<T, SharingError & { code?: string }>> => {
  try {
    return ok(await work());
  } catch (error) {
    if (error instanceof ORPCError) {
      if (error.status >= 500 || error.status === 429)
        return err({ kind: "network", detail: `${error.status} ${error.message}` });
      return err({ kind: "refused", code: String(error.code), detail: error.message });
    }
    return err({ kind: "network", detail: error instanceof Error ? error.message : String(error) });
  }
};

/**
 * The account's identity: read from the vault, or made and published on first use (accounts
 * created before sharing get theirs here). Checks that the home server publishes exactly it.
 */
export const ensureIdentity = async (
  vault: Vault,
  net: ShareNetwork,
  deps: ShareDeps,
): Promise<Result<StoredIdentity, SharingError>> => {
  const federated = requireFederated(vault.address);
  if (!federated.ok) return federated;
  let stored = readIdentity(vault);
  if (stored === undefined) {
    const identity = generateIdentity(deps.randomBytes);
    const genesis = appendKeyLogEntry(vault.address, [], identity, identity.publicKeys, deps.now());
    stored = { identity, log: [genesis] };
    const published = await call(() => net.own.shares.publishKeys({ entries: [...stored!.log] }));
    if (!published.ok)
      return published.error.kind === "refused" && published.error.code === "KEY_LOG_CONFLICT"
        ? err({ kind: "identity-conflict" })
        : published;
    writeIdentity(vault, stored);
    return ok(stored);
  }
  // The server may have lost or never received the log (a device set up while it was down).
  const served = await call(() => net.own.shares.keys({ address: vault.address }));
  if (!served.ok) {
    if (served.error.kind === "refused" && served.error.code === "NO_IDENTITY") {
      const published = await call(() => net.own.shares.publishKeys({ entries: [...stored!.log] }));
      if (!published.ok) return published;
      return ok(stored);
    }
    return served;
  }
  const verified = verifyKeyLog(vault.address, served.value.entries);
  if (!verified.ok) return verified;
  if (!sameKeys(verified.value.keys, stored.identity.publicKeys))
    return err({ kind: "key-log-changed", address: vault.address, how: "forked" });
  return ok(stored);
};

/**
 * A contact's key log, verified and checked against the pin; pinned on first use, and the pin
 * moved forward when the log grew (a rotation the old key signed).
 */
export const contactKeys = async (
  vault: Vault,
  address: Address,
  net: ShareNetwork,
  deps: Pick<ShareDeps, "now">,
  options: { readonly repin?: boolean } = {},
): Promise<Result<{ log: VerifiedKeyLog; contact: Contact }, SharingError>> => {
  const federated = requireFederated(address);
  if (!federated.ok) return federated;
  const stored = readContact(vault, address);
  const server = await net.serverOf(domainOf(address));
  const served = server.ok
    ? await call(() => server.value.shares.keys({ address }))
    : err({ kind: "network" as const, detail: server.error });
  if (!served.ok) {
    if (served.error.kind === "refused" && served.error.code === "NO_IDENTITY")
      return err({ kind: "unknown-address", address });
    // The contact's server is down: the pinned log still lets a share be sealed (it waits in the
    // sender's server's queue) and a received one be checked.
    if (served.error.kind === "network" && stored !== undefined && options.repin !== true) {
      const offline = verifyKeyLog(address, stored.entries, stored.pinned);
      return offline.ok ? ok({ log: offline.value, contact: stored }) : offline;
    }
    if (served.error.kind === "network" && !server.ok)
      return err({ kind: "network", detail: server.error });
    return served;
  }
  const pinned = options.repin === true ? undefined : stored;
  const verified = verifyKeyLog(address, served.value.entries, pinned?.pinned);
  if (!verified.ok) return verified;
  const log = verified.value;
  const number = safetyNumber(address, log.keys);
  let contact: Contact;
  if (pinned === undefined) {
    contact = {
      address,
      pinned: { length: log.length, head: log.head },
      entries: served.value.entries,
      safetyNumber: number,
      verifiedAt: null,
      pinnedAt: deps.now(),
    };
    writeContact(vault, contact);
  } else if (pinned.pinned.length !== log.length) {
    contact = {
      ...pinned,
      pinned: { length: log.length, head: log.head },
      entries: served.value.entries,
      safetyNumber: number,
      verifiedAt: null,
    };
    writeContact(vault, contact);
  } else contact = pinned;
  return ok({ log, contact });
};

export const markVerified = (vault: Vault, contact: Contact, now: number): Contact => {
  const verified = { ...contact, verifiedAt: now };
  writeContact(vault, verified);
  return verified;
};

/** The account's own safety number, to read to a contact. */
export const ownSafetyNumber = (vault: Vault): string | undefined => {
  const stored = readIdentity(vault);
  return stored === undefined ? undefined : safetyNumber(vault.address, stored.identity.publicKeys);
};

/** Fields never shared: how the sender organizes their own vault. */
const PERSONAL_FIELDS = new Set(["type", "title", "folder", "tags", "favorite", "healthDismissed"]);

export interface SendShareInput {
  readonly item: string;
  readonly to: string;
  readonly fields?: readonly string[];
  readonly expiresInMs: number;
  readonly message?: string;
  readonly suite?: ShareSuite;
}

export const sendShare = async (
  vault: Vault,
  input: SendShareInput,
  net: ShareNetwork,
  deps: ShareDeps,
): Promise<Result<{ id: string; to: Address; status: string }, SharingError>> => {
  const to = parseAddress(input.to);
  if (!to.ok) return err({ kind: "invalid-field", field: "to", reason: to.error.reason });
  const me = await ensureIdentity(vault, net, deps);
  if (!me.ok) return me;
  const item = vault.get(input.item);
  if (!item.ok)
    return err({ kind: "invalid-field", field: "item", reason: `no item ${input.item}` });
  const fields: Record<string, unknown> = {};
  for (const field of item.value.fields) {
    if (PERSONAL_FIELDS.has(field.name)) continue;
    if (
      input.fields !== undefined &&
      !input.fields.includes(field.name) &&
      !input.fields.includes(field.name.replace(/^custom:/, ""))
    )
      continue;
    fields[field.name] = field.value;
  }
  for (const wanted of input.fields ?? [])
    if (!item.value.fields.some((f) => f.name === wanted || f.name === `custom:${wanted}`))
      return err({
        kind: "invalid-field",
        field: wanted,
        reason: `the item has no field ${wanted}`,
      });
  const recipient = await contactKeys(vault, to.value, net, deps);
  if (!recipient.ok) return recipient;
  const now = deps.now();
  const content: ShareContent = {
    title: item.value.title,
    type: item.value.type,
    fields,
    ...(input.message === undefined ? {} : { message: input.message }),
  };
  const sealed = sealShare({
    id: deps.uuid(),
    from: vault.address,
    to: to.value,
    createdAt: now,
    expiresAt: now + input.expiresInMs,
    sender: me.value.identity,
    senderKeySeq: me.value.log.length - 1,
    recipient: recipient.value.log,
    content,
    suite: input.suite ?? DEFAULT_SUITE,
    randomBytes: deps.randomBytes,
  });
  if (!sealed.ok) return sealed;
  const sent = await call(() => net.own.shares.send({ envelope: sealed.value }));
  if (!sent.ok) return sent;
  return ok({ id: sealed.value.id, to: to.value, status: sent.value.status });
};

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

export type { IdentityPublicKeys };
