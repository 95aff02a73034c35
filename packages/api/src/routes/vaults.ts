/**
 * Vault routes: the account's vaults, and each vault's log: push a batch, pull pages after a
 * position, read the head, and follow the head as it moves. An account has the one vault it was
 * registered with (no route adds another), and only the server prunes, on its own schedule.
 */

import { eventIterator } from "@orpc/contract";
import { z } from "zod";
import { apiErrors } from "../errors.ts";
import { EVENT_FRAMES_MEDIA_TYPE } from "../event-frames.ts";
import {
  DEFAULT_PULL_LIMIT,
  MAX_EVENT_PAYLOAD_BYTES,
  MAX_EVENTS_PER_PUSH,
  MAX_PULL_LIMIT,
} from "../protocol.ts";
import {
  bytesSchema,
  checkpointSchema,
  eventIdSchema,
  hashSchema,
  positionQuerySchema,
  vaultIdSchema,
  wrappedVaultKeySchema,
} from "../wire.ts";
import { sessionRoute } from "./base.ts";

export const payloadSchema = bytesSchema("Encrypted event", 0, MAX_EVENT_PAYLOAD_BYTES);

/** What a client pushes: an event id and its sealed payload (docs/PROTOCOL.md, "The envelope"). */
export const eventEnvelopeSchema = z.object({ id: eventIdSchema, payload: payloadSchema });

export const pushedEventSchema = z.object({
  id: eventIdSchema,
  position: z.int().min(1),
  chainHash: hashSchema,
  duplicate: z.boolean().describe("True when the id was already stored with the same payload"),
});

export const pulledEventSchema = z.object({
  id: eventIdSchema,
  payload: payloadSchema,
  position: z.int().min(1),
  chainHash: hashSchema,
});

export const pullPageSchema = z.object({
  anchor: checkpointSchema.describe(
    "The server's checkpoint at `after` (its head when `after` is past the head): compare it with your own",
  ),
  events: z.array(pulledEventSchema),
  head: checkpointSchema,
});
export type WirePullPage = z.infer<typeof pullPageSchema>;

export const vaultSummarySchema = z.object({
  vaultId: vaultIdSchema,
  wrappedVaultKey: wrappedVaultKeySchema,
  head: checkpointSchema,
});

/** A binary body (`event-frames.ts`): the same content as the JSON route's, as bytes. */
export const eventFramesSchema = (what: string) =>
  z
    .file()
    .mime([EVENT_FRAMES_MEDIA_TYPE])
    .describe(`${what}, as binary frames (docs/PROTOCOL.md, "Binary bodies")`);

const vaultRoute = sessionRoute.errors({
  FORBIDDEN: apiErrors.FORBIDDEN,
  NOT_FOUND: apiErrors.NOT_FOUND,
  TOO_MANY_REQUESTS: apiErrors.TOO_MANY_REQUESTS,
});
const tag = { tags: ["vaults"] } as const;

