/**
 * The vault routes: list the account's vaults; push, pull, read and follow the head of a vault's
 * log. Pushes, pulls and streams count against the account's quotas (`account-quotas.ts`).
 */

import {
  decodePushFrames,
  encodePullPageFrames,
  encodePushAnswerFrames,
  EVENT_FRAMES_MEDIA_TYPE,
} from "@keypears/api";
import {
  type AppendResult,
  type ChainHash,
  type EventEnvelope,
  type EventId,
  isEventId,
  type VaultId,
} from "@keypears/sync-core";
import { ORPCError } from "@orpc/server";
import { requireOwnSignedEvents } from "../../events/signer-filter.ts";
import type { Session } from "../../accounts/sessions.ts";
import type { RequestContext } from "../context.ts";
import { followHead } from "../../realtime/follow-head.ts";
import { latestSnapshotAnchor } from "../../vaults/snapshots.ts";
import { listVaults, recordAck, replaceWrappedKey } from "../../vaults/vaults.ts";
import { pushPreflight } from "../../vaults/push-preflight.ts";
import {
  requireStorage,
  requireStorageRoom,
  spendEvents,
  takeStreamSlot,
  withHeavySlot,
} from "../account-quotas.ts";
import { apiError } from "../api-error.ts";
import { authed, vaultAuthed } from "../implementer.ts";
import { b64, bytes, checkpointToWire } from "../wire-convert.ts";
import { requireApprovedDevice, requireOwnVault, vaultAccessError } from "./vault-access.ts";

type Context = RequestContext & { readonly session: Session };

/** A binary body that does not parse: the same 400 a JSON body failing its schema gets. */
const malformed = (message: string) => new ORPCError("BAD_REQUEST", { status: 400, message });

const framesFile = (body: Uint8Array<ArrayBuffer>): File =>
  new File([body], "events", { type: EVENT_FRAMES_MEDIA_TYPE });

/** A push, whichever body it came in: session, ownership and limits, quotas, then the append. */
const pushEnvelopes = async (
  context: Context,
  requestedVault: string,
  envelopes: readonly EventEnvelope[],
): Promise<AppendResult> => {
  const { app, session } = context;
  const { limits } = app;
  context.request.noteVault(requestedVault);
  requireApprovedDevice(session);
  const vaultId = requestedVault as VaultId;
  const tooMany = envelopes.length > limits.maxEventsPerPush;
  // Session, ownership, head, known ids and stored bytes in one query (see push-preflight.ts).
  const preflight = await pushPreflight(
    app.sql,
    app.now(),
    session,
    vaultId,
    tooMany ? [] : envelopes.map((envelope) => envelope.id),
  );
  if (preflight.kind === "session-ended") throw apiError("UNAUTHORIZED");
  if (preflight.kind !== "owner") throw vaultAccessError(preflight.kind);
  if (tooMany) {
    throw apiError("PAYLOAD_TOO_LARGE", {
      message: `A push holds at most ${limits.maxEventsPerPush} events; split the batch.`,
      data: { limit: limits.maxEventsPerPush, unit: "events" },
    });
  }
  let total = 0;
  for (const envelope of envelopes) {
    if (envelope.payload.length > limits.maxEventBytes) {
      throw apiError("PAYLOAD_TOO_LARGE", {
        message: `Event ${envelope.id} is ${envelope.payload.length} bytes; the limit is ${limits.maxEventBytes}.`,
        data: { limit: limits.maxEventBytes, unit: "bytes", id: envelope.id },
      });
    }
    total += envelope.payload.length;
  }
  requireOwnSignedEvents(session, envelopes);
  const result = await withHeavySlot(app.quotas, session.accountId, async () => {
    requireStorageRoom(app.quotas, preflight.storedBytes, total);
    spendEvents(app.quotas, session.accountId, envelopes.length);
    return app.events.appendOnto(vaultId, preflight.base, envelopes);
  });
  if (!result.ok) {
    throw apiError("ID_REUSED", {
      message: `Event ${result.error.id} is already in this vault with a different payload; nothing was stored.`,
      data: { id: result.error.id },
    });
  }
  return result.value;
};

/** A page of the log, whichever body it goes out in; records what the device holds. */
const pullPage = async (
  context: Context,
  input: { readonly vaultId: string; readonly after: number; readonly limit: number },
) => {
  const { app, session } = context;
  const vaultId = await requireOwnVault(context, input.vaultId);
  const page = await withHeavySlot(app.quotas, session.accountId, () =>
    app.events.readPage(vaultId, input.after, input.limit, app.limits.maxPullBytes),
  );
  if (!page.ok) {
    const snapshot = await latestSnapshotAnchor(app, vaultId);
    throw apiError("PRUNED", {
      message: `Events through position ${page.error.prunedThrough} were pruned; start from the latest snapshot.`,
      data: {
        prunedThrough: page.error.prunedThrough,
        snapshot: snapshot === undefined ? null : checkpointToWire(snapshot),
      },
    });
  }
  // Pulling after a position says the device holds everything up to it.
  const acked = Math.min(input.after, page.value.head.position);
  if (acked > 0) await recordAck(app, session.accountId, session.deviceId, vaultId, acked);
  return page.value;
};

