/**
 * The sync badge's words: synced, waiting, offline, unreachable, revoked or a password changed on
 * another device, and the alarm when the server lied.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { SyncStatus } from "@keypears/vault/core";
import { isAlarm, summary, type SyncState } from "../src/sync-state.tsx";

const status = (counts: Partial<SyncStatus> = {}): SyncStatus =>
  ({
    pending: 0,
    sent: 0,
    ordered: 0,
    rejected: 0,
    verifiedEvents: 3,
    verified: { position: 7, chainHash: "00" },
    lastSyncAt: 1,
    ...counts,
  }) as SyncStatus;

const state = (over: Partial<SyncState> = {}): SyncState => ({
  status: status(),
  online: true,
  live: { running: true, online: true, snapshot: null, last: null },
  passwordChanged: null,
  ...over,
});

test("synced, waiting, offline and unreachable read as such", () => {
  assert.equal(summary(state()), "Synced, verified to #7");
  assert.equal(
    summary(state({ status: status({ pending: 2, ordered: 1 }) })),
    "2 not yet sent, 1 ordered",
  );
  assert.equal(summary(state({ online: false, status: status({ sent: 1 }) })), "Offline · 1 sent");
  const unreachable = state({
    live: {
      running: true,
      online: true,
      snapshot: null,
      last: { ok: false, error: { kind: "unreachable", detail: "refused" } },
    },
  });
  assert.equal(summary(unreachable), "Server unreachable · Synced, verified to #7");
  assert.equal(isAlarm(unreachable), false);
});

test("a server that lied raises the alarm; other failures do not", () => {
  for (const error of [
    { kind: "fork", position: 3, detail: "x" },
    { kind: "rollback", verified: 7, served: 5 },
    { kind: "tampered", position: null, detail: "x" },
    { kind: "missing-event", position: 4, detail: "x" },
  ] as const) {
    const lied = state({
      live: { running: false, online: true, snapshot: null, last: { ok: false, error } },
    });
    assert.equal(isAlarm(lied), true, error.kind);
    assert.equal(summary(lied), "Sync stopped: the server misbehaved");
  }
  const revoked = state({
    live: {
      running: false,
      online: true,
      snapshot: null,
      last: { ok: false, error: { kind: "unauthorized" } },
    },
  });
  assert.match(summary(revoked), /^Sync refused: this device was revoked/);
  assert.match(
    summary({ ...revoked, passwordChanged: false }),
    /^Sync refused: this device was revoked/,
  );
  assert.match(
    summary({ ...revoked, passwordChanged: true }),
    /^Sync stopped: the master password was changed on another device/,
  );
  for (const error of [{ kind: "unauthorized" }, { kind: "rejected", detail: "limit" }] as const)
    assert.equal(
      isAlarm(
        state({
          live: { running: false, online: true, snapshot: null, last: { ok: false, error } },
        }),
      ),
      false,
      error.kind,
    );
});