export const vaultRoutes = {
  list: sessionRoute
    .route({
      ...tag,
      method: "GET",
      path: "/vaults",
      summary: "The account's vaults",
      description: "Every vault of the account with its wrapped key and the head of its log.",
    })
    .output(z.object({ vaults: z.array(vaultSummarySchema) })),

  replaceWrappedKey: vaultRoute
    .errors({ WRAPPED_KEY_CHANGED: apiErrors.WRAPPED_KEY_CHANGED })
    .route({
      ...tag,
      method: "PUT",
      path: "/vaults/{vaultId}/wrapped-key",
      summary: "Replace the vault's wrapped key, after a key rotation",
      description:
        "A device of the account (neither revoked nor pending) stores a new password-wrapped key for the vault, holding every key epoch's vault key (docs/PROTOCOL.md 16.7), after its rekey event was ordered. Sessions are kept: the password did not change. The server cannot read or check the box; devices check it when they open it. `previous` is the wrapped key the device last read: if the server holds another one (a password changed meanwhile), nothing changes (WRAPPED_KEY_CHANGED), so a key wrapped under an old password never replaces one under the new.",
    })
    .input(
      z.object({
        vaultId: vaultIdSchema,
        previous: wrappedVaultKeySchema,
        wrappedVaultKey: wrappedVaultKeySchema,
      }),
    )
    .output(z.object({ ok: z.literal(true) })),

  push: vaultRoute
    .errors({
      ID_REUSED: apiErrors.ID_REUSED,
      PAYLOAD_TOO_LARGE: apiErrors.PAYLOAD_TOO_LARGE,
      QUOTA_EXCEEDED: apiErrors.QUOTA_EXCEEDED,
      UNSIGNED_PAYLOAD: apiErrors.UNSIGNED_PAYLOAD,
      WRONG_SIGNER: apiErrors.WRONG_SIGNER,
      PROTOCOL_MISMATCH: apiErrors.PROTOCOL_MISMATCH,
    })
    .route({
      ...tag,
      method: "POST",
      path: "/vaults/{vaultId}/events",
      summary: "Append a batch of encrypted events, atomically; idempotent by event id",
      description:
        "Appends envelopes (event id and sealed payload) to the vault's log in one transaction, in the order given. Each new event gets the next position and the chain hash `H_n = SHA-256(H_(n-1) || SHA-256(0x01 || id || payload))`; an id already stored with the same payload is answered with its existing position (`duplicate: true`), so a retried push never duplicates; an id stored with another payload refuses the whole batch (ID_REUSED). Every payload must be a well-formed version-2 signed payload (docs/PROTOCOL.md 16.2) whose signer is this session's device, or the whole batch is refused and nothing is stored: UNSIGNED_PAYLOAD (malformed), WRONG_SIGNER (another device), PROTOCOL_MISMATCH (a version-1 payload); `data.id` names the event. The positions in the answer are promises the client checks on its next pull. Per-account quotas apply: events per minute and concurrent requests (429, with Retry-After), stored bytes (413 QUOTA_EXCEEDED).",
    })
    .input(
      z.object({
        vaultId: vaultIdSchema,
        events: z.array(eventEnvelopeSchema).max(MAX_EVENTS_PER_PUSH),
      }),
    )
    .output(z.object({ events: z.array(pushedEventSchema), head: checkpointSchema })),

  pushFrames: vaultRoute
    .errors({
      ID_REUSED: apiErrors.ID_REUSED,
      PAYLOAD_TOO_LARGE: apiErrors.PAYLOAD_TOO_LARGE,
      QUOTA_EXCEEDED: apiErrors.QUOTA_EXCEEDED,
    })
    .route({
      ...tag,
      method: "POST",
      path: "/vaults/{vaultId}/events/frames",
      inputStructure: "detailed",
      summary: "Append a batch of encrypted events, as binary frames",
      description: `The push route (\`POST /vaults/{vaultId}/events\`) with binary bodies: the request is a \`${EVENT_FRAMES_MEDIA_TYPE}\` body of kind 1 (each event's 16 id bytes, its length and its sealed payload) and the answer one of kind 2 (the head, then each event's id, position, chain hash and duplicate flag). Same rules, limits, quotas and errors (errors are JSON); the body's layout is in docs/PROTOCOL.md, "Binary bodies".`,
    })
    .input(
      z.object({
        params: z.object({ vaultId: vaultIdSchema }),
        body: eventFramesSchema("The envelopes to append"),
      }),
    )
    .output(eventFramesSchema("The positions and chain hashes given, and the head")),

  pullFrames: vaultRoute
    .errors({ PRUNED: apiErrors.PRUNED })
    .route({
      ...tag,
      method: "GET",
      path: "/vaults/{vaultId}/events/frames",
      summary: "Events after a position, as binary frames",
      description: `The pull route (\`GET /vaults/{vaultId}/events\`) answering with a \`${EVENT_FRAMES_MEDIA_TYPE}\` body of kind 3: the anchor, the head, then each event's id, position, chain hash and sealed payload. Same rules, limits and errors (errors are JSON); the layout is in docs/PROTOCOL.md, "Binary bodies".`,
    })
    .input(
      z.object({
        vaultId: vaultIdSchema,
        after: positionQuerySchema.default(0),
        limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(DEFAULT_PULL_LIMIT),
      }),
    )
    .output(eventFramesSchema("One page of the log")),

  pull: vaultRoute
    .errors({ PRUNED: apiErrors.PRUNED })
    .route({
      ...tag,
      method: "GET",
      path: "/vaults/{vaultId}/events",
      summary: "Events after a position, in order, with the anchor and the head",
      description:
        "One page of the log: the server's checkpoint at `after` (the anchor, which the client compares with its own verified checkpoint), up to `limit` events after it in position order (and at most the server's `maxPullBytes` of payloads, but always at least one event: a page may end before the head even when shorter than `limit`), each with its payload and chain hash, and the current head. Pulling after a position also records that this device holds the log up to it (pruning waits for every active device). 410 PRUNED when `after` is before the end of the pruned range: start from the latest snapshot.",
    })
    .input(
      z.object({
        vaultId: vaultIdSchema,
        after: positionQuerySchema.default(0),
        limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(DEFAULT_PULL_LIMIT),
      }),
    )
    .output(pullPageSchema),

  head: vaultRoute
    .route({
      ...tag,
      method: "GET",
      path: "/vaults/{vaultId}/head",
      summary: "The vault's head",
      description:
        "The position and chain hash of the last event of the vault's log (position 0 and the genesis hash for an empty log).",
    })
    .input(z.object({ vaultId: vaultIdSchema }))
    .output(checkpointSchema),

  stream: vaultRoute
    .route({
      ...tag,
      method: "GET",
      path: "/vaults/{vaultId}/stream",
      summary: "Server-sent events: the head now, then every time it moves",
      description:
        'A `text/event-stream` (Server-Sent Events). The response opens with a comment line, then sends the current head as an event named `message` whose `data` is the JSON text of a checkpoint, `{"position":3,"hash":"<base64url>"}`, and another such event each time the head moves (moves faster than the client reads are coalesced to the newest). While idle, a comment line keeps the connection open (every 15 seconds by default). When the session ends (sign-out, revocation, expiry) an event named `error` carries the JSON error (code UNAUTHORIZED) and the stream closes; when the server shuts down, an event named `done` ends it. Reconnect after any end, and pull: the stream only says that there is something to pull.',
    })
    .input(z.object({ vaultId: vaultIdSchema }))
    .output(eventIterator(checkpointSchema)),

  restore: vaultRoute
    .errors({
      CHAIN_MISMATCH: apiErrors.CHAIN_MISMATCH,
      PAYLOAD_TOO_LARGE: apiErrors.PAYLOAD_TOO_LARGE,
      QUOTA_EXCEEDED: apiErrors.QUOTA_EXCEEDED,
    })
    .route({
      ...tag,
      method: "POST",
      path: "/vaults/{vaultId}/restore",
      summary: "Disaster recovery: re-upload verified events the server lost",
      description:
        "After the server was restored from a backup, its log may be behind what a device verified. When the server's head is a checkpoint of the device's verified chain, the device sends `after` (the server's head as it saw it) and the events after it with their positions and chain hashes. The server stores them only if `after` is its head and every event extends it with the same chain (it recomputes each hash); otherwise nothing is stored (CHAIN_MISMATCH). Answers with the new head.",
    })
    .input(
      z.object({
        vaultId: vaultIdSchema,
        after: checkpointSchema,
        events: z.array(pulledEventSchema).max(MAX_EVENTS_PER_PUSH),
      }),
    )
    .output(checkpointSchema),
};
