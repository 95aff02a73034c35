/**
 * The transport port: how a device's sync client talks to a server. The HTTP client (oRPC) and the
 * in-process fixtures of the tests (including a lying server) implement it.
 */

import type { Result } from "@keypears/base";
import type { EventEnvelope } from "./envelope.ts";
import type { AppendResult, StoredEvent } from "./event-store.ts";
import type { Checkpoint } from "./hash-chain.ts";
import type { EventId, VaultId } from "./ids.ts";

export interface PullPage {
  /** The server's chain hash at the position pulled after: it must equal the device's own. */
  readonly anchor: Checkpoint;
  readonly events: readonly StoredEvent[];
  /** The server's head when the page was read; more pages follow while the last event is before it. */
  readonly head: Checkpoint;
}

export type TransportError =
  /** Network, 5xx, or 429: try again later. */
  | { readonly kind: "unreachable"; readonly message: string }
  | { readonly kind: "unauthorized"; readonly message: string }
  | {
      readonly kind: "rejected";
      readonly message: string;
      /**
       * Set when the server refused a push for one of its events, for good (too large, malformed,
       * id reused): that event's id, or null when the server did not say which one. Absent when
       * the request itself was refused (another account's vault, say): nothing about the events.
       */
      readonly event?: EventId | null;
    }
  /** Events after the requested position were pruned; the device must start from a snapshot. */
  | { readonly kind: "pruned" };

export interface HeadSubscriber {
  readonly onHead: (head: Checkpoint) => void;
  /** The stream ended (error undefined when it was stopped on purpose). */
  readonly onClose: (error?: TransportError) => void;
}

export interface SyncTransport {
  readonly push: (
    vaultId: VaultId,
    envelopes: readonly EventEnvelope[],
  ) => Promise<Result<AppendResult, TransportError>>;
  readonly pull: (
    vaultId: VaultId,
    after: number,
    limit: number,
  ) => Promise<Result<PullPage, TransportError>>;
  readonly head: (vaultId: VaultId) => Promise<Result<Checkpoint, TransportError>>;
  /**
   * Disaster recovery (optional): re-uploads verified events with their positions to a server whose
   * head is `after`, a checkpoint of this device's chain. Answers with the server's new head.
   */
  readonly restore?: (
    vaultId: VaultId,
    after: Checkpoint,
    events: readonly StoredEvent[],
  ) => Promise<Result<Checkpoint, TransportError>>;
  /** Follows the vault's head: `onHead` on connect and whenever it moves. Returns a function that stops it. */
  readonly subscribe: (vaultId: VaultId, subscriber: HeadSubscriber) => () => void;
}
