/**
 * Sharing between addresses (docs/PROTOCOL.md, "Sharing"): each account's public key log, the
 * sender's hand-off of a sealed share to its own server, delivery from server to server (the
 * receiver pulls the share back from the sender's domain to check its origin), the inbox, and
 * blocking a sender. Servers only route sealed envelopes: they cannot open or forge them.
 */

import { eventIterator } from "@orpc/contract";
import { z } from "zod";
import { apiErrors } from "../errors.ts";
import { addressOutputSchema, addressSchema, timestampSchema } from "../wire.ts";
import { publicRoute, sessionRoute } from "./base.ts";

/** The largest share envelope (JSON bytes) any server accepts; a client refuses larger ones. */
export const MAX_SHARE_BYTES = 64 * 1024;

const b64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, "expected base64url");

const uuidSchema = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    "expected a lowercase UUID",
  );

export const keyLogEntrySchema = z.object({
  seq: z.int().min(0),
  prev: z.string().regex(/^([0-9a-f]{64})?$/),
  createdAt: z.int().min(0),
  signing: b64url(64),
  x25519: b64url(64),
  xwing: b64url(2000),
  signature: b64url(128),
});
export type WireKeyLogEntry = z.infer<typeof keyLogEntrySchema>;

export const shareEnvelopeSchema = z.object({
  v: z.int(),
  suite: z.string().max(100),
  id: uuidSchema,
  from: addressOutputSchema,
  to: addressOutputSchema,
  createdAt: z.int().min(0),
  expiresAt: z.int().min(0),
  senderKeySeq: z.int().min(0),
  recipientKeyHead: z.string().regex(/^[0-9a-f]{64}$/),
  enc: b64url(4000),
  ciphertext: b64url(MAX_SHARE_BYTES * 2),
  signature: b64url(128),
});
export type WireShareEnvelope = z.infer<typeof shareEnvelopeSchema>;

export const shareErrors = {
  NO_IDENTITY: {
    status: 404,
    message:
      "This address has no published identity: it does not exist, or its owner has not set up sharing yet.",
  },
  KEY_LOG_CONFLICT: {
    status: 409,
    message: "The key log sent does not extend the one this server holds; nothing was changed.",
  },
  SHARE_REFUSED: {
    status: 400,
    message: "This share cannot be accepted.",
    data: z.object({ reason: z.string() }),
  },
  ORIGIN_UNVERIFIED: {
    status: 403,
    message:
      "The sender's domain's server did not confirm this share: only the server of the sender's domain may deliver for it.",
  },
  REPLAYED: {
    status: 409,
    message: "A share with this id from this sender to this recipient was already delivered.",
  },
  BLOCKED: {
    status: 403,
    message: "The recipient does not accept shares from this sender.",
  },
  REMOTE_UNREACHABLE: {
    status: 502,
    message:
      "The server of that address's domain could not be reached, or did not serve a valid key log.",
    data: z.object({ reason: z.string() }),
  },
} as const;

export const outgoingShareSchema = z.object({
  id: uuidSchema,
  to: addressOutputSchema,
  status: z.enum(["queued", "delivered", "failed"]),
  attempts: z.int(),
  lastError: z.string().nullable(),
  createdAt: timestampSchema,
});

export const inboxShareSchema = z.object({
  envelope: shareEnvelopeSchema,
  receivedAt: timestampSchema,
});

export const inboxSummarySchema = z.object({
  count: z.int().min(0),
  latest: timestampSchema.nullable(),
});

const tag = { tags: ["sharing"] } as const;
const federationTag = { tags: ["federation"] } as const;

