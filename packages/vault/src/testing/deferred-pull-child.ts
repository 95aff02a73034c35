/**
 * A child process for the deferred-apply crash test: unlocks a device, applies the pages of a
 * file (hex JSON, from `writePages`), every one deferred, says so, and waits to be killed.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { bytesToHex, hexToBytes } from "@keypears/base";
import type { ChainHash, Checkpoint, EventId, StoredEvent } from "@keypears/sync-core";
import { unlockVault } from "../node/node-accounts.ts";
import { cheapDeps } from "./test-home.ts";

interface PageText {
  readonly events: readonly { id: string; payload: string; position: number; chainHash: string }[];
  readonly end: { position: number; hash: string };
}

export const writePages = (
  file: string,
  pages: readonly { events: readonly StoredEvent[]; end: Checkpoint }[],
): void => {
  const text: PageText[] = pages.map((page) => ({
    events: page.events.map((e) => ({
      id: e.id,
      payload: bytesToHex(e.payload),
      position: e.position,
      chainHash: bytesToHex(e.chainHash),
    })),
    end: { position: page.end.position, hash: bytesToHex(page.end.hash) },
  }));
  writeFileSync(file, JSON.stringify(text));
};

const readPages = (file: string) =>
  (JSON.parse(readFileSync(file, "utf8")) as PageText[]).map((page) => ({
    events: page.events.map((e): StoredEvent => ({
      id: e.id as EventId,
      payload: hexToBytes(e.payload),
      position: e.position,
      chainHash: hexToBytes(e.chainHash) as ChainHash,
    })),
    end: { position: page.end.position, hash: hexToBytes(page.end.hash) as ChainHash },
  }));

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const [home, address, file] = process.argv.slice(2) as [string, string, string];
  // The password comes in the environment, not the command line (which `ps` shows).
  const password = process.env["KEYPEARS_TEST_PASSWORD"] ?? "";
  const unlocked = await unlockVault({ home, address, password, deps: cheapDeps() });
  if (!unlocked.ok) throw new Error(`unlock failed: ${unlocked.error.kind}`);
  const vault = unlocked.value;
  for (const page of readPages(file)) {
    const applied = vault.sync.applyOrdered(page.events, page.end, { defer: true });
    if (!applied.ok) throw new Error(`the apply failed: ${applied.error.kind}`);
  }
  process.stdout.write(`deferred ${vault.sync.verified().position}\n`);
  // Killed here, as a process that crashed between two batches of a pull.
  await new Promise(() => setInterval(() => undefined, 60_000));
}
