/**
 * `SyncServices` over an in-memory event store: a stand-in server for testing the CLI's synced
 * commands in-process (the real client and server have their own tests). It pushes, pulls and
 * verifies through the vault's sync side exactly as a client must, and can be switched "down".
 */

import { bytesEqual, err, ok, type Result } from "@keypears/base";
import type { KdfParams } from "@keypears/crypto";
import {
  createDeviceId,
  createMemoryEventStore,
  envelopeBytes,
  systemDeps,
  verifySegment,
} from "@keypears/sync-core";
import {
  describeVaultError,
  domainOf,
  joinAccount,
  type Registration,
  type Vault,
} from "@keypears/vault";
import type { DeviceInfo, SyncFailure, SyncReport, SyncServices } from "../sync-services.ts";

interface ServerAccount {
  registration: Registration;
  authSecret: Uint8Array;
  kdf: KdfParams;
  salt: Uint8Array;
  wrappedVaultKey: Uint8Array;
  readonly devices: Map<string, MutableDevice>;
}

export interface MemoryServer {
  readonly services: SyncServices;
  /** While true, every call fails as it would with the server down. */
  down: boolean;
  readonly accounts: ReadonlyMap<string, ServerAccount>;
}

export const createMemoryServer = (): MemoryServer => {
  const store = createMemoryEventStore();
  const accounts = new Map<string, ServerAccount>();
  const unreachable = (url: string | null): Result<never, SyncFailure> =>
    err({
      kind: "unreachable",
      message: `cannot reach ${url ?? "the server"} (connection refused); your changes are saved on this device, run \`keypears sync\` when it is back`,
    });
  const rejected = (message: string): Result<never, SyncFailure> =>
    err({ kind: "rejected", message });
  const accountOf = (vault: Vault) => accounts.get(vault.address);

  const syncOnce = async (vault: Vault): Promise<Result<SyncReport, SyncFailure>> => {
    if (server.down) return unreachable(vault.serverUrl);
    const device = accountOf(vault)?.devices.get(vault.deviceId);
    if (device === undefined || device.revoked)
      return rejected("this device was revoked; log in again with `keypears login`");
    const pending = vault.sync.pending(10_000);
    if (!pending.ok) return err({ kind: "failed", message: describeVaultError(pending.error) });
    const appended = await store.append(
      vault.vaultId,
      pending.value.map((p) => ({ id: p.id, payload: p.payload })),
    );
    if (!appended.ok) return err({ kind: "failed", message: `event ${appended.error.id} reused` });
    vault.sync.markSent(pending.value.map((p) => p.id));
    vault.sync.markOrdered(appended.value.events.map(({ id, position }) => ({ id, position })));
    const trusted = vault.sync.verified();
    const events = await store.readAfter(vault.vaultId, trusted.position, 10_000);
    const head = await store.head(vault.vaultId);
    const verified = verifySegment({
      trusted,
      anchor: trusted,
      events: events.map((e) => ({ ...e, bytes: envelopeBytes(e) })),
      head,
    });
    if (!verified.ok) return err({ kind: "verification-failed", message: verified.error.kind });
    const applied = vault.sync.applyOrdered(events, verified.value);
    if (!applied.ok) return err({ kind: "verification-failed", message: applied.error.kind });
    vault.sync.recordSyncTime();
    device.lastSeenAt = Date.now();
    return ok({
      // Roster events (a device's enrolment, a rename or revoke) and the batch events that sign a
      // push's changes (docs/PROTOCOL.md 18.4) are not changes to items.
      pushed: appended.value.events.filter(
        (e, i) =>
          !e.duplicate &&
          !(pending.value[i]?.payload[0] === 2 && pending.value[i]?.payload[1] === 2) &&
          pending.value[i]?.batchId !== e.id,
      ).length,
      pulled: applied.value.applied,
      verified: verified.value,
    });
  };

  const services: SyncServices = {
    discoverServer: async (address, override) =>
      server.down ? unreachable(override ?? null) : ok(override ?? `https://${domainOf(address)}`),
    register: async ({ account, deviceName }) => {
      if (server.down) return unreachable(null);
      const r = account.registration;
      if (accounts.has(r.address)) return rejected(`the address ${r.address} is taken`);
      accounts.set(r.address, {
        registration: r,
        authSecret: r.authSecret,
        kdf: r.kdf,
        salt: r.salt,
        wrappedVaultKey: r.wrappedVaultKey,
        devices: new Map([[r.deviceId, device(r.deviceId, deviceName)]]),
      });
      return ok(undefined);
    },
    login: async (input) => {
      if (server.down) return unreachable(input.serverUrl);
      const account = accounts.get(input.address);
      if (account === undefined) return rejected(`the server has no account ${input.address}`);
      const deviceId = createDeviceId(systemDeps.randomBytes);
      const joined = await joinAccount({
        home: input.home,
        address: input.address,
        password: input.password,
        secretKey: input.secretKey,
        serverUrl: input.serverUrl,
        kdf: account.kdf,
        salt: account.salt,
        vaultId: account.registration.vaultId,
        wrappedVaultKey: account.wrappedVaultKey,
        deviceId,
      });
      if (!joined.ok)
        return err({
          kind: joined.error.kind === "wrong-credentials" ? "wrong-credentials" : "failed",
          message: describeVaultError(joined.error),
        });
      account.devices.set(deviceId, device(deviceId, input.deviceName));
      return ok(joined.value);
    },
    sync: (vault) => syncOnce(vault),
    watch: async (vault, { onSync, signal }) => {
      for (let first = true; !signal.aborted; first = false) {
        const round = await syncOnce(vault);
        if (!round.ok) return round;
        if (first || round.value.pushed + round.value.pulled > 0) onSync(round.value);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return ok(undefined);
    },
    status: async (vault) =>
      server.down
        ? unreachable(vault.serverUrl)
        : ok({ headPosition: (await store.head(vault.vaultId)).position }),
    devices: async (vault) =>
      server.down
        ? unreachable(vault.serverUrl)
        : ok([...(accountOf(vault)?.devices.values() ?? [])]),
    renameDevice: async (vault, id, name) => {
      const found = accountOf(vault)?.devices.get(id);
      if (found === undefined) return rejected(`no device ${id} in this account`);
      found.name = name;
      return ok(found);
    },
    revokeDevice: async (vault, id) => {
      const found = accountOf(vault)?.devices.get(id);
      if (found === undefined) return rejected(`no device ${id} in this account`);
      found.revoked = true;
      return ok(found);
    },
    // Approval (16.10) is tested against the real server; this one lets every device in.
    approveDevice: async (vault, id) => {
      const found = accountOf(vault)?.devices.get(id);
      if (found === undefined || found.approval !== "pending")
        return rejected(`no device ${id} of this account waits for approval`);
      found.approval = "approved";
      found.approvedBy = vault.deviceId;
      return ok(found);
    },
    setApprovalRequired: async (vault) =>
      rejected(`${vault.serverUrl ?? "this server"} does not support device approval`),
    serverRequiresApproval: async () => ok(undefined),
    changePasswordOnServer: async (vault, change) => {
      if (server.down) return unreachable(vault.serverUrl);
      const account = accountOf(vault);
      if (account === undefined || !bytesEqual(account.authSecret, change.previousAuthSecret))
        return rejected("the server did not accept the current credentials");
      account.authSecret = change.authSecret;
      account.kdf = change.kdf;
      account.salt = change.salt;
      account.wrappedVaultKey = change.wrappedVaultKey;
      return ok(undefined);
    },
    credentialsChanged: async (vault) => {
      if (server.down) return unreachable(vault.serverUrl);
      const account = accountOf(vault);
      if (account === undefined) return rejected(`the server has no account ${vault.address}`);
      const local = vault.sync.account();
      return ok(
        !bytesEqual(account.salt, local.salt) ||
          JSON.stringify(account.kdf) !== JSON.stringify(local.kdf),
      );
    },
    // Following a password change signs in again: tested against the real server.
    followPasswordChange: async ({ vault }) =>
      rejected(`${vault.serverUrl ?? "this server"} does not support signing in again`),
    publishEpochKeys: async (vault, password) => {
      if (server.down) return unreachable(vault.serverUrl);
      const account = accountOf(vault);
      if (account === undefined) return rejected(`the server has no account ${vault.address}`);
      const prepared = await vault.sync.wrapEpochKeys(password, account.wrappedVaultKey);
      if (!prepared.ok)
        return err({ kind: "wrong-credentials", message: describeVaultError(prepared.error) });
      if (prepared.value === undefined) return ok(false);
      account.wrappedVaultKey = prepared.value.wrapped;
      prepared.value.commit();
      return ok(true);
    },
  };
  const server: MemoryServer = { services, down: false, accounts };
  return server;
};

type MutableDevice = { -readonly [K in keyof DeviceInfo]: DeviceInfo[K] };

const device = (id: string, name: string): MutableDevice => ({
  id,
  name,
  createdAt: Date.now(),
  lastSeenAt: null,
  revoked: false,
  approval: "approved",
  approvedBy: null,
  keys: null,
});
