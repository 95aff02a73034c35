/** The sync core's `SyncTransport` over a KeyPears server's HTTP API, including its head stream (SSE). */

import { bytesToBase64Url, err, ok } from "@keypears/base";
import {
  decodePullPageFrames,
  decodePushAnswerFrames,
  encodePushFrames,
  type KeypearsClient,
} from "@keypears/api";
import type { EventId, SyncTransport, TransportError } from "@keypears/sync-core";
import { ORPCError } from "@orpc/client";
import { syncErrorFromCall } from "./server-client.ts";
import {
  appendResultFromFrames,
  checkpointFromWire,
  fileBytes,
  framesFile,
  fromFrames,
  pullPageFromFrames,
} from "./wire.ts";

const toTransportError = (error: unknown): TransportError => {
  const mapped = syncErrorFromCall(error);
  switch (mapped.kind) {
    case "unauthorized":
      return { kind: "unauthorized", message: "session refused" };
    case "pruned":
      return { kind: "pruned" };
    case "unreachable":
      return { kind: "unreachable", message: mapped.detail };
    default:
      return { kind: "rejected", message: "detail" in mapped ? mapped.detail : mapped.kind };
  }
};

/**
 * The push refusals that concern an event rather than the request: a payload over the server's
 * limit (named by id), an id reused with other bytes (named), a payload the signer filter
 * refuses (named), or a batch that fails validation
 * (not named; the engine halves the batch to find it).
 */
const refusedEvent = (error: unknown): EventId | null | undefined => {
  if (!(error instanceof ORPCError)) return undefined;
  const data = error.data as { id?: unknown; unit?: unknown } | undefined;
  const named = typeof data?.id === "string" ? (data.id as EventId) : null;
  if (error.code === "ID_REUSED") return named;
  // The server's signer filter (docs/PROTOCOL.md 16.8) names the payload it refused.
  if (["UNSIGNED_PAYLOAD", "WRONG_SIGNER", "PROTOCOL_MISMATCH"].includes(String(error.code)))
    return named ?? undefined;
  if (error.code === "PAYLOAD_TOO_LARGE" && data?.unit === "bytes") return named;
  if (error.code === "PAYLOAD_TOO_LARGE" || error.code === "BAD_REQUEST") return null;
  return undefined;
};

export const createHttpTransport = (client: KeypearsClient): SyncTransport => ({
  // Pushes and pages travel as binary frames (docs/PROTOCOL.md, "Binary bodies").
  push: async (vaultId, envelopes) => {
    try {
      const answer = await client.vaults.pushFrames({
        params: { vaultId },
        body: framesFile(encodePushFrames(envelopes)),
      });
      return fromFrames(decodePushAnswerFrames(await fileBytes(answer)), appendResultFromFrames);
    } catch (error) {
      const mapped = toTransportError(error);
      const event = mapped.kind === "rejected" ? refusedEvent(error) : undefined;
      return err(event === undefined ? mapped : { ...mapped, event });
    }
  },
  pull: async (vaultId, after, limit) => {
    try {
      const page = await client.vaults.pullFrames({ vaultId, after, limit });
      return fromFrames(decodePullPageFrames(await fileBytes(page)), pullPageFromFrames);
    } catch (error) {
      return err(toTransportError(error));
    }
  },
  restore: async (vaultId, after, events) => {
    try {
      const head = await client.vaults.restore({
        vaultId,
        after: { position: after.position, hash: bytesToBase64Url(after.hash) },
        events: events.map((event) => ({
          id: event.id,
          payload: bytesToBase64Url(event.payload),
          position: event.position,
          chainHash: bytesToBase64Url(event.chainHash),
        })),
      });
      return ok(checkpointFromWire(head));
    } catch (error) {
      return err(toTransportError(error));
    }
  },
  head: async (vaultId) => {
    try {
      return ok(checkpointFromWire(await client.vaults.head({ vaultId })));
    } catch (error) {
      return err(toTransportError(error));
    }
  },
  subscribe: (vaultId, subscriber) => {
    const controller = new AbortController();
    /** The stream once open: ended by hand too on unsubscribe, as the abort alone did not always close its socket. */
    let open: { return?: (value?: undefined) => unknown } | undefined;
    const follow = async () => {
      try {
        const stream = await client.vaults.stream({ vaultId }, { signal: controller.signal });
        open = stream;
        if (controller.signal.aborted) void Promise.resolve(stream.return?.()).catch(() => {});
        for await (const head of stream) subscriber.onHead(checkpointFromWire(head));
        subscriber.onClose(
          controller.signal.aborted ? undefined : { kind: "unreachable", message: "stream ended" },
        );
      } catch (error) {
        subscriber.onClose(controller.signal.aborted ? undefined : toTransportError(error));
      }
    };
    void follow();
    return () => {
      controller.abort();
      void Promise.resolve(open?.return?.()).catch(() => {});
    };
  },
});
