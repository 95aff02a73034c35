/**
 * One sync of one vault: push the outbox, pull what the server ordered since the verified
 * checkpoint, verify every page against the chain, apply it atomically, and check that every
 * event the server accepted from this device came back where it promised.
 *
 *   outbox ──push──▶ server orders ──pull──▶ verify chain ──▶ apply page ──▶ checkpoint moves
 *   (pending → sent → ordered)                  (any lie stops here; nothing is applied)
 *        └─▶ rejected: a change the server refuses for good is set aside; the rest goes on
 */

import { MAX_SEALED_EVENT_BYTES } from "@keypears/api";
import { bytesEqual, err, ok, type Result } from "@keypears/base";
import {
  type Checkpoint,
  envelopeBytes,
  type EventId,
  type RosterEntry,
  type StoredEvent,
  type SyncTransport,
  type TransportError,
  verifySegment,
} from "@keypears/sync-core";
import type { ApplyError, PendingEvent, QuarantinedEvent, Vault } from "@keypears/vault/core";
import { describeVaultError } from "@keypears/vault/core";
import { checkPage } from "./page-check.ts";
import { type SnapshotNotice, type SyncError, syncErrorFromChain } from "./sync-error.ts";
import { readPositionMark, writePositionMark } from "./position-mark.ts";

export interface SyncProgress {
  readonly phase: "push" | "pull";
  /** Events handled so far in this phase, and the total when known. */
  readonly done: number;
  readonly total: number | null;
}

export interface SyncReport {
  readonly pushed: number;
  /** Local changes set aside in this round because the server refused them for good. */
  readonly rejected: number;
  readonly pulled: number;
  readonly verified: Checkpoint;
  /** Remote events whose clock was further ahead of this device than the drift allowance. */
  readonly clockDrift: number;
  /**
   * Events set aside in this round instead of applied (bad signature, unknown or revoked signer,
   * undecryptable, malformed: docs/PROTOCOL.md 16.5); sync went on past them.
   */
  readonly quarantined: readonly QuarantinedEvent[];
  /** Devices whose enrolment this round applied: show "new device ... signed in". */
  readonly enrolled: readonly RosterEntry[];
  /** Set by the sync client (not the engine) when the snapshot shortcut did not work: show it. */
  readonly snapshot?: SnapshotNotice;
  /**
   * Set by the sync client when this sync stored a snapshot of the log up to this position: an
   * earlier notice that one was not stored no longer holds.
   */
  readonly snapshotStored?: number;
}

/** Events asked for per pull request. */
export const DEFAULT_PULL_PAGE = 5000;
/** Verified pages are applied together in one transaction, this many events at most. */
export const DEFAULT_APPLY_BATCH = 50_000;

export interface SyncEngineOptions {
  readonly pushBatch?: number;
  readonly pullPage?: number;
  /** Verified pages are applied together, this many events at a time at most. Default 50,000. */
  readonly applyBatch?: number;
  readonly onProgress?: (progress: SyncProgress) => void;
}

/** What a caller already knows of the server's head when it asks for a sync. */
export interface SyncStart {
  /**
   * A head the server's stream announced since the last sync began (a fresh notice). When it is
   * ahead of this device's verified checkpoint, the head check before pushing is skipped and the
   * pull must reach it (see `run`).
   */
  readonly announced?: Checkpoint;
  /**
   * The server's head, asked for already (beside another request, to save a round trip); used
   * for the head check before pushing instead of asking again, unless this sync had to wait for
   * another one (the head would be older than that one's results).
   */
  readonly head?: Promise<Result<Checkpoint, TransportError>>;
}

export interface SyncEngine {
  readonly syncOnce: (start?: SyncStart) => Promise<Result<SyncReport, SyncError>>;
}

