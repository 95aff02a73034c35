/**
 * The sharing routes: key logs, the hand-off of a sealed share, delivery between servers with
 * pull-model origin checks, the inbox and blocks. The server never opens a share.
 */

import { type Address, domainOf } from "@keypears/base";
import { MAX_SHARE_BYTES, shareEnvelopeSchema, type WireShareEnvelope } from "@keypears/api";
import { ORPCError } from "@orpc/server";
import { apiError } from "../http/api-error.ts";
import type { AppServices } from "../http/context.ts";
import { authed, base } from "../http/implementer.ts";
import { sharingOf } from "./delivery.ts";
import { discoverApi } from "./discover.ts";
import { relayKeyLog } from "./relay-keys.ts";
import { spend } from "../http/rate-limited.ts";
import { takeStreamSlot } from "../http/account-quotas.ts";
import { followInbox } from "../realtime/follow-inbox.ts";
import { shareError } from "./share-error.ts";
import {
  accountIdOf,
  addressOf,
  extendKeyLog,
  inboxSummary,
  isBlocked,
  listBlocked,
  listInbox,
  listOutgoing,
  type OutgoingShare,
  queuedEnvelope,
  queueShare,
  readKeyLog,
  removeFromInbox,
  setBlocked,
  storeInbox,
  wasSeen,
} from "./share-store.ts";

/** A share lives at most this long (the sender's `--expires` is capped to it). */
const MAX_SHARE_LIFETIME_MS = 90 * 86_400_000;

const outgoingToWire = (share: OutgoingShare) => ({
  id: share.id,
  to: share.to,
  status: share.status,
  attempts: share.attempts,
  lastError: share.lastError,
  createdAt: share.createdAt.toISOString(),
});

const envelopeBytes = (envelope: WireShareEnvelope): number =>
  new TextEncoder().encode(JSON.stringify(envelope)).length;

const tooLarge = () =>
  apiError("PAYLOAD_TOO_LARGE", {
    message: `A share may be at most ${MAX_SHARE_BYTES} bytes.`,
    data: { limit: MAX_SHARE_BYTES, unit: "bytes" },
  });

/** The key log of an account of this domain, as published by its devices. */
const localKeyLog = async (app: AppServices, address: Address) => {
  const accountId = await accountIdOf(app.sql, address);
  const entries = accountId === undefined ? undefined : await readKeyLog(app.sql, accountId);
  if (accountId === undefined || entries === undefined) throw shareError("NO_IDENTITY");
  return { address: await addressOf(app.sql, accountId), entries: [...entries] };
};

