/**
 * The inbox stream of one account for one session: a summary of its share inbox now, then a new
 * one each time a share arrives or leaves (accepted, declined), so the account's devices show a
 * share without polling. Notices that arrive while a summary is read collapse into one more read;
 * an unchanged summary is not sent again. Ends like the head stream (`follow-head.ts`): quietly
 * when the request is aborted or the server stops, with `sessionEnded` when the session ends.
 */

import type { NoticeHub, SessionKey } from "./notice-hub.ts";

export interface InboxSummary {
  readonly count: number;
  readonly latest: Date | null;
}

export interface FollowInboxOptions {
  readonly hub: NoticeHub;
  readonly session: SessionKey & { readonly expiresAt: Date };
  readonly readSummary: () => Promise<InboxSummary>;
  readonly signals: readonly AbortSignal[];
  readonly now: () => number;
  readonly sessionEnded: () => Error;
}

const same = (a: InboxSummary, b: InboxSummary): boolean =>
  a.count === b.count && a.latest?.getTime() === b.latest?.getTime();

export async function* followInbox(options: FollowInboxOptions): AsyncGenerator<InboxSummary> {
  const { hub, session, signals } = options;
  const state: { value: "open" | "stopped" | "session-ended"; dirty: boolean } = {
    value: "open",
    dirty: false,
  };
  let wake: () => void = () => {};
  const changed = (): void => {
    state.dirty = true;
    wake();
  };
  const stopOn = (next: "stopped" | "session-ended") => () => {
    if (state.value === "open") state.value = next;
    wake();
  };
  const onAbort = stopOn("stopped");
  const cleanups = [
    hub.onInbox(session.accountId, changed),
    hub.onSessionEnd(session, stopOn("session-ended")),
    hub.onResync(changed),
  ];
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
    // Subscribed before reading, so no change between the read and the first notice is lost.
    let sent = await options.readSummary();
    yield sent;
    while (state.value === "open") {
      if (state.dirty) {
        state.dirty = false;
        const now = await options.readSummary();
        if (!same(now, sent)) {
          sent = now;
          yield sent;
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (state.value !== "open" || state.dirty) resolve();
      });
    }
    if (state.value === "session-ended") throw options.sessionEnded();
  } finally {
    clearTimeout(expiry);
    for (const cleanup of cleanups) cleanup();
    for (const signal of signals) signal.removeEventListener("abort", onAbort);
  }
}
