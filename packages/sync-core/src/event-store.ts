/**
 * The event store port: an append-only, per-vault log that gives each event a position and keeps
 * the chained hash. The server's stores (PGlite, Postgres) and the device's (SQLite) implement it;
 * `testing/event-store-contract.ts` is the suite every implementation must pass unchanged.
 */

import type { Result } from "@keypears/base";
import type { EventEnvelope } from "./envelope.ts";
import type { ChainHash, Checkpoint } from "./hash-chain.ts";
import type { EventId, VaultId } from "./ids.ts";

export interface StoredEvent extends EventEnvelope {
  /** 1-based position in the vault's log. */
  readonly position: number;
  /** The chain hash after this event. */
  readonly chainHash: ChainHash;
}

export interface AppendedEvent {
  readonly id: EventId;
  readonly position: number;
  readonly chainHash: ChainHash;
  /** True when the id was already in the log with the same payload (a retried append). */
  readonly duplicate: boolean;
}

export interface AppendResult {
  /** One entry per envelope given, in the same order. */
  readonly events: readonly AppendedEvent[];
  readonly head: Checkpoint;
}

export type AppendError = {
  /** The id is already in this vault's log with a different payload. Nothing was appended. */
  readonly kind: "id-reused";
  readonly id: EventId;
};

export interface EventStore {
  /**
   * Appends a batch atomically, in order, after the current head. Idempotent by event id: an id
   * already in the log with the same payload gets its existing position back and is not added
   * again. Appends to one vault are serialized, so positions and hashes never interleave.
   */
  readonly append: (
    vaultId: VaultId,
    envelopes: readonly EventEnvelope[],
  ) => Promise<Result<AppendResult, AppendError>>;
  /** Up to `limit` events after `position`, in order. */
  readonly readAfter: (
    vaultId: VaultId,
    position: number,
    limit: number,
  ) => Promise<readonly StoredEvent[]>;
  /** The last position and chain hash; `GENESIS` for an empty log. */
  readonly head: (vaultId: VaultId) => Promise<Checkpoint>;
  /** The checkpoint at a position (0 gives `GENESIS`), or undefined past the head. */
  readonly checkpointAt: (vaultId: VaultId, position: number) => Promise<Checkpoint | undefined>;
}

/** Throws on misuse of `readAfter`/`checkpointAt` arguments, with the same message in every store. */
export const assertReadArguments = (position: number, limit?: number): void => {
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new RangeError(`expected a non-negative integer position, got ${position}`);
  }
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new RangeError(`expected a positive integer limit, got ${limit}`);
  }
};
