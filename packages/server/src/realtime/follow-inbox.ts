/**
 * The inbox stream of one account for one session: a summary of its share inbox now, then a new
 * one each time a share arrives or leaves (accepted, declined), so the account's devices show a
 * share without polling. Notices that arrive while a summary is read collapse into one more read;
 * an unchanged summary is not sent again. Ends like the head stream (`follow-head.ts`): quietly
 * when the request is aborted or the server stops, with `sessionEnded` when the session ends.
 */

import type { NoticeHub, SessionKey } from "./notice-hub.ts";
import { watchStreamLifetime } from "./stream-lifetime.ts";

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
  let dirty = false;
  let wake: () => void = () => {};
  const life = watchStreamLifetime(options, () => wake());
  const changed = (): void => {
    dirty = true;
    wake();
  };
  const cleanups = [
    options.hub.onInbox(options.session.accountId, changed),
    options.hub.onResync(changed),
  ];

  try {
    // Subscribed before reading, so no change between the read and the first notice is lost.
    let sent = await options.readSummary();
    yield sent;
    while (life.state() === "open") {
      if (dirty) {
        dirty = false;
        const now = await options.readSummary();
        if (!same(now, sent)) {
          sent = now;
          yield sent;
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (life.state() !== "open" || dirty) resolve();
      });
    }
    if (life.state() === "session-ended") throw options.sessionEnded();
  } finally {
    life.close();
    for (const cleanup of cleanups) cleanup();
  }
}
