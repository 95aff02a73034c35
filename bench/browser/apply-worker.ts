/**
 * The apply benchmark's KeyPears row, in a Chromium worker: a new device of the account joins on
 * SQLite WASM in OPFS (the SAH pool, as the browser vault keeps it) and applies the server-ordered
 * events with `vault.sync.applyOrdered` in the sync client's batches, as `apply-remote/keypears.ts`
 * does in Node. As the browser vault does (`webcrypto-signatures.ts`), each pulled page's
 * signatures are verified ahead with WebCrypto (`vault.sync.verifyAhead`) and a batch is applied
 * once its pages' answers are in: that time is part of each run. It reads its request (the account, the events' URL) from `apply-request.json`
 * beside the page and posts one reply: each run's time.
 */

import { base64UrlToBytes } from "@keypears/base";
import { parseSecretKey } from "@keypears/crypto";
import {
  bytesToUuid,
  type ChainHash,
  createDeviceId,
  type DeviceId,
  type EventId,
  type StoredEvent,
  systemDeps,
  type VaultId,
} from "@keypears/sync-core";
import { describeVaultError, joinAccount } from "@keypears/vault/core";
import { cheapDeps } from "@keypears/vault/testing/platform";
import { openOpfsPool } from "../../packages/vault-browser/src/opfs-pool.ts";
import { createWebCryptoSignatureVerifier } from "../../packages/vault-browser/src/webcrypto-signatures.ts";
import type { BenchAccount } from "../fixtures/bench-account.ts";

export interface ApplyWorkerRequest {
  readonly account: BenchAccount;
  readonly serverUrl: string;
  readonly eventsUrl: string;
  readonly batch: number;
  /** The sync client's pull page: each page's signatures are verified ahead as it arrives. */
  readonly page: number;
  readonly runs: number;
}
export type ApplyWorkerReply =
  | { readonly ok: true; readonly ms: readonly number[]; readonly items: number }
  | { readonly ok: false; readonly error: string };

const scope = globalThis as unknown as {
  postMessage: (message: unknown) => void;
};
const post = (reply: ApplyWorkerReply) => scope.postMessage(reply);

/** `ordered-events.ts` frames: a 32-bit little-endian length, then id (16), chain hash (32), payload. */
const parseOrderedEvents = (data: Uint8Array): StoredEvent[] => {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const events: StoredEvent[] = [];
  for (let offset = 0; offset < data.length;) {
    const length = view.getUint32(offset, true);
    const frame = data.slice(offset + 4, offset + 4 + length);
    events.push({
      id: bytesToUuid(frame.subarray(0, 16)) as EventId,
      chainHash: frame.slice(16, 48) as ChainHash,
      payload: frame.slice(48),
      position: events.length + 1,
    });
    offset += 4 + length;
  }
  return events;
};

const run = async (request: ApplyWorkerRequest): Promise<ApplyWorkerReply> => {
  const { account } = request;
  const events = parseOrderedEvents(
    new Uint8Array(await (await fetch(request.eventsUrl)).arrayBuffer()),
  );
  const pages: { events: StoredEvent[]; end: { position: number; hash: ChainHash } }[] = [];
  for (let start = 0; start < events.length; start += request.batch) {
    const page = events.slice(start, start + request.batch);
    const last = page[page.length - 1] as StoredEvent;
    pages.push({ events: page, end: { position: last.position, hash: last.chainHash } });
  }
  const secretKey = parseSecretKey(account.secretKey);
  if (!secretKey.ok) throw new Error("unparseable Secret Key");
  const pool = await openOpfsPool({ name: "keypears-bench" });
  const ms: number[] = [];
  let items = 0;
  // Run 0 is the warm-up, untimed.
  for (let i = 0; i <= request.runs; i++) {
    const storage = pool.storageAt(`/apply-${i}/vaults/`);
    const joined = await joinAccount({
      storage,
      address: account.address,
      password: account.password,
      secretKey: secretKey.value,
      serverUrl: request.serverUrl,
      kdf: account.kdf,
      salt: base64UrlToBytes(account.salt),
      vaultId: account.vaultId as VaultId,
      wrappedVaultKey: base64UrlToBytes(account.wrappedVaultKey),
      deviceId: createDeviceId(systemDeps.randomBytes) as DeviceId,
      deps: cheapDeps({ signatureVerifier: createWebCryptoSignatureVerifier() }),
    });
    if (!joined.ok) throw new Error(describeVaultError(joined.error));
    const vault = joined.value;
    const started = performance.now();
    for (const [index, page] of pages.entries()) {
      const verifying: Promise<void>[] = [];
      for (let start = 0; start < page.events.length; start += request.page)
        verifying.push(vault.sync.verifyAhead(page.events.slice(start, start + request.page)));
      await Promise.all(verifying);
      // As the sync client: every batch but the pull's last defers its items' writes.
      const applied = vault.sync.applyOrdered(page.events, page.end, {
        defer: index < pages.length - 1,
      });
      if (!applied.ok)
        throw new Error(`applyOrdered refused a page: ${JSON.stringify(applied.error)}`);
    }
    if (i > 0) ms.push(performance.now() - started);
    items = vault.list().length;
    vault.lock();
    for (const name of pool.fileNames()) if (name.startsWith(`/apply-${i}/`)) pool.unlink(name);
  }
  return { ok: true, ms, items };
};

const request = (await (await fetch("/apply-request.json")).json()) as ApplyWorkerRequest;
post(
  await run(request).catch((error: unknown): ApplyWorkerReply => ({
    ok: false,
    error: error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error),
  })),
);
