/**
 * `keypears devices [rename <id> <name> | revoke <id> | approve <id> | require-approval on|off]`:
 * the devices of a synced account, new-device notices, and device approval (16.10).
 */

import { resolveDeviceId } from "../device-ref.ts";
import { CliError, syncFailure, usageError } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { isoTime, localTime } from "../format.ts";
import { withVault } from "../session.ts";
import type { DeviceInfo, SyncServices } from "../sync-services.ts";
import { publishEpochKeys } from "../epoch-keys.ts";
import {
  approvalCode,
  type DeviceId,
  type RosterEntry,
  sameApprovalCode,
} from "@keypears/sync-core";
import type { Vault } from "@keypears/vault";
import type { CommandContext } from "../command.ts";
import { newDeviceNotices } from "../device-notices.ts";
import { requireSynced } from "../synced.ts";

/** What this device verified in the vault's own log about a device (docs/PROTOCOL.md 16.4). */
const rosterJson = (entry: RosterEntry | undefined) =>
  entry === undefined
    ? null
    : {
        enrolledAt: entry.enrolledAt,
        enrolledAtTime: isoTime(entry.enrolledAtMs),
        via: entry.via === "self" ? "recovery kit" : "approved",
        approvedBy: entry.approvedBy,
        revokedAt: entry.revokedAt,
      };

/** A device's short code (16.10) from the keys the log holds for it, else those its server holds. */
const codeOf = (vault: Vault, device: DeviceInfo, entry?: RosterEntry): string | null => {
  const keys = entry ?? device.keys;
  return keys === null || keys === undefined
    ? null
    : approvalCode(vault.vaultId, device.id as DeviceId, keys.signingKey, keys.exchangeKey);
};

const deviceJson = (vault: Vault, device: DeviceInfo, entry?: RosterEntry) => ({
  id: device.id,
  name: device.name,
  current: device.id === vault.deviceId,
  revoked: device.revoked,
  approval: device.approval,
  code: codeOf(vault, device, entry),
  createdAt: isoTime(device.createdAt),
  lastSeenAt: device.lastSeenAt === null ? null : isoTime(device.lastSeenAt),
  roster: rosterJson(entry),
});

/** The roster column: enrolled where and how, or revoked, as verified in the log. */
const rosterCell = (entry: RosterEntry | undefined): string => {
  if (entry === undefined) return "not in the log";
  if (entry.revokedAt !== null) return `revoked at ${entry.revokedAt}`;
  if (entry.enrolledAt === null) return "enrolling (next sync)";
  return `at ${entry.enrolledAt}, ${entry.via === "self" ? "recovery kit" : `approved by ${entry.approvedBy ?? "?"}`}`;
};

const stateCell = (device: DeviceInfo, thisDevice: string): string => {
  if (device.revoked) return "revoked";
  if (device.approval === "pending") return "waiting for approval";
  const base = device.id === thisDevice ? "this device" : "active";
  return device.approval === "recovery" ? `${base} (let in by recovery)` : base;
};

