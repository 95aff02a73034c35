/** The sync core's `SyncTransport` over a KeyPears server's HTTP API, including its head stream (SSE). */

import { err, ok } from "@keypears/base";
import type { KeypearsClient } from "@keypears/api";
import type { SyncTransport, TransportError } from "@keypears/sync-core";
import { syncErrorFromCall } from "./server-client.ts";
import {
  appendedEventFromWire,
  checkpointFromWire,
  envelopeToWire,
  storedEventFromWire,
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

export const createHttpTransport = (client: KeypearsClient): SyncTransport => ({
  push: async (vaultId, envelopes) => {
    try {
      const result = await client.vaults.push({ vaultId, events: envelopes.map(envelopeToWire) });
      return ok({
        events: result.events.map(appendedEventFromWire),
        head: checkpointFromWire(result.head),
      });
    } catch (error) {
      return err(toTransportError(error));
    }
  },
  pull: async (vaultId, after, limit) => {
    try {
      const page = await client.vaults.pull({ vaultId, after, limit });
      return ok({
        anchor: checkpointFromWire(page.anchor),
        events: page.events.map(storedEventFromWire),
        head: checkpointFromWire(page.head),
      });
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
    const follow = async () => {
      try {
        const stream = await client.vaults.stream({ vaultId }, { signal: controller.signal });
        for await (const head of stream) subscriber.onHead(checkpointFromWire(head));
        subscriber.onClose(
          controller.signal.aborted ? undefined : { kind: "unreachable", message: "stream ended" },
        );
      } catch (error) {
        subscriber.onClose(controller.signal.aborted ? undefined : toTransportError(error));
      }
    };
    void follow();
    return () => controller.abort();
  },
});
