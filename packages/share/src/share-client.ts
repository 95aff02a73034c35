/**
 * The client side of sharing, over the typed API: set up and publish the identity, fetch and pin
 * a contact's key log, send a share (the inbox is in `inbox.ts`). The CLI and the web app call
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
import type { KeypearsClient, WireKeyLogEntry } from "@keypears/api";
import type { Vault } from "@keypears/vault/core";
import { call } from "./api-call.ts";
import { type SharingError } from "./sharing-error.ts";
import { DEFAULT_SUITE, sealShare, type ShareContent, type ShareSuite } from "./envelope.ts";
import { generateIdentity, requireFederated, type IdentityPublicKeys } from "./identity.ts";
import { appendKeyLogEntry, sameKeys, verifyKeyLog, type VerifiedKeyLog } from "./key-log.ts";
import { safetyNumber } from "./safety-number.ts";
import {
  type Contact,
  forgetPendingIdentity,
  readContact,
  readPendingIdentity,
  writePendingIdentity,
  readIdentity,
  type StoredIdentity,
  writeContact,
  writeIdentity,
} from "./vault-records.ts";

export interface ShareNetwork {
  /** The account's own server, signed in. */
  readonly own: KeypearsClient;
  /**
   * The key log an address's home server serves: fetched from that server directly (the CLI, via
   * its domain's discovery document) or relayed by the own server (the web app, which may only
   * talk to its own origin). Either way it is verified against the pin here, never trusted.
   */
  readonly keyLogOf: (
    address: Address,
  ) => Promise<Result<readonly WireKeyLogEntry[], SharingError & { code?: string }>>;
}

/** `keyLogOf` straight from the address's domain's server, found by `serverOf`. */
export const directKeyLogOf =
  (serverOf: (domain: string) => Promise<Result<KeypearsClient, string>>) =>
  async (
    address: Address,
  ): Promise<Result<readonly WireKeyLogEntry[], SharingError & { code?: string }>> => {
    const server = await serverOf(domainOf(address));
    if (!server.ok) return err({ kind: "network", detail: server.error });
    const served = await call(() => server.value.shares.keys({ address }));
    return served.ok ? ok(served.value.entries) : served;
  };

/** `keyLogOf` through the own server's relay (`GET /relay/accounts/{address}/keys`). */
export const relayedKeyLogOf =
  (own: KeypearsClient) =>
  async (
    address: Address,
  ): Promise<Result<readonly WireKeyLogEntry[], SharingError & { code?: string }>> => {
    const served = await call(() => own.shares.relayKeys({ address }));
    if (served.ok) return ok(served.value.entries);
    // The relay could not reach the contact's server: as if this client could not.
    if (served.error.kind === "refused" && served.error.code === "REMOTE_UNREACHABLE")
      return err({ kind: "network", detail: served.error.detail });
    return served;
  };

export interface ShareDeps {
  readonly now: () => number;
  readonly randomBytes: RandomBytes;
  readonly uuid: () => string;
}

const newIdentity = (address: Address, deps: ShareDeps): StoredIdentity => {
  const identity = generateIdentity(deps.randomBytes);
  return {
    identity,
    log: [appendKeyLogEntry(address, [], identity, identity.publicKeys, deps.now())],
  };
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
    // Kept on this device before it is published, and reused by a retry: a failure between
    // publishing and saving never leaves the server a log the vault cannot extend.
    const candidate = readPendingIdentity(vault) ?? newIdentity(vault.address, deps);
    writePendingIdentity(vault, candidate);
    const published = await call(() => net.own.shares.publishKeys({ entries: [...candidate.log] }));
    if (!published.ok) {
      if (published.error.kind === "refused" && published.error.code === "KEY_LOG_CONFLICT") {
        // Another device's identity is on the server: this one will never be used.
        forgetPendingIdentity(vault);
        return err({ kind: "identity-conflict" });
      }
      return published;
    }
    writeIdentity(vault, candidate);
    forgetPendingIdentity(vault);
    return ok(candidate);
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
  const served = await net.keyLogOf(address);
  if (!served.ok) {
    if (served.error.kind === "refused" && served.error.code === "NO_IDENTITY")
      return err({ kind: "unknown-address", address });
    // The contact's server is down: the pinned log still lets a share be sealed (it waits in the
    // sender's server's queue) and a received one be checked.
    if (served.error.kind === "network" && stored !== undefined && options.repin !== true) {
      const offline = verifyKeyLog(address, stored.entries, stored.pinned);
      return offline.ok ? ok({ log: offline.value, contact: stored }) : offline;
    }
    return served;
  }
  const pinned = options.repin === true ? undefined : stored;
  const verified = verifyKeyLog(address, served.value, pinned?.pinned);
  if (!verified.ok) return verified;
  const log = verified.value;
  const number = safetyNumber(address, log.keys);
  let contact: Contact;
  if (pinned === undefined) {
    contact = {
      address,
      pinned: { length: log.length, head: log.head },
      entries: [...served.value],
      safetyNumber: number,
      verifiedAt: null,
      pinnedAt: deps.now(),
    };
    writeContact(vault, contact);
  } else if (pinned.pinned.length !== log.length) {
    contact = {
      ...pinned,
      pinned: { length: log.length, head: log.head },
      entries: [...served.value],
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

export type { IdentityPublicKeys };
