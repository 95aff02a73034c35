/**
 * One LISTEN per process, fanned out to the streams this process serves: head moves per vault,
 * inbox changes per account, and ended sessions (sign-out, revoked device). With Postgres, a NOTIFY from any process reaches
 * every process; with PGlite, the one process there is. After a lost connection, `onResync`
 * listeners are told to re-read what they follow, since notices may have been missed.
 */

import { bytesEqual } from "@keypears/base";
import type { Checkpoint, DeviceId, VaultId } from "@keypears/sync-core";
import type { SqlClient } from "../sql/sql-client.ts";
import { decodeNotice, NOTICE_CHANNEL, type Notice } from "./notices.ts";

export interface SessionKey {
  readonly accountId: string;
  readonly deviceId: DeviceId;
  readonly tokenHash: Uint8Array;
}

export interface NoticeHub {
  readonly onHead: (vaultId: VaultId, listener: (head: Checkpoint) => void) => () => void;
  readonly onInbox: (accountId: string, listener: () => void) => () => void;
  readonly onSessionEnd: (session: SessionKey, listener: () => void) => () => void;
  /** Every sign-out and device revocation, whichever session it ends (the session cache). */
  readonly onAnySessionEnd: (listener: (notice: SessionEndNotice) => void) => () => void;
  readonly onResync: (listener: () => void) => () => void;
  readonly close: () => Promise<void>;
}

export type SessionEndNotice = Exclude<Notice, { readonly kind: "head" | "inbox" }>;

const subscribe = <T>(set: Set<T>, item: T): (() => void) => {
  set.add(item);
  return () => set.delete(item);
};

export const startNoticeHub = async (sql: SqlClient): Promise<NoticeHub> => {
  const headListeners = new Map<VaultId, Set<(head: Checkpoint) => void>>();
  const sessionListeners = new Set<{ session: SessionKey; listener: () => void }>();
  const resyncListeners = new Set<() => void>();
  const inboxListeners = new Set<{ accountId: string; listener: () => void }>();
  const anySessionEndListeners = new Set<(notice: SessionEndNotice) => void>();

  const dispatch = (notice: Notice): void => {
    if (notice.kind === "head") {
      for (const listener of headListeners.get(notice.vaultId) ?? []) listener(notice.head);
      return;
    }
    if (notice.kind === "inbox") {
      for (const { accountId, listener } of inboxListeners)
        if (accountId === notice.accountId) listener();
      return;
    }
    for (const listener of anySessionEndListeners) listener(notice);
    for (const { session, listener } of sessionListeners) {
      const ended =
        notice.kind === "device-revoked"
          ? session.accountId === notice.accountId && session.deviceId === notice.deviceId
          : bytesEqual(session.tokenHash, notice.tokenHash);
      if (ended) listener();
    }
  };

  const stop = await sql.listen(
    NOTICE_CHANNEL,
    (payload) => {
      const notice = decodeNotice(payload);
      if (notice !== undefined) dispatch(notice);
    },
    () => {
      for (const listener of resyncListeners) listener();
    },
  );

  return {
    onHead: (vaultId, listener) => {
      let set = headListeners.get(vaultId);
      if (set === undefined) {
        set = new Set();
        headListeners.set(vaultId, set);
      }
      const listeners = set;
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) headListeners.delete(vaultId);
      };
    },
    onInbox: (accountId, listener) => subscribe(inboxListeners, { accountId, listener }),
    onSessionEnd: (session, listener) => subscribe(sessionListeners, { session, listener }),
    onAnySessionEnd: (listener) => subscribe(anySessionEndListeners, listener),
    onResync: (listener) => subscribe(resyncListeners, listener),
    close: stop,
  };
};
