/**
 * The real `SyncServices`: the sync client over HTTP. Loaded only by commands that talk to a
 * server, so local commands never load the network code.
 */

import { base64UrlToBytes, err, ok, type Result } from "@keypears/base";
import {
  createSyncClient,
  type Device,
  describeSnapshotNotice,
  describeSyncError,
  credentialsChangedOnServer,
  discoverServer,
  followPasswordChange,
  loginExistingDevice,
  loginNewDevice,
  registerAccount,
  type ServerEndpoint,
  type SyncClient,
  type SyncError,
  type SyncReport as ClientReport,
} from "@keypears/sync-client";
import { hostname } from "node:os";
import { domainOf, listVaultFiles, type Vault } from "@keypears/vault";
import { refuseServerUrl } from "./server-url.ts";
import type {
  DeviceInfo,
  ProgressSink,
  SyncFailure,
  SyncReport,
  SyncServices,
} from "./sync-services.ts";

const failure = (error: SyncError): SyncFailure => {
  const message = describeSyncError(error);
  switch (error.kind) {
    case "unreachable":
      return { kind: "unreachable", message };
    case "unauthorized":
      return { kind: "session-ended", message };
    case "rejected":
    case "pruned":
      return { kind: "rejected", message };
    case "local":
      return { kind: "failed", message };
    default:
      return { kind: "verification-failed", message };
  }
};

const cliReport = (report: ClientReport): SyncReport => ({
  pushed: report.pushed,
  pulled: report.pulled,
  rejected: report.rejected,
  verified: report.verified,
  ...(report.snapshot === undefined
    ? {}
    : { snapshotNotice: describeSnapshotNotice(report.snapshot) }),
});

const endpointFor = async (
  domain: string,
  url: string | undefined,
): Promise<Result<ServerEndpoint, SyncFailure>> => {
  // Checked before any request, and again on what discovery found (the description names the API).
  const refusedOverride = url === undefined ? undefined : refuseServerUrl(url);
  if (refusedOverride !== undefined) return err({ kind: "failed", message: refusedOverride });
  const found = await discoverServer(domain, url);
  if (!found.ok) return err(failure(found.error));
  const refused = refuseServerUrl(found.value.url) ?? refuseServerUrl(found.value.apiUrl);
  return refused === undefined ? found : err({ kind: "failed", message: refused });
};

/** The sync client of a synced vault, with progress reported to the CLI's sink. */
const clientFor = async (
  vault: Vault,
  progress?: ProgressSink,
): Promise<Result<SyncClient, SyncFailure>> => {
  if (vault.serverUrl === null)
    return err({ kind: "failed", message: `${vault.address} is local only` });
  const endpoint = await endpointFor(domainOf(vault.address), vault.serverUrl);
  if (!endpoint.ok) return endpoint;
  return ok(
    createSyncClient(vault, endpoint.value, progress === undefined ? {} : { onProgress: progress }),
  );
};

const deviceInfo = (device: Device): DeviceInfo => ({
  id: device.id,
  name: device.name,
  createdAt: Date.parse(device.createdAt),
  lastSeenAt: Date.parse(device.lastSeenAt),
  revoked: device.revokedAt !== null,
  approval: device.approval,
  approvedBy: device.approvedBy,
  keys:
    device.signingKey === null || device.exchangeKey === null
      ? null
      : {
          signingKey: base64UrlToBytes(device.signingKey),
          exchangeKey: base64UrlToBytes(device.exchangeKey),
        },
});

