/**
 * KeyPears in the apply benchmark: a receiving device's vault applies the server-ordered events
 * through `vault.sync.applyOrdered` in the sync client's batches, its path after it verified the
 * chain: each batch event's signature is verified once and its covers kept, each item event is
 * checked against them (its envelope's SHA-256), opened (XChaCha20-Poly1305), decoded, checked
 * against the device's chain, merged into its item, and the page is written to SQLite on disk in
 * one transaction. And the core alone (decode and merge in memory, no crypto, no disk), to show
 * where the time goes.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_APPLY_BATCH } from "@keypears/sync-client";
import type { ItemId } from "@keypears/sync-core";
import { joinOffline } from "../fixtures/bench-account.ts";
import { checkVault } from "../fixtures/check-vault.ts";
import { pagesOf, readOrderedEvents } from "../fixtures/ordered-events.ts";
import { readFrames } from "../lib/frames.ts";
import { createMergeCheck } from "../merge/check.ts";
import { core } from "../merge/core.ts";
import { createMergeWorkload } from "../merge/workload.ts";
import type { ApplyContender } from "./contender.ts";

/** Events applied per transaction: as many as the sync client applies together after verifying them. */
export const APPLY_BATCH = DEFAULT_APPLY_BATCH;

export const keypearsVault: ApplyContender = {
  key: "keypears-vault",
  label: "KeyPears vault (decrypt, merge, SQLite on disk)",
  includes: `KeyPears vault: \`vault.sync.applyOrdered\` in batches of ${APPLY_BATCH.toLocaleString("en-US")} server-ordered events (as the sync client applies verified pages), into a new device's empty vault: each batch event (protocol version 3: one ahead of each push of up to 1,000 events, so one per 999 item events) has its signature verified once (Ed25519, its author's key from the roster, on the applying thread) and its box opened, and its covers (the SHA-256 of each event it names) are kept in memory while that apply runs (only covers still open when an apply commits are written to the vault file's \`batch_covers\`); each item event's envelope is hashed (SHA-256) and its cover taken, then the event is opened (XChaCha20-Poly1305), decoded, fork-checked against its batch's checkpoint, merged into its item; per batch applied, one SQLite transaction (WAL, synchronous = FULL) writing the sealed events and the checkpoint; every batch applied but the last defers its items (as the sync client does), and the last writes each touched item's sealed merge state and view once (history is read from the merge state: no row per field write).`,
  group: "keypears",
  budgetMs: 40_000,
  minRuns: 2,
  prepare: (input) => {
    const events = readOrderedEvents(input.orderedEventsFile);

    const workload = createMergeWorkload(input.size);
    const itemIds = input.itemIds as readonly ItemId[];
    return async ({ share }) => {
      const home = mkdtempSync(join(input.scratchDir, "device-"));
      const vault = await joinOffline(home, input.account);
      // A share (the warm-up, the profiled run) is a prefix of the events, in the same batches.
      const used = pagesOf(events.slice(0, Math.ceil(events.length * share)), APPLY_BATCH);
      return {
        apply: () => {
          // As the sync client: every batch but the pull's last defers its items' writes.
          for (const [index, page] of used.entries()) {
            const applied = vault.sync.applyOrdered(page.events, page.end, {
              defer: index < used.length - 1,
            });
            if (!applied.ok)
              throw new Error(`applyOrdered refused a page: ${JSON.stringify(applied.error)}`);
          }
        },
        check: () => {
          if (share === 1) checkVault(vault, workload, itemIds);
        },
        dispose: () => {
          vault.lock();
          rmSync(home, { recursive: true, force: true });
        },
      };
    };
  },
};

export const keypearsCore: ApplyContender = {
  key: "keypears-core",
  label: "KeyPears core only (decode, merge; no crypto, no disk)",
  includes:
    "KeyPears core only: the merge benchmark's KeyPears row on the same workload (plaintext events decoded and merged one at a time in memory): what the vault row costs before encryption and storage.",
  group: "keypears",
  budgetMs: 20_000,
  minRuns: 3,
  prepare: (input) => {
    const workload = createMergeWorkload(input.size);
    const stream = readFrames(input.streams[core.source.key] as string);
    const fresh = core.receiver(stream);
    const check = createMergeCheck(workload);
    return async () => {
      const target = fresh();
      return {
        apply: () => {
          for (let i = 0; i < stream.length; i++) target.applyAt(i);
        },
        check: () => check(core.label, target, stream.length),
        dispose: () => target.dispose(),
      };
    };
  },
};
