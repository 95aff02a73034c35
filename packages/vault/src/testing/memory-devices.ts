/**
 * Several devices of one account, each in its own home, syncing through an in-memory event store
 * that stands in for the server: for the vault's multi-device tests (roster, key epochs,
 * snapshots), in Node.
 */

import { parseSecretKey } from "@keypears/crypto";
import type { DeviceId, EventStore } from "@keypears/sync-core";
import { joinAccount } from "../node/node-accounts.ts";
import type { Vault } from "../vault.ts";
import {
  cheapDeps,
  createTestAccount,
  createTestHome,
  expectOk,
  type TestHome,
} from "./test-home.ts";
import { verifiedPage } from "./verified-page.ts";

/** Pushes a device's outbox to the store, then pulls, verifies and applies the rest. */
export const syncThrough = async (server: EventStore, vault: Vault) => {
  const pending = expectOk(vault.sync.pending(1000));
  const appended = expectOk(
    await server.append(
      vault.vaultId,
      pending.map((p) => ({ id: p.id, payload: p.payload })),
    ),
  );
  vault.sync.markOrdered(appended.events);
  const { events, verified } = await verifiedPage(server, vault, 10_000);
  return expectOk(vault.sync.applyOrdered(events, verified));
};

export interface DevicesOptions {
  readonly address: string;
  /** How many devices in all, the account's first included. */
  readonly count: number;
  /** The joined devices' ids are 00000000000000XX, XX counting up from this plus one. */
  readonly deviceIdBase: number;
  /** Each new home is added here, for the test to remove after. */
  readonly homes: TestHome[];
  readonly password?: string;
}

/** An account made on a first device (synced address, example.com) and joined on the others (none synced yet). */
export const devicesOfOneAccount = async (options: DevicesOptions) => {
  const password = options.password ?? "correct horse battery staple";
  const first = createTestHome();
  options.homes.push(first);
  const created = await createTestAccount(first.path, options.address, {
    password,
    serverUrl: "https://example.com",
  });
  const registration = created.registration;
  const secretKey = expectOk(parseSecretKey(created.secretKey));
  const vaults = [created.vault];
  const homes = [first];
  for (let i = 1; i < options.count; i++) {
    const home = createTestHome();
    options.homes.push(home);
    homes.push(home);
    vaults.push(
      expectOk(
        await joinAccount({
          home: home.path,
          address: options.address,
          password,
          secretKey,
          serverUrl: "https://example.com",
          kdf: registration.kdf,
          salt: registration.salt,
          vaultId: registration.vaultId,
          wrappedVaultKey: registration.wrappedVaultKey,
          deviceId: `00000000000000${(options.deviceIdBase + i).toString(16)}` as DeviceId,
          deps: cheapDeps(),
        }),
      ),
    );
  }
  return { vaults, homes, secretKey, registration };
};