export const httpSyncServices: SyncServices = {
  discoverServer: async (address, override) => {
    const endpoint = await endpointFor(domainOf(address), override);
    return endpoint.ok ? ok(endpoint.value.url) : endpoint;
  },
  register: async ({ account, serverUrl, deviceName }) => {
    const endpoint = await endpointFor(domainOf(account.vault.address), serverUrl);
    if (!endpoint.ok) return endpoint;
    const registered = await registerAccount(
      account.vault,
      account.registration,
      endpoint.value,
      deviceName,
    );
    return registered.ok ? ok(undefined) : err(failure(registered.error));
  },
  setUpIdentity: async (vault) => {
    const [share, network] = await Promise.all([
      import("@keypears/share"),
      import("./share-network.ts"),
    ]);
    let net;
    try {
      net = await network.shareNetwork(vault);
    } catch (error) {
      return err(error instanceof Error ? error.message : String(error));
    }
    const identity = await share.ensureIdentity(vault, net, network.shareDeps());
    if (!identity.ok) return err(share.describeSharingError(identity.error));
    // Pushed now, so a device added later finds the identity instead of making a second one.
    const synced = await httpSyncServices.sync(vault, { progress: () => {} });
    if (!synced.ok) return err(synced.error.message);
    return ok(share.safetyNumber(vault.address, identity.value.identity.publicKeys));
  },
  login: async ({ home, address, serverUrl, password, secretKey, deviceName }) => {
    const endpoint = await endpointFor(domainOf(address), serverUrl);
    if (!endpoint.ok) return endpoint;
    const input = { home, address, password, secretKey, server: endpoint.value, deviceName };
    const onDevice = listVaultFiles(home).includes(address);
    const joined = onDevice ? await loginExistingDevice(input) : await loginNewDevice(input);
    if (joined.ok) return joined;
    if (joined.error.kind === "wrong-credentials") {
      return err({
        kind: "wrong-credentials",
        message: "wrong password or Secret Key; nothing was changed",
      });
    }
    if (joined.error.kind === "account-exists") {
      return err({
        kind: "failed",
        message: `${address} is already on this device; use \`keypears sync\``,
      });
    }
    return err(failure(joined.error));
  },
  sync: async (vault, { progress }) => {
    const client = await clientFor(vault, progress);
    if (!client.ok) return client;
    const report = await client.value.syncOnce();
    return report.ok ? ok(cliReport(report.value)) : err(failure(report.error));
  },
  watch: async (vault, { progress, onSync, signal }) => {
    const client = await clientFor(vault, progress);
    if (!client.ok) return client;
    let last: SyncError | undefined;
    const stopped = await client.value.watch({
      signal,
      onSync: (result) => {
        if (result.ok) {
          last = undefined;
          const { pushed, pulled, rejected, snapshot } = result.value;
          if (pushed > 0 || pulled > 0 || rejected > 0 || snapshot !== undefined)
            onSync(cliReport(result.value));
        } else {
          last = result.error;
        }
      },
    });
    const error = stopped ?? (signal.aborted ? undefined : last);
    return error === undefined ? ok(undefined) : err(failure(error));
  },
  status: async (vault) => {
    const client = await clientFor(vault);
    if (!client.ok) return client;
    const head = await client.value.head();
    return head.ok ? ok({ headPosition: head.value.position }) : err(failure(head.error));
  },
  devices: async (vault) => {
    const client = await clientFor(vault);
    if (!client.ok) return client;
    const listed = await client.value.devices();
    return listed.ok ? ok(listed.value.map(deviceInfo)) : err(failure(listed.error));
  },
  renameDevice: async (vault, id, name) => {
    const client = await clientFor(vault);
    if (!client.ok) return client;
    const renamed = await client.value.renameDevice(id, name);
    return renamed.ok ? ok(deviceInfo(renamed.value)) : err(failure(renamed.error));
  },
  revokeDevice: async (vault, id) => {
    const client = await clientFor(vault);
    if (!client.ok) return client;
    const revoked = await client.value.revokeDevice(id);
    return revoked.ok ? ok(deviceInfo(revoked.value)) : err(failure(revoked.error));
  },
  approveDevice: async (vault, id) => {
    const client = await clientFor(vault);
    if (!client.ok) return client;
    const approved = await client.value.approveDevice(id);
    return approved.ok ? ok(deviceInfo(approved.value)) : err(failure(approved.error));
  },
  setApprovalRequired: async (vault, required) => {
    const client = await clientFor(vault);
    if (!client.ok) return client;
    const set = await client.value.setApprovalRequired(required);
    return set.ok ? ok(undefined) : err(failure(set.error));
  },
  serverRequiresApproval: async (vault) => {
    const client = await clientFor(vault);
    if (!client.ok) return client;
    const asked = await client.value.serverRequiresApproval();
    return asked.ok ? asked : err(failure(asked.error));
  },
  changePasswordOnServer: async (vault, change) => {
    const client = await clientFor(vault);
    if (!client.ok) return client;
    const sent = await client.value.sendCredentialChange(change);
    return sent.ok ? ok(undefined) : err(failure(sent.error));
  },
  credentialsChanged: async (vault) => {
    if (vault.serverUrl === null)
      return err({ kind: "failed", message: `${vault.address} is local only` });
    const endpoint = await endpointFor(domainOf(vault.address), vault.serverUrl);
    if (!endpoint.ok) return endpoint;
    const changed = await credentialsChangedOnServer(vault, endpoint.value);
    return changed.ok ? changed : err(failure(changed.error));
  },
  followPasswordChange: async ({ home, vault, currentPassword, newPassword }) => {
    if (vault.serverUrl === null)
      return err({ kind: "failed", message: `${vault.address} is local only` });
    const endpoint = await endpointFor(domainOf(vault.address), vault.serverUrl);
    if (!endpoint.ok) return endpoint;
    const address = vault.address;
    const deviceName =
      vault.sync.roster().find((entry) => entry.deviceId === vault.deviceId)?.name ?? hostname();
    vault.lock();
    const joined = await followPasswordChange({
      home,
      address,
      server: endpoint.value,
      deviceName,
      currentPassword,
      newPassword,
    });
    if (joined.ok) return joined;
    if (joined.error.kind === "wrong-credentials")
      return err({
        kind: "wrong-credentials",
        message: `the server refused that password with the Secret Key this device holds; nothing was changed. Either the password is mistyped, or the Secret Key was changed too (\`keypears passwd --new-secret-key\` on another device): then run \`keypears login ${address}\` with the new password and the new Secret Key from the new recovery kit`,
      });
    if (joined.error.kind === "account-exists")
      return err({ kind: "failed", message: `${address} could not be signed in again` });
    if (joined.error.kind === "wrong-current-password")
      return err({
        kind: "wrong-credentials",
        message: `the master password this device was unlocked with no longer opens ${address}'s file; nothing was changed`,
      });
    return err(failure(joined.error));
  },
  publishEpochKeys: async (vault, password) => {
    const client = await clientFor(vault);
    if (!client.ok) return client;
    const published = await client.value.publishEpochKeys(password);
    if (published.ok) return published;
    return published.error.kind === "wrong-credentials"
      ? err({ kind: "wrong-credentials", message: "the master password does not open this vault" })
      : err(failure(published.error));
  },
};
