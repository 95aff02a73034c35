/**
 * The vault routes: list the account's vaults; push, pull, read and follow the head of a vault's
 * log. Pushes, pulls and streams count against the account's quotas (`account-quotas.ts`).
 */

import type { ChainHash, EventEnvelope, EventId } from "@keypears/sync-core";
import { requireOwnSignedEvents } from "../../events/signer-filter.ts";
import { followHead } from "../../realtime/follow-head.ts";
import { latestSnapshotAnchor } from "../../vaults/snapshots.ts";
import { listVaults, recordAck } from "../../vaults/vaults.ts";
import { requireStorage, spendEvents, takeStreamSlot, withHeavySlot } from "../account-quotas.ts";
import { apiError } from "../api-error.ts";
import { authed } from "../implementer.ts";
import { b64, bytes, checkpointToWire } from "../wire-convert.ts";
import { requireOwnVault } from "./vault-access.ts";

export const vaultHandlers = {
  list: authed.vaults.list.handler(async ({ context: { app, session } }) => ({
    vaults: (await listVaults(app.sql, session.accountId)).map((vault) => ({
      vaultId: vault.vaultId,
      wrappedVaultKey: b64(vault.wrappedVaultKey),
      head: checkpointToWire(vault.head),
    })),
  })),

  push: authed.vaults.push.handler(async ({ input, context }) => {
    const { app, session } = context;
    const { limits } = app;
    const vaultId = await requireOwnVault(context, input.vaultId);
    if (input.events.length > limits.maxEventsPerPush) {
      throw apiError("PAYLOAD_TOO_LARGE", {
        message: `A push holds at most ${limits.maxEventsPerPush} events; split the batch.`,
        data: { limit: limits.maxEventsPerPush, unit: "events" },
      });
    }
    const envelopes = input.events.map((event): EventEnvelope => {
      const payload = bytes(event.payload);
      if (payload.length > limits.maxEventBytes) {
        throw apiError("PAYLOAD_TOO_LARGE", {
          message: `Event ${event.id} is ${payload.length} bytes; the limit is ${limits.maxEventBytes}.`,
          data: { limit: limits.maxEventBytes, unit: "bytes", id: event.id },
        });
      }
      return { id: event.id as EventId, payload };
    });
    requireOwnSignedEvents(session, envelopes);
    const result = await withHeavySlot(app.quotas, session.accountId, async () => {
      await requireStorage(
        app.quotas,
        app.sql,
        session.accountId,
        envelopes.reduce((sum, envelope) => sum + envelope.payload.length, 0),
      );
      spendEvents(app.quotas, session.accountId, envelopes.length);
      return app.events.append(vaultId, envelopes);
    });
    if (!result.ok) {
      throw apiError("ID_REUSED", {
        message: `Event ${result.error.id} is already in this vault with a different payload; nothing was stored.`,
        data: { id: result.error.id },
      });
    }
    return {
      events: result.value.events.map((event) => ({
        id: event.id,
        position: event.position,
        chainHash: b64(event.chainHash),
        duplicate: event.duplicate,
      })),
      head: checkpointToWire(result.value.head),
    };
  }),

  pull: authed.vaults.pull.handler(async ({ input, context }) => {
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
    const { anchor, events, head } = page.value;
    // Pulling after a position says the device holds everything up to it.
    const acked = Math.min(input.after, head.position);
    if (acked > 0) await recordAck(app, session.accountId, session.deviceId, vaultId, acked);
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

  head: authed.vaults.head.handler(async ({ input, context }) => {
    const vaultId = await requireOwnVault(context, input.vaultId);
    return checkpointToWire(await context.app.events.head(vaultId));
  }),

  // Access is checked before the stream starts, so a refusal is a plain HTTP error, not an event.
  stream: authed.vaults.stream.handler(async ({ input, context, signal }) => {
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

  restore: authed.vaults.restore.handler(async ({ input, context }) => {
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