export const command = defineCommand({
  usage:
    "devices [rename <id> <name> | revoke <id> | approve <id> --code <code> | require-approval on|off]",
  description: `
Lists the devices that hold a synced account, as its server knows them, beside what this device
verified in the vault's own log (where each enrolled, with the recovery kit or approved by
another device, and where it was revoked). \`rename\` names one; \`revoke\` shuts one out (a
lost laptop): the server refuses it, and the revocation is signed into the log, so every device
refuses its later events even from a server that does not. Revoking also starts a new vault key
that the revoked device never receives, and sends the server that key wrapped under your password
and Secret Key. It does not erase what the device already holds; if whoever holds it may know the
master password and Secret Key, also run \`keypears passwd --new-secret-key\`.

\`require-approval on\` makes a newly signed-in device wait until an existing device approves
it; the setting is signed into the log, so every device notices a server that does not enforce
it. The new device shows a six-digit code; \`approve <id> --code <code>\` on an existing device
checks that code against the keys the server holds for it, signs its enrolment into the log and
lets it sync. With no other device left, the password and Secret Key (the recovery kit) let a
new device in, and every device shows it as enrolled with the recovery kit. New devices since
you last looked are shown first ("new device NAME signed in at TIME from SERVER").`,
  options: {
    code: {
      type: "string",
      valueName: "code",
      description: "with approve: the code the new device shows",
    },
  },
  positionals: { min: 0, max: 3 },
  examples: [
    "keypears devices",
    "keypears devices rename 0a1b2c3d4e5f6071 'work laptop'",
    "keypears devices revoke 0a1b2c3d4e5f6071",
    "keypears devices require-approval on",
    "keypears devices approve 0a1b2c3d4e5f6071 --code 123-456",
  ],
  run: async (ctx) => {
    const [action, id, name] = ctx.positionals;
    if (
      action !== undefined &&
      !["rename", "revoke", "approve", "require-approval"].includes(action)
    )
      throw usageError(
        `unknown devices action "${action}" (rename, revoke, approve or require-approval)`,
        "devices",
      );
    if (action === "approve" && (id === undefined || name !== undefined))
      throw usageError("usage: keypears devices approve <id> --code <code>", "devices");
    if (action === "require-approval" && ((id !== "on" && id !== "off") || name !== undefined))
      throw usageError("usage: keypears devices require-approval on|off", "devices");
    if (action === "rename" && (id === undefined || name === undefined || name.trim() === ""))
      throw usageError("usage: keypears devices rename <id> <name>", "devices");
    if (action === "revoke" && (id === undefined || name !== undefined))
      throw usageError("usage: keypears devices revoke <id>", "devices");
    if (action === undefined && ctx.positionals.length > 0)
      throw usageError("unexpected argument", "devices");
    requireSynced(ctx, "devices to manage");
    return withVault(ctx, async (vault, password) => {
      const services = await ctx.syncServices();
      if (action === "approve") return approve(ctx, vault, services, id as string);
      if (action === "require-approval") return requireApproval(ctx, vault, services, id === "on");
      if (action === "rename" || action === "revoke") {
        const deviceId = await resolveDeviceId(services, vault, id as string);
        if (action === "revoke" && deviceId === vault.deviceId)
          throw new CliError("that is this device; revoke it from another device");
        const changed =
          action === "rename"
            ? await services.renameDevice(vault, deviceId, (name as string).trim())
            : await services.revokeDevice(vault, deviceId);
        if (!changed.ok) throw syncFailure(changed.error);
        // The server's table is its access-control copy; the roster in the log is what every
        // device verifies. The change is signed here and reaches the others at the next sync.
        const signed = vault.sync.writeRosterEvent(
          action === "rename"
            ? { kind: "rename", deviceId: deviceId as DeviceId, name: (name as string).trim() }
            : { kind: "revoke", deviceId: deviceId as DeviceId },
        );
        const inLog = signed.ok
          ? " Signed into the vault's log: every device will know at its next sync."
          : ` Not in the vault's log (${signed.error.kind === "roster-rule" ? signed.error.detail : "this device is not enrolled yet: run keypears sync"}).`;
        // A revocation starts a new key epoch (its rekey is queued with it): send both, verify
        // them, and give the server the new key wrapped under the password, so a device that
        // signs in later reads what is written next.
        const rotation =
          action === "revoke" && signed.ok
            ? await publishAfterRevoke(services, vault, password)
            : undefined;
        if (ctx.json)
          ctx.out.data({
            ...deviceJson(vault, changed.value),
            signedInLog: signed.ok,
            ...(rotation === undefined ? {} : { newKey: rotation }),
          });
        else
          ctx.out.line(
            (action === "rename"
              ? `Renamed device ${deviceId} to "${changed.value.name ?? ""}".`
              : `Revoked device ${deviceId}: it can no longer sync this account, and its later events are refused by every device.`) +
              inLog +
              (rotation === undefined ? "" : ` ${describeRotation(rotation)}`),
          );
        return;
      }
      const listed = await services.devices(vault);
      if (!listed.ok) throw syncFailure(listed.error);
      const roster = new Map(vault.sync.roster().map((e) => [e.deviceId as string, e]));
      const { notices, markSeen } = newDeviceNotices(vault);
      const setting = vault.sync.approvalSetting();
      const enforced = await services.serverRequiresApproval(vault);
      const serverSays = enforced.ok ? enforced.value : undefined;
      if (ctx.json) {
        ctx.out.data({
          devices: listed.value.map((d) => deviceJson(vault, d, roster.get(d.id))),
          notices: notices.map((n) => n.text),
          approval: {
            requiredInLog: setting === "unknown" ? null : (setting?.required ?? false),
            setAt: setting === "unknown" ? null : (setting?.position ?? null),
            requiredByServer: serverSays ?? null,
          },
        });
        markSeen();
        return;
      }
      for (const notice of notices) ctx.out.line(ctx.out.style.yellow(notice.text));
      markSeen();
      ctx.out.table(
        ["ID", "NAME", "ADDED", "LAST SEEN", "STATE", "IN THE LOG", "CODE"],
        listed.value.map((d) => [
          d.id,
          d.name ?? "",
          localTime(d.createdAt),
          d.lastSeenAt === null ? "never" : localTime(d.lastSeenAt),
          stateCell(d, vault.deviceId),
          rosterCell(roster.get(d.id)),
          codeOf(vault, d, roster.get(d.id)) ?? "",
        ]),
      );
      ctx.out.line(approvalLine(setting, serverSays));
      const pending = listed.value.filter((d) => d.approval === "pending" && !d.revoked);
      for (const d of pending)
        ctx.out.line(
          `Device ${d.id} (${d.name ?? ""}) waits for approval: if it shows the code ${codeOf(vault, d) ?? "(it has not sent its keys)"}, run \`keypears devices approve ${d.id} --code <the code it shows>\`.`,
        );
    });
  },
});

