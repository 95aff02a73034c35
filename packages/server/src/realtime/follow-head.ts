/**
 * The head stream of one vault for one session: the head now, then each time it moves. Moves
 * that arrive faster than the client reads are coalesced to the newest. The stream ends when the
 * request is aborted or the server shuts down, and fails when the session ends or expires.
 */

import type { Checkpoint, VaultId } from "@keypears/sync-core";
import type { NoticeHub, SessionKey } from "./notice-hub.ts";
import { watchStreamLifetime } from "./stream-lifetime.ts";

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
  const { hub, vaultId, readHead } = options;
  let pending: Checkpoint | undefined;
  let resync = false;
  let wake: () => void = () => {};
  const poke = (): void => wake();
  const life = watchStreamLifetime(options, poke);
  const cleanups = [
    hub.onHead(vaultId, (head) => {
      if (pending === undefined || head.position > pending.position) pending = head;
      poke();
    }),
    hub.onResync(() => {
      resync = true;
      poke();
    }),
  ];

  try {
    // Subscribed before reading, so no move between the read and the first notice is lost.
    let sent = await readHead();
    yield sent;
    while (life.state() === "open") {
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
        if (life.state() !== "open" || resync || (pending?.position ?? 0) > sent.position)
          resolve();
      });
    }
    if (life.state() === "session-ended") throw options.sessionEnded();
  } finally {
    life.close();
    for (const cleanup of cleanups) cleanup();
  }
}