const fromTransport = (error: TransportError): SyncError => {
  switch (error.kind) {
    case "unreachable":
      return { kind: "unreachable", detail: error.message };
    case "unauthorized":
      return { kind: "unauthorized" };
    case "pruned":
      return { kind: "pruned" };
    case "rejected":
      return { kind: "rejected", detail: error.message };
  }
};

/**
 * Applies verified events; a failure the vault did not foresee (a database constraint) becomes a
 * protocol error with a message instead of escaping as a raw exception.
 */
const applyPage = (
  vault: Vault,
  events: readonly StoredEvent[],
  trusted: Checkpoint,
  defer: boolean,
): Result<AppliedPage, ApplyError | ProtocolError> => {
  try {
    return vault.sync.applyOrdered(events, trusted, { defer });
  } catch (error) {
    return err({
      kind: "protocol",
      position: events[0]?.position ?? null,
      detail: `the vault could not store the page (${error instanceof Error ? error.message : String(error)})`,
    });
  }
};

type ProtocolError = Extract<SyncError, { readonly kind: "protocol" }>;
type AppliedPage = Extract<
  ReturnType<Vault["sync"]["applyOrdered"]>,
  { readonly ok: true }
>["value"];

const fromApply = (error: ApplyError | ProtocolError, position: number | null): SyncError =>
  error.kind === "protocol" ? error : fromApplyError(error, position);

const fromApplyError = (error: ApplyError, position: number | null): SyncError => {
  switch (error.kind) {
    case "fork":
      return {
        kind: "fork",
        position: error.position,
        detail: `event ${error.id}'s author verified another history there`,
      };
    case "moved":
      return {
        kind: "reordered",
        position: error.position,
        detail: `our event ${error.id} was promised position ${error.promised}`,
      };
    case "id-conflict":
      return {
        kind: "tampered",
        position,
        detail: `event ${error.id} was served with bytes other than those stored for it`,
      };
    case "tampered":
    case "invalid-event":
      return { kind: "tampered", position, detail: describeVaultError(error) };
  }
};

interface NextBatch {
  readonly batch: readonly PendingEvent[];
  /** The last outbox entry read (set aside or not): the next batch starts after it. */
  readonly last: EventId | undefined;
  /** The outbox had something to send: there may be more after it (read until empty). */
  readonly full: boolean;
}

/**
 * Lets the event loop turn, so a request just started leaves (fetch writes it on a later turn)
 * before the synchronous work that follows holds the thread. A timer, not `setImmediate`: the
 * engine also runs in a browser's worker.
 */
const requestWritten = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

interface Pushed {
  readonly pushed: number;
  readonly rejected: number;
  /**
   * Every event this push placed was confirmed from the server's answers (`confirmOwn`), and the
   * last answer's head was the last of them: there is nothing to pull back.
   */
  readonly confirmed: boolean;
}

/** A signed payload of kind 2 (docs/PROTOCOL.md 16.2). */
const isRosterPayload = (payload: Uint8Array): boolean => payload[0] === 2 && payload[1] === 2;
/** A batch event, which signs the item events after it in its request (docs/PROTOCOL.md 18.4). */
const isBatch = (event: PendingEvent): boolean => event.batchId === event.id;
/** A change to an item: neither a roster event nor a batch event. */
const isChange = (event: PendingEvent): boolean =>
  !isBatch(event) && !isRosterPayload(event.payload);

/**
 * A request's entries in the units that travel together: a batch event with the entries it covers
 * (which must follow it in the same request), or one entry alone.
 */
const unitsOf = (request: readonly PendingEvent[]): PendingEvent[][] => {
  const units: PendingEvent[][] = [];
  for (const event of request) {
    const last = units.at(-1);
    if (!isBatch(event) && event.batchId !== null && last?.[0]?.id === event.batchId)
      last.push(event);
    else units.push([event]);
  }
  return units;
};