/** The approval setting as the log holds it, and whether the server enforces the same. */
const approvalLine = (
  setting: ReturnType<Vault["sync"]["approvalSetting"]>,
  serverSays: boolean | undefined,
): string => {
  if (setting === "unknown")
    return `Approval: unknown to this device (it started from an older snapshot that does not carry the setting); the server ${serverSays === undefined ? "did not say" : serverSays ? "requires it" : "does not require it"}.`;
  const inLog = setting?.required === true;
  const where =
    setting === undefined ? "" : ` (signed into the log at position ${setting.position})`;
  const head = inLog
    ? `Approval: a new device must be approved on an existing one${where}.`
    : `Approval: not required${where}; \`keypears devices require-approval on\` turns it on.`;
  if (serverSays === undefined || serverSays === inLog) return head;
  return `${head} WARNING: the server ${serverSays ? "requires" : "does not require"} approval, unlike the setting in the vault's log.`;
};

interface Rotation {
  /** The key epoch that now seals new events; 0 when the rekey is not verified yet. */
  readonly epoch: number;
  /** Whether the server now holds the new key wrapped under the password. */
  readonly published: boolean;
  readonly problem: string | null;
}

/** Pushes the revocation and its rekey, verifies them, and publishes the new key (16.7). */
const publishAfterRevoke = async (
  services: SyncServices,
  vault: Vault,
  password: string,
): Promise<Rotation> => {
  const synced = await services.sync(vault, { progress: () => undefined });
  if (!synced.ok)
    return {
      epoch: vault.sync.keyEpochs().sealing,
      published: false,
      problem: synced.error.message,
    };
  const published = await publishEpochKeys(services, vault, password);
  return {
    epoch: vault.sync.keyEpochs().sealing,
    published: published.kind !== "failed" && vault.sync.keyEpochs().sealing > 0,
    problem: published.kind === "failed" ? published.message : null,
  };
};