export const shareHandlers = {
  keys: base.shares.keys.handler(async ({ input, context: { app } }) => {
    const address = input.address as Address;
    if (domainOf(address) !== app.domain) throw shareError("NO_IDENTITY");
    return localKeyLog(app, address);
  }),

  relayKeys: authed.shares.relayKeys.handler(async ({ input, context: { app, session } }) => {
    const address = input.address as Address;
    const sharing = sharingOf(app);
    spend(sharing.relayPerAccount, session.accountId);
    if (domainOf(address) === app.domain) return localKeyLog(app, address);
    const relayed = await relayKeyLog(address, {
      ownDomain: app.domain,
      fetch: sharing.fetch,
      ...(sharing.resolve === undefined ? {} : { resolve: sharing.resolve }),
    });
    if (relayed.ok) return { address, entries: [...relayed.entries] };
    if (relayed.kind === "no-identity") throw shareError("NO_IDENTITY");
    throw shareError("REMOTE_UNREACHABLE", { reason: relayed.reason });
  }),

  publishKeys: authed.shares.publishKeys.handler(async ({ input, context: { app, session } }) => {
    const stored = await extendKeyLog(
      app.sql,
      session.accountId,
      input.entries,
      new Date(app.now()),
    );
    if (!stored) throw shareError("KEY_LOG_CONFLICT");
    return { length: input.entries.length };
  }),

  send: authed.shares.send.handler(async ({ input, context: { app, session } }) => {
    const envelope = input.envelope;
    const me = await addressOf(app.sql, session.accountId);
    if (envelope.from !== me)
      throw shareError("SHARE_REFUSED", { reason: "the envelope's sender is not this account" });
    if (domainOf(envelope.to as Address) === "localhost")
      throw shareError("SHARE_REFUSED", { reason: "local-only addresses cannot receive shares" });
    if (envelopeBytes(envelope) > MAX_SHARE_BYTES) throw tooLarge();
    const now = app.now();
    if (envelope.expiresAt <= now)
      throw shareError("SHARE_REFUSED", { reason: "the share has already expired" });
    if (envelope.expiresAt - now > MAX_SHARE_LIFETIME_MS)
      throw shareError("SHARE_REFUSED", { reason: "a share may live at most 90 days" });
    const queued = await queueShare(app.sql, envelope, new Date(now));
    if (queued === undefined) throw shareError("REPLAYED");
    sharingOf(app).kick();
    return outgoingToWire(queued);
  }),

  outgoing: authed.shares.outgoing.handler(async ({ context: { app, session } }) => ({
    shares: (await listOutgoing(app.sql, await addressOf(app.sql, session.accountId))).map(
      outgoingToWire,
    ),
  })),

  inbox: authed.shares.inbox.handler(async ({ context: { app, session } }) => ({
    shares: (await listInbox(app.sql, session.accountId, new Date(app.now()))).map((share) => ({
      envelope: share.envelope,
      receivedAt: share.receivedAt.toISOString(),
    })),
  })),

  // Checked before the stream starts (a refusal is a plain HTTP error), counted among the
  // account's open streams like head streams.
  inboxStream: authed.shares.inboxStream.handler(async ({ context: { app, session }, signal }) => {
    const release = takeStreamSlot(app.quotas, session.accountId);
    signal?.addEventListener("abort", release, { once: true });
    const summaries = followInbox({
      hub: app.hub,
      session,
      readSummary: () => inboxSummary(app.sql, session.accountId, new Date(app.now())),
      signals: signal === undefined ? [app.shutdownSignal] : [app.shutdownSignal, signal],
      now: app.now,
      sessionEnded: () => apiError("UNAUTHORIZED"),
    });
    return (async function* () {
      try {
        for await (const summary of summaries)
          yield { count: summary.count, latest: summary.latest?.toISOString() ?? null };
      } finally {
        release();
      }
    })();
  }),

  blocks: authed.shares.blocks.handler(async ({ context: { app, session } }) => ({
    blocked: await listBlocked(app.sql, session.accountId),
  })),

  remove: authed.shares.remove.handler(async ({ input, context: { app, session } }) => {
    if (!(await removeFromInbox(app.sql, session.accountId, input.id)))
      throw apiError("NOT_FOUND", { message: "No such share in this inbox." });
    return { ok: true as const };
  }),

  block: authed.shares.block.handler(async ({ input, context: { app, session } }) => ({
    blocked: await setBlocked(app.sql, session.accountId, input.address, input.blocked),
  })),

  fetch: base.shares.fetch.handler(async ({ input, context: { app } }) => {
    const envelope = await queuedEnvelope(app.sql, input.id, input.to);
    if (envelope === undefined)
      throw apiError("NOT_FOUND", { message: "No such share is being delivered." });
    return { envelope };
  }),

  deliver: base.shares.deliver.handler(async ({ input, context: { app } }) => {
    const { id } = input;
    const from = input.from as Address;
    const to = input.to as Address;
    if (domainOf(to) !== app.domain)
      throw shareError("SHARE_REFUSED", {
        reason: `this server holds ${app.domain}, not ${domainOf(to)}`,
      });
    const accountId = await accountIdOf(app.sql, to);
    if (accountId === undefined || (await readKeyLog(app.sql, accountId)) === undefined)
      throw shareError("NO_IDENTITY");
    if (await isBlocked(app.sql, accountId, from)) throw shareError("BLOCKED");
    if (await wasSeen(app.sql, to, from, id)) throw shareError("REPLAYED");
    const sharing = sharingOf(app);
    for (const decision of [sharing.perDomain.take(domainOf(from)), sharing.perSender.take(from)])
      if (!decision.allowed)
        throw apiError("TOO_MANY_REQUESTS", {
          message: "Too many shares from this sender or domain; try again later.",
          data: { retryAfterSeconds: decision.retryAfterSeconds },
        });
    // Pull-model verification: only the server of the sender's domain can serve this share.
    const origin = await discoverApi(domainOf(from), sharing.fetch);
    if (!origin.ok)
      throw shareError("ORIGIN_UNVERIFIED", {
        message: `The server of ${domainOf(from)} could not be asked: ${origin.reason}.`,
      });
    let envelope: WireShareEnvelope;
    try {
      const response = await sharing.fetch(
        `${origin.apiUrl}/federation/shares/${id}?to=${encodeURIComponent(to)}`,
        { signal: AbortSignal.timeout(15_000), redirect: "error" },
      );
      if (!response.ok) throw shareError("ORIGIN_UNVERIFIED");
      const text = await response.text();
      if (text.length > MAX_SHARE_BYTES * 2) throw tooLarge();
      const parsed = shareEnvelopeSchema.safeParse(
        (JSON.parse(text) as { envelope?: unknown }).envelope,
      );
      if (!parsed.success)
        throw shareError("ORIGIN_UNVERIFIED", {
          message: "The sender's server served a malformed share.",
        });
      envelope = parsed.data;
    } catch (error) {
      if (error instanceof ORPCError) throw error;
      throw shareError("ORIGIN_UNVERIFIED");
    }
    if (envelope.id !== id || envelope.from !== from || envelope.to !== to)
      throw shareError("ORIGIN_UNVERIFIED", {
        message: "The share the sender's server serves is not the one announced.",
      });
    if (envelopeBytes(envelope) > MAX_SHARE_BYTES) throw tooLarge();
    if (envelope.expiresAt <= app.now())
      throw shareError("SHARE_REFUSED", { reason: "the share has expired" });
    if (!(await storeInbox(app.sql, accountId, envelope, new Date(app.now()))))
      throw shareError("REPLAYED");
    return { ok: true as const };
  }),
};
