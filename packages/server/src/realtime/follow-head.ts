/**
 * The head stream of one vault for one session: the head now, then each time it moves. Moves
 * that arrive faster than the client reads are coalesced to the newest. The stream ends when the
 * request is aborted or the server shuts down, and fails when the session ends or expires.
 */

import type { Checkpoint, VaultId } from "@keypears/sync-core";
import type { NoticeHub, SessionKey } from "./notice-hub.ts";

export interface FollowHeadOptions {
  readonly hub: NoticeHub;
  readonly vaultId: VaultId;
  readonly session: SessionKey & { readonly expiresAt: Date };
  readonly readHead: () => Promise<Checkpoint>;
  /** Any of these aborting ends the stream quietly (client gone, server stopping). */
  readonly signals: readonly AbortSignal[];
  readonly now: () => number;
  /** Thrown into the stream when the session ends (revoked, signed out, expired). */
  readonly sessionEnded: () => Error;
}

export async function* followHead(options: FollowHeadOptions): AsyncGenerator<Checkpoint> {
  const { hub, vaultId, session, readHead, signals } = options;
  let pending: Checkpoint | undefined;
  let resync = false;
  // Changed by callbacks, so held in an object (narrowing would not see the change).
  const state: { value: "open" | "stopped" | "session-ended" } = { value: "open" };
  let wake: () => void = () => {};
  const poke = (): void => wake();

  const stopOn = (next: "stopped" | "session-ended") => () => {
    if (state.value === "open") state.value = next;
    poke();
  };
  const onAbort = stopOn("stopped");
  const cleanups = [
    hub.onHead(vaultId, (head) => {
      if (pending === undefined || head.position > pending.position) pending = head;
      poke();
    }),
    hub.onSessionEnd(session, stopOn("session-ended")),
    hub.onResync(() => {
      resync = true;
      poke();
    }),
  ];
  // Timers hold at most 2^31-1 ms (under 25 days), less than a session lives: re-arm until due.
  let expiry: NodeJS.Timeout | undefined;
  const armExpiry = (): void => {
    const left = session.expiresAt.getTime() - options.now();
    expiry =
      left <= 0
        ? setTimeout(stopOn("session-ended"), 0)
        : setTimeout(armExpiry, Math.min(left, 2 ** 31 - 1));
  };
  armExpiry();
  for (const signal of signals) {
    if (signal.aborted) state.value = "stopped";
    signal.addEventListener("abort", onAbort);
  }

  try {
    // Subscribed before reading, so no move between the read and the first notice is lost.
    let sent = await readHead();
    yield sent;
    while (state.value === "open") {
      if (resync) {
        resync = false;
        const head = await readHead();
        if (pending === undefined || head.position > pending.position) pending = head;
      }
      if (pending !== undefined && pending.position > sent.position) {
        sent = pending;
        pending = undefined;
        yield sent;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (state.value !== "open" || resync || (pending?.position ?? 0) > sent.position) resolve();
      });
    }
    if (state.value === "session-ended") throw options.sessionEnded();
  } finally {
    clearTimeout(expiry);
    for (const cleanup of cleanups) cleanup();
    for (const signal of signals) signal.removeEventListener("abort", onAbort);
  }
}
