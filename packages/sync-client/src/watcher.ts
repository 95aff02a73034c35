/**
 * Live sync: follow the server's head stream and sync when it moves, sync when local changes wait
 * in the outbox, and keep working through outages.
 *
 *            ┌───────── head moved / local commit / poll timer ──────────┐
 *            ▼                                                           │
 *   connect ──▶ following ──stream closes──▶ backing off (jittered, ×2, ≤ 30 s) ──▶ connect
 *                  │                               while away: poll every `pollMs`
 *                  └── sync error that a retry cannot fix (a lying server) ──▶ stopped
 */

import type { Result } from "@keypears/base";
import { bytesEqual } from "@keypears/base";
import type { Checkpoint, SyncTransport } from "@keypears/sync-core";
import type { Vault } from "@keypears/vault/core";
import type { SyncReport } from "./sync-engine.ts";
import type { SyncError } from "./sync-error.ts";

export interface WatchOptions {
  readonly signal: AbortSignal;
  readonly onSync?: (result: Result<SyncReport, SyncError>) => void;
  readonly onConnection?: (state: "connected" | "disconnected") => void;
  /**
   * Changes made through this vault object, and those another process commits to the vault file
   * (`keypears edit` beside `keypears sync --watch`), are pushed at once: the vault reports them
   * (`vault.sync.onLocalChange`). This is how often it looks anyway, for file systems that report
   * no changes. Default 250 ms: it reads one number from SQLite.
   */
  readonly fileCheckMs?: number;
  /** How often to pull while the stream is down. Default 5 s. */
  readonly pollMs?: number;
  readonly maxBackoffMs?: number;
  readonly random?: () => number;
}

/** Errors that retrying cannot fix: the server lied, or this device lost its right to sync. */
export const isFatal = (error: SyncError): boolean =>
  !["unreachable", "rejected", "local"].includes(error.kind);

export const watchVault = async (
  vault: Vault,
  transport: SyncTransport,
  syncOnce: (announced?: Checkpoint) => Promise<Result<SyncReport, SyncError>>,
  options: WatchOptions,
): Promise<SyncError | undefined> => {
  const { signal } = options;
  const random = options.random ?? Math.random;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  let wake: () => void = () => {};
  let dirty = true;
  /** Something other than a head notice asked for a sync (start, local change, poll). */
  let asked = true;
  /** The newest head the stream announced since the last sync began. */
  let announced: Checkpoint | undefined;
  let connected = false;
  let attempt = 0;
  let unsubscribe: (() => void) | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  const poke = () => {
    asked = true;
    dirty = true;
    wake();
  };
  const connect = () => {
    if (signal.aborted) return;
    unsubscribe = transport.subscribe(vault.vaultId, {
      onHead: (head) => {
        if (!connected) {
          connected = true;
          attempt = 0;
          options.onConnection?.("connected");
        }
        announced = head;
        if (head.position !== vault.sync.verified().position) {
          dirty = true;
          wake();
        }
      },
      onClose: (error) => {
        if (signal.aborted || error === undefined) return;
        if (connected) options.onConnection?.("disconnected");
        connected = false;
        const delay = Math.min(maxBackoff, 500 * 2 ** attempt++) * (0.5 + random() / 2);
        reconnectTimer = setTimeout(connect, delay);
      },
    });
  };

  const isVerifiedHead = (head: Checkpoint): boolean => {
    const verified = vault.sync.verified();
    return (
      head.position === verified.position &&
      bytesEqual(head.hash, verified.hash) &&
      vault.sync.status().pending === 0
    );
  };

  const pushIfPending = () => {
    if (!signal.aborted && vault.sync.status().pending > 0) poke();
  };
  const stopListening = vault.sync.onLocalChange(pushIfPending, options.fileCheckMs);
  const pollTimer = setInterval(() => {
    if (!connected) poke();
  }, options.pollMs ?? 5000);
  signal.addEventListener("abort", () => wake(), { once: true });
  connect();

  try {
    while (!signal.aborted) {
      if (dirty) {
        dirty = false;
        const notice = announced;
        const onlyNotice = !asked;
        announced = undefined;
        asked = false;
        // A notice of the head a sync has just verified (this device's own push, announced while
        // that sync confirmed or pulled it back) needs no other sync: nothing waits to go, nothing new.
        if (onlyNotice && notice !== undefined && isVerifiedHead(notice)) continue;
        const result = await syncOnce(notice);
        options.onSync?.(result);
        if (!result.ok && isFatal(result.error)) return result.error;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    return undefined;
  } finally {
    stopListening();
    clearInterval(pollTimer);
    clearTimeout(reconnectTimer);
    unsubscribe?.();
  }
};
