/**
 * How long a realtime stream of one session lives (the head stream, the inbox stream): open until
 * the request is aborted or the server stops ("stopped", ended quietly), or until the session ends
 * or expires ("session-ended", failed with `sessionEnded`). Each change calls `onChange`, so the
 * stream's loop wakes and looks.
 */

import type { NoticeHub, SessionKey } from "./notice-hub.ts";

export type StreamState = "open" | "stopped" | "session-ended";

export interface StreamLifetimeOptions {
  readonly hub: NoticeHub;
  readonly session: SessionKey & { readonly expiresAt: Date };
  /** Any of these aborting ends the stream quietly (client gone, server stopping). */
  readonly signals: readonly AbortSignal[];
  readonly now: () => number;
}

export interface StreamLifetime {
  readonly state: () => StreamState;
  /** Unsubscribes and clears the expiry timer; call it when the stream ends, however it ends. */
  readonly close: () => void;
}

export const watchStreamLifetime = (
  { hub, session, signals, now }: StreamLifetimeOptions,
  onChange: () => void,
): StreamLifetime => {
  let state: StreamState = "open";
  const stopOn = (next: "stopped" | "session-ended") => () => {
    if (state === "open") state = next;
    onChange();
  };
  const onAbort = stopOn("stopped");
  const offSessionEnd = hub.onSessionEnd(session, stopOn("session-ended"));
  // Timers hold at most 2^31-1 ms (under 25 days), less than a session lives: re-arm until due.
  let expiry: NodeJS.Timeout | undefined;
  const armExpiry = (): void => {
    const left = session.expiresAt.getTime() - now();
    expiry =
      left <= 0
        ? setTimeout(stopOn("session-ended"), 0)
        : setTimeout(armExpiry, Math.min(left, 2 ** 31 - 1));
  };
  armExpiry();
  for (const signal of signals) {
    if (signal.aborted) state = "stopped";
    signal.addEventListener("abort", onAbort);
  }
  return {
    state: () => state,
    close: () => {
      clearTimeout(expiry);
      offSessionEnd();
      for (const signal of signals) signal.removeEventListener("abort", onAbort);
    },
  };
};
