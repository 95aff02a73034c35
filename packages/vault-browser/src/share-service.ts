/**
 * Sharing in the owning worker, as `keypears share`, `inbox`, `accept`, `decline` and `contacts`
 * do it: the same `@keypears/share` code, with the account's own server (its session sealed in the
 * vault) and other domains' servers found through their discovery documents. `@keypears/share`
 * (X-Wing, ML-KEM) is loaded on first use, so it adds nothing to the worker's start. Every answer
 * is plain data; a failure is a kind and a sentence for the person, never a secret.
 */

import { type Address, domainOf, err, ok, parseAddress, type Result } from "@keypears/base";
import type * as ShareModuleType from "@keypears/share";
import type { ShareContent, ShareNetwork, SharingError } from "@keypears/share";
import type * as SyncClientCore from "@keypears/sync-client/core";
import { createUuidV7Generator } from "@keypears/sync-core";
import type { Vault, VaultDeps } from "@keypears/vault/core";

export interface ShareFailure {
  readonly kind: SharingError["kind"] | "not-signed-in";
  readonly message: string;
}

export interface ShareRequest {
  readonly item: string;
  readonly to: string;
  /** Field names to share (all but the sender's own organizing fields when absent). */
  readonly fields?: readonly string[];
  readonly expiresInMs: number;
  readonly message?: string;
}

export interface SentShare {
  readonly id: string;
  readonly to: string;
  readonly status: string;
}

export type InboxShare =
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

export interface ContactView {
  readonly address: string;
  readonly safetyNumber: string;
  readonly verified: boolean;
  readonly pinnedAt: number;
}

export interface ContactsView {
  /** This account's own safety number, null before its identity exists. */
  readonly self: { readonly address: string; readonly safetyNumber: string | null };
  readonly contacts: readonly ContactView[];
}

type ShareModule = typeof ShareModuleType;
type SyncClientModule = typeof SyncClientCore;

let modules: Promise<[ShareModule, SyncClientModule]> | undefined;
const load = (): Promise<[ShareModule, SyncClientModule]> =>
  (modules ??= Promise.all([import("@keypears/share"), import("@keypears/sync-client/core")]));

/** The one sentence for a failure; a changed key log says what to do in the web app. */
const failure = (share: ShareModule, error: SharingError): ShareFailure => ({
  kind: error.kind,
  message:
    error.kind === "key-log-changed"
      ? `The keys of ${error.address} were ${error.how === "rewound" ? "rewound" : "replaced"} since you pinned them: its server may be substituting keys. Sending to ${error.address} is stopped. Compare safety numbers with ${error.address} over a channel you trust, then choose "Trust the new keys" in Contacts.`
      : share.describeSharingError(error),
});

const contactView = (contact: {
  readonly address: string;
  readonly safetyNumber: string;
  readonly verifiedAt: number | null;
  readonly pinnedAt: number;
}): ContactView => ({
  address: contact.address,
  safetyNumber: contact.safetyNumber,
  verified: contact.verifiedAt !== null,
  pinnedAt: contact.pinnedAt,
});