const describeRotation = (rotation: Rotation): string =>
  rotation.published
    ? `A new vault key (key epoch ${rotation.epoch}) seals what is written from now on; the revoked device never receives it, and the server holds it wrapped under your password and Secret Key for devices that sign in later.${LEAK_ADVICE}`
    : `The new vault key is not yet on the server (${rotation.problem ?? "the rotation is not verified yet"}): the next \`keypears sync\` on this device sends it.${LEAK_ADVICE}`;

const LEAK_ADVICE =
  " If whoever holds that device may know your master password and Secret Key, also run `keypears passwd --new-secret-key`.";

/** `devices approve <id> --code <code>`: checks the code, signs the enrolment, lets it sync. */
const approve = async (
  ctx: CommandContext,
  vault: Vault,
  services: Awaited<ReturnType<CommandContext["syncServices"]>>,
  ref: string,
): Promise<void> => {
  const deviceId = await resolveDeviceId(services, vault, ref);
  const listed = await services.devices(vault);
  if (!listed.ok) throw syncFailure(listed.error);
  const device = listed.value.find((d) => d.id === deviceId);
  if (device === undefined || device.approval !== "pending" || device.revoked)
    throw new CliError(`device ${deviceId} is not waiting for approval`);
  if (device.keys === null)
    throw new CliError(
      `device ${deviceId} has not sent its public keys yet; run \`keypears login\` on it again`,
    );
  const code = approvalCode(
    vault.vaultId,
    deviceId as DeviceId,
    device.keys.signingKey,
    device.keys.exchangeKey,
  );
  const typed = ctx.values.code;
  if (typeof typed !== "string")
    throw new CliError(
      `compare codes first: the new device showed a code when it signed in; run \`keypears devices approve ${deviceId} --code <that code>\` (the keys the server holds for it give ${code})`,
    );
  if (!sameApprovalCode(typed, code))
    throw new CliError(
      `the codes differ (${typed} on the new device, ${code} from the keys the server holds): do not approve; the server or someone else may have put its own keys in its place. Nothing was changed.`,
    );
  const signed = vault.sync.writeRosterEvent({
    kind: "enrol",
    deviceId: deviceId as DeviceId,
    name: device.name ?? `device ${deviceId.slice(0, 6)}`,
    signingKey: device.keys.signingKey,
    exchangeKey: device.keys.exchangeKey,
    at: device.createdAt,
  });
  if (!signed.ok)
    throw new CliError(
      signed.error.kind === "roster-rule"
        ? `cannot enrol device ${deviceId}: ${signed.error.detail}`
        : "this device is not enrolled yet: run `keypears sync` first",
    );
  // The enrolment must be in the log before the server lets the device in.
  const synced = await services.sync(vault, { progress: () => {} });
  if (!synced.ok) throw syncFailure(synced.error);
  const approved = await services.approveDevice(vault, deviceId);
  if (!approved.ok) throw syncFailure(approved.error);
  if (ctx.json) ctx.out.data({ ...deviceJson(vault, approved.value), code });
  else
    ctx.out.line(
      `Approved device ${deviceId} (${device.name ?? ""}, code ${code}): its enrolment is signed into the vault's log, and it can sync now.`,
    );
};

/** `devices require-approval on|off`: signs the setting into the log, then sets it on the server. */
const requireApproval = async (
  ctx: CommandContext,
  vault: Vault,
  services: Awaited<ReturnType<CommandContext["syncServices"]>>,
  required: boolean,
): Promise<void> => {
  const signed = vault.sync.writeRosterEvent({
    kind: "require-approval",
    deviceId: vault.deviceId as DeviceId,
    required,
  });
  if (!signed.ok) throw new CliError("this device is not enrolled yet: run `keypears sync` first");
  const synced = await services.sync(vault, { progress: () => {} });
  if (!synced.ok) throw syncFailure(synced.error);
  const set = await services.setApprovalRequired(vault, required);
  if (!set.ok) throw syncFailure(set.error);
  if (ctx.json) ctx.out.data({ required });
  else
    ctx.out.line(
      required
        ? "From now on a new device must be approved on an existing one (`keypears devices approve`). The setting is signed into the vault's log."
        : "New devices no longer need approval. The setting is signed into the vault's log.",
    );
};