export const vaultHandlers = {
  list: authed.vaults.list.handler(async ({ context: { app, session } }) => ({
    vaults: (await listVaults(app.sql, session.accountId)).map((vault) => ({
      vaultId: vault.vaultId,
      wrappedVaultKey: b64(vault.wrappedVaultKey),
      head: checkpointToWire(vault.head),
    })),
  })),

  replaceWrappedKey: vaultAuthed.vaults.replaceWrappedKey.handler(async ({ input, context }) => {
    // Revoked devices have no session; a pending one is refused here.
    const vaultId = await requireOwnVault(context, input.vaultId);
    const { app, session } = context;
    const replaced = await replaceWrappedKey(
      app.sql,
      session.accountId,
      vaultId,
      bytes(input.previous),
      bytes(input.wrappedVaultKey),
    );
    if (!replaced) throw apiError("WRAPPED_KEY_CHANGED");
    return { ok: true as const };
  }),

  push: vaultAuthed.vaults.push.handler(async ({ input, context }) => {
    const envelopes = input.events.map((event): EventEnvelope => ({
      id: event.id as EventId,
      payload: bytes(event.payload),
    }));
    const result = await pushEnvelopes(context, input.vaultId, envelopes);
    return {
      events: result.events.map((event) => ({
        id: event.id,
        position: event.position,
        chainHash: b64(event.chainHash),
        duplicate: event.duplicate,
      })),
      head: checkpointToWire(result.head),
    };
  }),

  pushFrames: vaultAuthed.vaults.pushFrames.handler(async ({ input, context }) => {
    const decoded = decodePushFrames(new Uint8Array(await input.body.arrayBuffer()));
    if (!decoded.ok) {
      throw malformed(`The push body is malformed: ${decoded.error.reason}.`);
    }
    const envelopes: EventEnvelope[] = [];
    for (const event of decoded.value) {
      // Ids come as 16 bytes with the UUID variant; the JSON route checks the same through its schema.
      if (!isEventId(event.id)) throw malformed("An event id is not a UUID.");
      envelopes.push({ id: event.id, payload: event.payload });
    }
    const result = await pushEnvelopes(context, input.params.vaultId, envelopes);
    return framesFile(encodePushAnswerFrames(result));
  }),

  pull: vaultAuthed.vaults.pull.handler(async ({ input, context }) => {
    const { anchor, events, head } = await pullPage(context, input);
    return {
      anchor: checkpointToWire(anchor),
      events: events.map((event) => ({
        id: event.id,
        payload: b64(event.payload),
        position: event.position,
        chainHash: b64(event.chainHash),
      })),
      head: checkpointToWire(head),
    };
  }),

  pullFrames: vaultAuthed.vaults.pullFrames.handler(async ({ input, context }) =>
    framesFile(encodePullPageFrames(await pullPage(context, input))),
  ),

  head: vaultAuthed.vaults.head.handler(async ({ input, context }) => {
    const vaultId = await requireOwnVault(context, input.vaultId);
    return checkpointToWire(await context.app.events.head(vaultId));
  }),

  // Access is checked before the stream starts, so a refusal is a plain HTTP error, not an event.
  stream: vaultAuthed.vaults.stream.handler(async ({ input, context, signal }) => {
    const { app, session } = context;
    const vaultId = await requireOwnVault(context, input.vaultId);
    const release = takeStreamSlot(app.quotas, session.accountId);
    // A stream the client drops before it starts never runs its generator: release on abort too.
    signal?.addEventListener("abort", release, { once: true });
    const heads = followHead({
      hub: app.hub,
      vaultId,
      session,
      readHead: () => app.events.head(vaultId),
      signals: signal === undefined ? [app.shutdownSignal] : [app.shutdownSignal, signal],
      now: app.now,
      sessionEnded: () => apiError("UNAUTHORIZED"),
    });
    return (async function* () {
      try {
        for await (const head of heads) yield checkpointToWire(head);
      } finally {
        release();
      }
    })();
  }),

  restore: vaultAuthed.vaults.restore.handler(async ({ input, context }) => {
    const { app, session } = context;
    const { limits } = app;
    const vaultId = await requireOwnVault(context, input.vaultId);
    if (input.events.length > limits.maxEventsPerPush) {
      throw apiError("PAYLOAD_TOO_LARGE", {
        message: `A restore holds at most ${limits.maxEventsPerPush} events; split it.`,
        data: { limit: limits.maxEventsPerPush, unit: "events" },
      });
    }
    const events = input.events.map((event) => {
      const payload = bytes(event.payload);
      if (payload.length > limits.maxEventBytes) {
        throw apiError("PAYLOAD_TOO_LARGE", {
          message: `Event ${event.id} is ${payload.length} bytes; the limit is ${limits.maxEventBytes}.`,
          data: { limit: limits.maxEventBytes, unit: "bytes", id: event.id },
        });
      }
      return {
        id: event.id as EventId,
        payload,
        position: event.position,
        chainHash: bytes(event.chainHash) as ChainHash,
      };
    });
    const after = { position: input.after.position, hash: bytes(input.after.hash) as ChainHash };
    const result = await withHeavySlot(app.quotas, session.accountId, async () => {
      await requireStorage(
        app.quotas,
        app.sql,
        session.accountId,
        events.reduce((sum, event) => sum + event.payload.length, 0),
      );
      spendEvents(app.quotas, session.accountId, events.length);
      return app.events.restore(vaultId, after, events);
    });
    if (!result.ok) {
      throw apiError("CHAIN_MISMATCH", {
        message:
          result.error.kind === "not-head"
            ? `This vault's head is at position ${result.error.head.position}, not the one sent; nothing was stored.`
            : `The event at position ${result.error.position} does not extend this vault's chain as sent; nothing was stored.`,
        data: {
          position:
            result.error.kind === "not-head" ? result.error.head.position : result.error.position,
        },
      });
    }
    return checkpointToWire(result.value);
  }),
};