export const createShareService = (deps: VaultDeps) => {
  const uuid = createUuidV7Generator(deps.now, deps.randomBytes);
  const shareDeps = { now: deps.now, randomBytes: deps.randomBytes, uuid };

  /** The share module and the account's network, or why sharing cannot start. */
  const prepare = async (
    vault: Vault,
  ): Promise<Result<{ share: ShareModule; net: ShareNetwork }, ShareFailure>> => {
    const [share, client] = await load();
    const federated = share.requireFederated(vault.address);
    if (!federated.ok) return err(failure(share, federated.error));
    const session = client.loadSession(vault);
    if (session === undefined)
      return err({
        kind: "not-signed-in",
        message: "this browser is not signed in to the account's server: sign in again",
      });
    const ownServer = await client.discoverServer(
      domainOf(vault.address),
      vault.serverUrl ?? undefined,
    );
    if (!ownServer.ok)
      return err({
        kind: "network",
        message: `${vault.address}'s server could not be reached (${client.describeSyncError(ownServer.error)})`,
      });
    // Other domains' key logs come through the own server's relay: the page's CSP allows only
    // its own origin (`connect-src 'self'`), and the worker verifies every log against its pin.
    const own = client.createServerClient(ownServer.value.apiUrl, () => session.token);
    const net: ShareNetwork = { own, keyLogOf: share.relayedKeyLogOf(own) };
    return ok({ share, net });
  };

  return {
    /**
     * The account's sharing identity, made and published now if the vault has none: right after
     * the account is created, and on unlock for accounts made before sharing (PROTOCOL 17.1).
     * `created` says whether this call made it (the caller then syncs it to the other devices).
     */
    setUpIdentity: async (
      vault: Vault,
    ): Promise<Result<{ created: boolean; safetyNumber: string }, ShareFailure>> => {
      const ready = await prepare(vault);
      if (!ready.ok) return ready;
      const { share, net } = ready.value;
      const existed = share.readIdentity(vault) !== undefined;
      const me = await share.ensureIdentity(vault, net, shareDeps);
      if (!me.ok) return err(failure(share, me.error));
      return ok({
        created: !existed,
        safetyNumber: share.safetyNumber(vault.address, me.value.identity.publicKeys),
      });
    },
    /**
     * Follows the account's inbox stream (`GET /inbox/stream`, pushed by the server when a share
     * arrives or leaves) until `signal` aborts, calling `onChange` for each summary, the first
     * included. Reconnects after any end, waiting 1 s, then twice as long each time up to 30 s.
     */
    followInbox: async (vault: Vault, onChange: () => void, signal: AbortSignal): Promise<void> => {
      let delayMs = 1000;
      while (!signal.aborted) {
        try {
          const ready = await prepare(vault);
          if (ready.ok) {
            const stream = await ready.value.net.own.shares.inboxStream(undefined, { signal });
            for await (const summary of stream) {
              void summary;
              delayMs = 1000;
              onChange();
            }
          }
        } catch {
          // Unreachable, signed out or locked: tried again after the pause (or stopped).
        }
        if (signal.aborted) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delayMs);
          signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
        });
        delayMs = Math.min(delayMs * 2, 30_000);
      }
    },
    /** The senders this account's server refuses shares from. */
    blocked: async (vault: Vault): Promise<Result<readonly string[], ShareFailure>> => {
      const ready = await prepare(vault);
      if (!ready.ok) return ready;
      try {
        return ok((await ready.value.net.own.shares.blocks()).blocked);
      } catch (error) {
        return err({
          kind: "network",
          message: `${vault.address}'s server could not be asked (${error instanceof Error ? error.message : "error"})`,
        });
      }
    },
    /** Blocks (or unblocks) a sender on this account's server; the list after the change. */
    block: async (
      vault: Vault,
      address: string,
      blocked: boolean,
    ): Promise<Result<readonly string[], ShareFailure>> => {
      const ready = await prepare(vault);
      if (!ready.ok) return ready;
      const { share, net } = ready.value;
      const done = await share.blockSender(vault, address.trim(), blocked, net);
      return done.ok ? ok(done.value) : err(failure(share, done.error));
    },
    send: async (vault: Vault, request: ShareRequest): Promise<Result<SentShare, ShareFailure>> => {
      const ready = await prepare(vault);
      if (!ready.ok) return ready;
      const { share, net } = ready.value;
      const sent = await share.sendShare(
        vault,
        {
          item: request.item,
          to: request.to.trim(),
          expiresInMs: request.expiresInMs,
          ...(request.fields === undefined ? {} : { fields: request.fields }),
          ...(request.message === undefined || request.message === ""
            ? {}
            : { message: request.message }),
        },
        net,
        shareDeps,
      );
      return sent.ok ? ok(sent.value) : err(failure(share, sent.error));
    },
    inbox: async (vault: Vault): Promise<Result<readonly InboxShare[], ShareFailure>> => {
      const ready = await prepare(vault);
      if (!ready.ok) return ready;
      const { share, net } = ready.value;
      const read = await share.readInbox(vault, net, shareDeps);
      return read.ok ? ok(read.value) : err(failure(share, read.error));
    },
    accept: async (
      vault: Vault,
      id: string,
    ): Promise<Result<{ itemId: string; title: string; from: string }, ShareFailure>> => {
      const ready = await prepare(vault);
      if (!ready.ok) return ready;
      const { share, net } = ready.value;
      const accepted = await share.acceptShare(vault, id, net, shareDeps);
      return accepted.ok ? ok(accepted.value) : err(failure(share, accepted.error));
    },
    decline: async (vault: Vault, id: string): Promise<Result<{ id: string }, ShareFailure>> => {
      const ready = await prepare(vault);
      if (!ready.ok) return ready;
      const { share, net } = ready.value;
      const declined = await share.declineShare(vault, id, net);
      return declined.ok ? ok(declined.value) : err(failure(share, declined.error));
    },
    contacts: async (vault: Vault): Promise<Result<ContactsView, ShareFailure>> => {
      const [share] = await load();
      const federated = share.requireFederated(vault.address);
      if (!federated.ok) return err(failure(share, federated.error));
      return ok({
        self: { address: vault.address, safetyNumber: share.ownSafetyNumber(vault) ?? null },
        contacts: share.listContacts(vault).map(contactView),
      });
    },
    /**
     * Fetches the address's key log, pins it (again, with `repin`, after a reported key change)
     * and marks it verified: the person compared the safety number shown.
     */
    verifyContact: async (
      vault: Vault,
      address: string,
      options: { readonly repin: boolean },
    ): Promise<Result<ContactView, ShareFailure>> => {
      const ready = await prepare(vault);
      if (!ready.ok) return ready;
      const { share, net } = ready.value;
      const parsed = parseAddress(address.trim());
      if (!parsed.ok)
        return err({ kind: "invalid-field", message: `${address}: ${parsed.error.reason}` });
      const keys = await share.contactKeys(vault, parsed.value as Address, net, shareDeps, {
        repin: options.repin,
      });
      if (!keys.ok) return err(failure(share, keys.error));
      return ok(contactView(share.markVerified(vault, keys.value.contact, deps.now())));
    },
  };
};

export type ShareService = ReturnType<typeof createShareService>;