export const shareRoutes = {
  keys: publicRoute
    .errors({ NO_IDENTITY: shareErrors.NO_IDENTITY })
    .route({
      ...tag,
      method: "GET",
      path: "/accounts/{address}/keys",
      summary: "An address's public key log",
      description:
        "The signed, hash-chained log of an address's public keys (Ed25519 for signing, X25519 and X-Wing for receiving), as its owner's devices published it. Clients verify every signature and link, pin the log on first use and accept later answers only if they extend it (docs/PROTOCOL.md, 'Identity and key log').",
    })
    .input(z.object({ address: addressSchema }))
    .output(z.object({ address: addressOutputSchema, entries: z.array(keyLogEntrySchema) })),

  relayKeys: sessionRoute
    .errors({
      NO_IDENTITY: shareErrors.NO_IDENTITY,
      REMOTE_UNREACHABLE: shareErrors.REMOTE_UNREACHABLE,
      TOO_MANY_REQUESTS: apiErrors.TOO_MANY_REQUESTS,
    })
    .route({
      ...tag,
      method: "GET",
      path: "/relay/accounts/{address}/keys",
      summary: "Any address's public key log, fetched by this server for the signed-in account",
      description:
        "For clients that may only talk to their own server (the web app, under `connect-src 'self'`). An address of this domain is answered from this server; another domain's is fetched from the server that domain's discovery document names, at `GET /accounts/{address}/keys`, with no redirects, a 10 s limit, at most 1 MiB, and never from an address of a private network or this machine (unless this server's own domain is on this machine). Rate-limited per account. The client verifies the answer against its pin as if it had fetched it itself (docs/PROTOCOL.md 17.2).",
    })
    .input(z.object({ address: addressSchema }))
    .output(z.object({ address: addressOutputSchema, entries: z.array(keyLogEntrySchema) })),

  publishKeys: sessionRoute
    .errors({ KEY_LOG_CONFLICT: shareErrors.KEY_LOG_CONFLICT })
    .route({
      ...tag,
      method: "PUT",
      path: "/account/keys",
      summary: "Publish this account's key log (first entry, or an extension)",
      description:
        "Stores the account's key log. The log sent must start with every entry already stored (a server never lets an entry be replaced); the server checks the structure, the clients check the signatures.",
    })
    .input(z.object({ entries: z.array(keyLogEntrySchema).min(1).max(256) }))
    .output(z.object({ length: z.int() })),

  send: sessionRoute
    .errors({
      PAYLOAD_TOO_LARGE: apiErrors.PAYLOAD_TOO_LARGE,
      SHARE_REFUSED: shareErrors.SHARE_REFUSED,
      REPLAYED: shareErrors.REPLAYED,
    })
    .route({
      ...tag,
      method: "POST",
      path: "/shares",
      successStatus: 202,
      summary: "Hand a sealed share to this server for delivery",
      description:
        "Queues a sealed, signed share from this account for delivery to the recipient's server, which the server finds through the recipient domain's discovery document and retries with backoff while it is down. The envelope's `from` must be this account.",
    })
    .input(z.object({ envelope: shareEnvelopeSchema }))
    .output(outgoingShareSchema),

  outgoing: sessionRoute
    .route({
      ...tag,
      method: "GET",
      path: "/shares",
      summary: "This account's outgoing shares and their delivery state",
      description:
        "Queued, delivered and failed shares sent by this account (newest first, at most 200).",
    })
    .output(z.object({ shares: z.array(outgoingShareSchema) })),

  inbox: sessionRoute
    .route({
      ...tag,
      method: "GET",
      path: "/inbox",
      summary: "Shares delivered to this account",
      description:
        "Sealed shares waiting for this account, oldest first. The devices verify the sender's signature against the sender's pinned key log before showing a share.",
    })
    .output(z.object({ shares: z.array(inboxShareSchema) })),

  inboxStream: sessionRoute
    .route({
      ...tag,
      method: "GET",
      path: "/inbox/stream",
      summary: "Server-sent events: the inbox's summary now, then every time it changes",
      description:
        'A `text/event-stream` like the vault head stream: an event `message` whose `data` is `{"count":2,"latest":"<time the newest share arrived, or null>"}`, then another each time a share arrives or leaves the inbox (accepted or declined on any device), so devices read the inbox (`GET /inbox`) when it changes instead of polling. Comment lines keep it open; it ends with an `error` event when the session ends, and with `done` on shutdown. Reconnect after any end.',
    })
    .output(eventIterator(inboxSummarySchema)),

  blocks: sessionRoute
    .route({
      ...tag,
      method: "GET",
      path: "/account/blocks",
      summary: "The addresses this account blocked",
      description: "The senders whose shares this server refuses for this account, in order.",
    })
    .output(z.object({ blocked: z.array(addressOutputSchema) })),

  remove: sessionRoute
    .errors({ NOT_FOUND: apiErrors.NOT_FOUND })
    .route({
      ...tag,
      method: "DELETE",
      path: "/inbox/{id}",
      summary: "Remove a share from the inbox (accepted or declined)",
      description:
        "Deletes the share from this account's inbox; its id stays known, so it is never delivered again.",
    })
    .input(z.object({ id: uuidSchema }))
    .output(z.object({ ok: z.literal(true) })),

  block: sessionRoute
    .route({
      ...tag,
      method: "PUT",
      path: "/account/blocks/{address}",
      summary: "Refuse shares from an address",
      description: "From now on this server refuses every share from the address to this account.",
    })
    .input(z.object({ address: addressSchema, blocked: z.boolean() }))
    .output(z.object({ blocked: z.array(addressOutputSchema) })),

  deliver: publicRoute
    .errors({
      NO_IDENTITY: shareErrors.NO_IDENTITY,
      SHARE_REFUSED: shareErrors.SHARE_REFUSED,
      ORIGIN_UNVERIFIED: shareErrors.ORIGIN_UNVERIFIED,
      REPLAYED: shareErrors.REPLAYED,
      BLOCKED: shareErrors.BLOCKED,
      PAYLOAD_TOO_LARGE: apiErrors.PAYLOAD_TOO_LARGE,
      TOO_MANY_REQUESTS: apiErrors.TOO_MANY_REQUESTS,
    })
    .route({
      ...federationTag,
      method: "POST",
      path: "/federation/shares",
      summary: "Server to server: a share for an account of this domain is waiting",
      description:
        "Called by the sender's server. This server fetches the share back from the server of the sender's domain (found through that domain's discovery document) at `GET /federation/shares/{id}`, and stores it in the recipient's inbox only if that server serves it (pull-model verification: only the server of a domain can deliver for it). Refused: unknown recipient, blocked sender, replayed id, oversized share, too many shares from the sending domain or sender.",
    })
    .input(z.object({ id: uuidSchema, from: addressSchema, to: addressSchema }))
    .output(z.object({ ok: z.literal(true) })),

  fetch: publicRoute
    .errors({ NOT_FOUND: apiErrors.NOT_FOUND })
    .route({
      ...federationTag,
      method: "GET",
      path: "/federation/shares/{id}",
      summary: "Server to server: the sealed share this server is delivering",
      description:
        "Serves a share this server is delivering to `to`, while it is queued: the receiving server's proof that the share comes from this domain.",
    })
    .input(z.object({ id: uuidSchema, to: addressSchema }))
    .output(z.object({ envelope: shareEnvelopeSchema })),
};