/** The request without batch events left with nothing to cover (their entries were set aside). */
const withoutBareBatches = (request: readonly PendingEvent[]): readonly PendingEvent[] => {
  const covering = new Set(
    request.filter((event) => !isBatch(event)).map((event) => event.batchId),
  );
  return request.filter((event) => !isBatch(event) || covering.has(event.id));
};

const NOTHING_PULLED = {
  pulled: 0,
  clockDrift: 0,
  quarantined: [],
  enrolled: [],
  hashAtAnnounced: undefined,
} as const;

/**
 * Where this device last pulled (a vault mark). The server learns how far a device holds the log
 * from its pulls, and pruning waits for every device's (docs/PROTOCOL.md 12); a device that
 * confirms its pushes from their answers pulls anyway once that many of its own events were
 * confirmed since, so a device that only ever pushes does not hold pruning back for good.
 */
const PULL_MARK = "last-pull-position";
export const ACKNOWLEDGE_EVERY = 1000;

export const createSyncEngine = (
  vault: Vault,
  transport: SyncTransport,
  options: SyncEngineOptions = {},
): SyncEngine => {
  const pushBatch = options.pushBatch ?? 1000;
  const pullPage = options.pullPage ?? DEFAULT_PULL_PAGE;
  const applyBatch = options.applyBatch ?? DEFAULT_APPLY_BATCH;
  const progress = options.onProgress ?? (() => {});
  let running: Promise<Result<SyncReport, SyncError>> | undefined;

  /** Where this device last pulled: read from the vault once, then kept as this engine moves it. */
  let pulledAt: number | undefined;
  const lastPull = (): number => {
    pulledAt ??= readPositionMark(vault, PULL_MARK);
    return pulledAt;
  };
  const pulledThrough = (position: number): void => {
    if (position === lastPull()) return;
    writePositionMark(vault, PULL_MARK, position);
    pulledAt = position;
  };

  /**
   * Pushes the outbox in batches. A change the server refuses for good never blocks the others: a
   * refusal that names an event sets it aside as rejected and the rest of the batch goes again; one
   * that does not name it (a batch failing validation, or too large as a whole) halves the batch
   * until it is found. A change over the protocol's size limit is set aside without being sent.
   * Anything transient (network, 5xx, 429) stops the push, to be retried as it is.
   */
  const push = async (confirm: boolean): Promise<Result<Pushed, SyncError>> => {
    let pushed = 0;
    let rejected = 0;
    // This device's events as the server placed them since the verified checkpoint, while they
    // follow it one after the other with nothing between; undefined once anything else is in the
    // way (another device's event, a duplicate), and then the pull verifies them instead.
    let placed: StoredEvent[] | undefined = confirm ? [] : undefined;
    let head: Checkpoint | undefined;
    let confirmed = 0;
    const reject = (id: PendingEvent["id"], reason: string) => {
      vault.sync.markRejected(id, reason);
      rejected++;
    };
    const send = async (request: readonly PendingEvent[]): Promise<Result<void, SyncError>> => {
      const batch = withoutBareBatches(request);
      if (batch.length === 0) return ok(undefined);
      vault.sync.markSent(batch.map((event) => event.id));
      const result = await transport.push(
        vault.vaultId,
        batch.map(({ id, payload }) => ({ id, payload })),
      );
      if (result.ok) {
        vault.sync.markOrdered(result.value.events);
        head = result.value.head;
        // The checkpoint is read once per answer (a confirmation moves it only between answers).
        const base = placed === undefined ? 0 : vault.sync.verified().position;
        for (const [index, event] of result.value.events.entries()) {
          const own = batch[index];
          if (placed === undefined || own === undefined) break;
          const expected = base + placed.length + 1;
          if (event.duplicate || event.id !== own.id || event.position !== expected)
            placed = undefined;
          else placed.push({ ...event, payload: own.payload });
        }
        // Roster events (this device's enrolment, a rename or revoke) and batch events are not
        // changes to items.
        pushed += batch.filter(isChange).length;
        progress({ phase: "push", done: pushed, total: null });
        return ok(undefined);
      }
      const error = result.error;
      if (error.kind !== "rejected" || error.event === undefined) return err(fromTransport(error));
      const named = batch.find((event) => event.id === error.event);
      const units = unitsOf(batch);
      const [only] = units;
      // One entry, or one batch event with one entry: the refusal is that entry's.
      const single =
        units.length === 1 && only !== undefined && only.length <= 2 ? only.at(-1) : undefined;
      const refused = named ?? single;
      if (refused !== undefined) {
        // This device's own batch event, refused: a server that does not speak version 3 (or
        // lies). Setting it aside would leave its entries unsigned, so the push stops instead.
        if (isBatch(refused))
          return err({
            kind: "protocol",
            position: null,
            detail: `the server refused this device's batch event ${refused.id} (${error.message})`,
          });
        // The same batch event goes again with the rest (18.4): its windows still hold them.
        reject(refused.id, `the server refused it: ${error.message}`);
        return send(batch.filter((event) => event !== refused));
      }
      if (units.length > 1) {
        const half = Math.ceil(units.length / 2);
        const first = await send(units.slice(0, half).flat());
        return first.ok ? send(units.slice(half).flat()) : first;
      }
      // One batch event with its entries: each half goes with a batch event of its own.
      const entries = (only ?? []).slice(1).map((event) => event.id);
      const half = Math.ceil(entries.length / 2);
      const first = await send(vault.sync.rebatch(entries.slice(0, half)));
      return first.ok ? send(vault.sync.rebatch(entries.slice(half))) : first;
    };
    /** The next batch after `after` (the oldest when undefined), oversized changes set aside. */
    const read = (after?: EventId): Result<NextBatch, SyncError> => {
      const pending = vault.sync.pending(pushBatch, after);
      if (!pending.ok) return err({ kind: "local", detail: describeVaultError(pending.error) });
      const batch: PendingEvent[] = [];
      for (const event of pending.value) {
        if (event.payload.length <= MAX_SEALED_EVENT_BYTES) batch.push(event);
        else
          reject(
            event.id,
            `it is ${event.payload.length} bytes once encrypted; the protocol's limit is ${MAX_SEALED_EVENT_BYTES}`,
          );
      }
      // A request may stop short of `pushBatch` to keep a batch event with its entries: read on
      // until the outbox has nothing more.
      return ok({ batch, last: pending.value.at(-1)?.id, full: pending.value.length > 0 });
    };
    /**
     * Confirms the events the answers so far placed (`confirmOwn`). Never between sending a batch
     * and reading the next: that read starts after the last event sent, which must still be in
     * the outbox then (a confirmed event leaves it).
     */
    const confirmPlaced = (): Result<void, SyncError> => {
      if (placed === undefined || placed.length === 0) return ok(undefined);
      const own = confirmOwn(placed, head);
      if (!own.ok) return own;
      if (own.value) confirmed += placed.length;
      placed = own.value ? [] : undefined;
      return ok(undefined);
    };
    // Pipelined: batch n+1 is read from the outbox and checked while the server orders batch n,
    // and sent once batch n is answered, so batches reach the server in outbox order; batch n is
    // confirmed while batch n+1 travels.
    let next = read();
    for (;;) {
      if (!next.ok) return next;
      const { batch, last, full } = next.value;
      const sending = send(batch);
      if (full && last !== undefined) {
        await requestWritten();
        next = read(last);
      }
      const before = confirmPlaced();
      if (!before.ok) return before;
      const sent = await sending;
      if (!sent.ok) return sent;
      if (!full) {
        const own = confirmPlaced();
        if (!own.ok) return own;
        return ok({ pushed, rejected, confirmed: confirmed > 0 && placed !== undefined });
      }
    }
  };

  /**
   * Pulls everything after the verified checkpoint (`pullBatches`), then writes the items its
   * batches deferred, also when the pull ended early.
   */
  const pull = async (announced?: number): ReturnType<typeof pullBatches> => {
    const pulled = await pullBatches(announced);
    let failure: string | undefined;
    try {
      const flushed = vault.sync.flushApplied();
      if (!flushed.ok) failure = describeVaultError(flushed.error);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    if (pulled.ok && failure !== undefined)
      return err({
        kind: "protocol",
        position: null,
        detail: `the vault could not write the items it pulled (${failure})`,
      });
    return pulled;
  };

  /**
   * Pages are verified one by one as they arrive, and applied in batches of up to `applyBatch`
   * events, each batch in one transaction: the events and the checkpoint commit with each batch,
   * and a lie anywhere in a batch leaves all of it unapplied. Every batch but the last defers its
   * items (`ApplyOptions.defer`): an item that many batches touch is written once per pull.
   */
  const pullBatches = async (
    announced?: number,
  ): Promise<
    Result<
      {
        pulled: number;
        clockDrift: number;
        quarantined: QuarantinedEvent[];
        enrolled: RosterEntry[];
        /** The verified chain hash at position `announced`, if this pull passed it. */
        hashAtAnnounced: Uint8Array | undefined;
      },
      SyncError
    >
  > => {
    let hashAtAnnounced: Uint8Array | undefined;
    let pulled = 0;
    let clockDrift = 0;
    const quarantined: QuarantinedEvent[] = [];
    const enrolled: RosterEntry[] = [];
    let trusted = vault.sync.verified();
    let batch: StoredEvent[] = [];
    const seenIds = new Set<string>();
    // Signatures verified asynchronously (a browser's WebCrypto) while the next pages travel; a
    // batch is applied once its pages' are answered (`vault.sync.verifyAhead`).
    let verifying: Promise<void>[] = [];
    const apply = async (last: boolean): Promise<Result<void, SyncError>> => {
      if (batch.length === 0) return ok(undefined);
      if (verifying.length > 0) await Promise.all(verifying);
      verifying = [];
      const applied = applyPage(vault, batch, trusted, !last);
      if (!applied.ok) return err(fromApply(applied.error, batch[0]?.position ?? null));
      pulled += applied.value.applied;
      clockDrift += applied.value.clockDrift.length;
      quarantined.push(...applied.value.quarantined);
      enrolled.push(...applied.value.enrolled);
      batch = [];
      seenIds.clear();
      return ok(undefined);
    };
    // Pipelined: page n+1 is asked for as soon as page n arrives, and travels (and the server
    // reads it) while page n is checked, verified and applied; it is dropped if page n fails.
    let fetching = transport.pull(vault.vaultId, trusted.position, pullPage);
    for (;;) {
      const page = await fetching;
      if (!page.ok) return err(fromTransport(page.error));
      const last = page.value.events.at(-1)?.position;
      const prefetched =
        last !== undefined && last < page.value.head.position && last > trusted.position;
      if (prefetched) {
        fetching = transport.pull(vault.vaultId, last, pullPage);
        await requestWritten();
      }
      const shaped = checkPage(page.value, { after: trusted.position, limit: pullPage, seenIds });
      if (!shaped.ok) return shaped;
      const { anchor, events, head } = page.value;
      const verified = verifySegment({
        trusted,
        anchor,
        head,
        events: events.map((event) => ({
          position: event.position,
          chainHash: event.chainHash,
          bytes: envelopeBytes(event),
        })),
      });
      if (!verified.ok) return err(syncErrorFromChain(verified.error));
      if (announced !== undefined)
        hashAtAnnounced ??= events.find((event) => event.position === announced)?.chainHash;
      batch.push(...events);
      verifying.push(vault.sync.verifyAhead(events));
      trusted = verified.value;
      const finished = trusted.position >= head.position || events.length === 0;
      if (finished || batch.length >= applyBatch) {
        const applied = await apply(finished);
        if (!applied.ok) return applied;
      }
      progress({ phase: "pull", done: trusted.position, total: head.position });
      if (finished) return ok({ pulled, clockDrift, quarantined, enrolled, hashAtAnnounced });
      if (!prefetched) fetching = transport.pull(vault.vaultId, trusted.position, pullPage);
    }
  };

  /**
   * After a complete pull this device holds the server's whole history up to its head, which is at
   * or past every position the server gave our events (it gave them before we pulled). So an event
   * the server accepted and that is still not in the verified chain was dropped or replaced.
   */
  const checkPromises = (verified: Checkpoint): Result<void, SyncError> => {
    const broken = vault.sync.promised()[0];
    if (broken === undefined) return ok(undefined);
    const detail =
      broken.position <= verified.position
        ? `the server accepted this device's event ${broken.id} at position ${broken.position} but served another there`
        : `the server accepted this device's event ${broken.id} at position ${broken.position} but its history now ends at ${verified.position}`;
    return err({ kind: "missing-event", position: broken.position, detail });
  };

  /**
   * Disaster recovery: a server restored from a backup is behind this device's verified
   * checkpoint. If its head is a checkpoint of this device's own verified chain (same position,
   * same hash), the device re-uploads the events after it, with their positions, from its local
   * log; the server stores them only if they extend its head with the same chain. Runs before
   * pushing, so no new event lands on the shorter log first. Anything else (a head that is not on
   * this device's chain, events this device no longer holds) is left to the pull to report as a
   * rollback or a fork.
   */
  const heal = async (
    asked: Promise<Result<Checkpoint, TransportError>> | undefined,
  ): Promise<Result<void, SyncError>> => {
    if (transport.restore === undefined) return ok(undefined);
    const verified = vault.sync.verified();
    if (verified.position === 0) return ok(undefined);
    let served = await (asked ?? transport.head(vault.vaultId));
    // A head asked for before this sync began may predate what another sync of this vault (a
    // second client of it) verified since: one behind the checkpoint is asked for again, after
    // the checkpoint was read, before the server is taken for one restored from a backup.
    if (asked !== undefined && served.ok && served.value.position < verified.position)
      served = await transport.head(vault.vaultId);
    if (!served.ok) return err(fromTransport(served.error));
    let head = served.value;
    if (head.position >= verified.position) return ok(undefined);
    const local = await vault.sync.eventStore.checkpointAt(vault.vaultId, head.position);
    if (local === undefined || !bytesEqual(local.hash, head.hash)) return ok(undefined);
    while (head.position < verified.position) {
      const events = await vault.sync.eventStore.readAfter(
        vault.vaultId,
        head.position,
        Math.min(pushBatch, verified.position - head.position),
      );
      if (events.length === 0) return ok(undefined);
      const restored = await transport.restore(vault.vaultId, head, events);
      if (!restored.ok) return err(fromTransport(restored.error));
      head = restored.value;
      progress({ phase: "push", done: head.position, total: verified.position });
    }
    return ok(undefined);
  };

  /**
   * Confirms this device's own pushed events without pulling them back (docs/PROTOCOL.md 10.4),
   * when the push's answer says they are all the server holds after the verified checkpoint: the
   * chain is verified as a pull's page would be (10.3), over the bytes this device sealed, which
   * are the only ones a pull could serve for them. True when the checkpoint moved to the head;
   * false when anything does not add up, and the pull then verifies what the server serves.
   */
  const confirmOwn = (
    placed: readonly StoredEvent[],
    head: Checkpoint | undefined,
  ): Result<boolean, SyncError> => {
    const last = placed.at(-1);
    if (last === undefined || head === undefined || head.position !== last.position)
      return ok(false);
    const trusted = vault.sync.verified();
    const verified = verifySegment({
      trusted,
      anchor: trusted,
      head,
      events: placed.map((event) => ({
        position: event.position,
        chainHash: event.chainHash,
        bytes: envelopeBytes(event),
      })),
    });
    if (!verified.ok) return ok(false);
    const applied = applyPage(vault, placed, verified.value, false);
    if (!applied.ok) return err(fromApply(applied.error, placed[0]?.position ?? null));
    return ok(true);
  };

  /**
   * A head the stream announced must be on the chain this sync verified: reached (else the server
   * announced a history it then did not serve: a rollback of what it announced) and, at its
   * position, the chain hash the pull verified there (else another history: a fork).
   */
  const checkAnnounced = (
    announced: Checkpoint,
    verified: Checkpoint,
    hashAtAnnounced: Uint8Array | undefined,
  ): Result<void, SyncError> => {
    if (verified.position < announced.position)
      return err({ kind: "rollback", verified: announced.position, served: verified.position });
    if (hashAtAnnounced !== undefined && bytesEqual(hashAtAnnounced, announced.hash))
      return ok(undefined);
    return err({
      kind: "fork",
      position: announced.position,
      detail: "the head the server announced on its stream is not on the chain it then served",
    });
  };

  /**
   * One sync. The head check before pushing (10.5 of docs/PROTOCOL.md: is the server behind this
   * device, restored from a backup?) costs a round trip; it is skipped when the stream has just
   * announced a head ahead of the verified checkpoint, as it would find nothing to do: it acts
   * only on a head behind the checkpoint. Rollback detection does not rest on it but on the pull,
   * which still verifies every page against the local checkpoint (a server that went back
   * meanwhile serves a head behind it: **rollback**, 10.3) and must now also reach the announced
   * head, on the chain it verified (`checkAnnounced`): a server cannot announce one head to wake
   * the device and serve an older or other one. A head announced behind the checkpoint, or equal
   * to it, skips nothing.
   */
  const run = async (start: SyncStart): Promise<Result<SyncReport, SyncError>> => {
    const ahead =
      start.announced !== undefined && start.announced.position > vault.sync.verified().position
        ? start.announced
        : undefined;
    if (ahead === undefined) {
      const healed = await heal(start.head);
      if (!healed.ok) return healed;
    }
    // A push the server answers with nothing but this device's events after its checkpoint needs
    // no pull back (unless a head was announced ahead: the pull must reach it and its hash).
    // Nor one whose own events confirmed since its last pull have reached ACKNOWLEDGE_EVERY: it
    // pulls, and so tells the server how far it holds the log (12).
    const pushed = await push(
      ahead === undefined && vault.sync.verified().position - lastPull() < ACKNOWLEDGE_EVERY,
    );
    if (!pushed.ok) return pushed;
    const pulled = pushed.value.confirmed ? ok(NOTHING_PULLED) : await pull(ahead?.position);
    if (!pulled.ok) return pulled;
    const verified = vault.sync.verified();
    if (!pushed.value.confirmed) pulledThrough(verified.position);
    if (ahead !== undefined) {
      const reached = checkAnnounced(ahead, verified, pulled.value.hashAtAnnounced);
      if (!reached.ok) return reached;
    }
    const promises = checkPromises(verified);
    if (!promises.ok) return promises;
    vault.sync.recordSyncTime();
    return ok({
      pushed: pushed.value.pushed,
      rejected: pushed.value.rejected,
      pulled: pulled.value.pulled,
      verified,
      clockDrift: pulled.value.clockDrift,
      quarantined: pulled.value.quarantined,
      enrolled: pulled.value.enrolled,
    });
  };

  return {
    // One sync at a time: a second call while one runs waits for it and then runs again.
    syncOnce: async (start = {}) => {
      const waited = running !== undefined;
      while (running !== undefined) await running;
      // A head asked for before waiting is older than the run waited for: it is asked again.
      running = run(
        waited && start.announced !== undefined
          ? { announced: start.announced }
          : waited
            ? {}
            : start,
      );
      try {
        return await running;
      } finally {
        running = undefined;
      }
    },
  };
};
