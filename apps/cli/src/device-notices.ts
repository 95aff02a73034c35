/**
 * New-device notices (docs/PROTOCOL.md 16.4): the enrolments this device verified in the log since
 * the user last looked, as "new device NAME signed in at TIME from SERVER". What was shown is
 * remembered in the vault file (the highest enrolment position shown), so each shows once.
 * Enrolments before this device's own are not news to it.
 */

import { approvalCode, type DeviceId, type RosterEntry } from "@keypears/sync-core";
import type { Vault } from "@keypears/vault";
import { localTime } from "./format.ts";

const SEEN = "roster-seen";

export interface DeviceNotice {
  readonly entry: RosterEntry;
  readonly text: string;
}

const howEnrolled = (entry: RosterEntry, roster: readonly RosterEntry[]): string => {
  if (entry.via === "self") return "enrolled with the recovery kit (password and Secret Key)";
  const approver = roster.find((e) => e.deviceId === entry.approvedBy);
  return `approved by ${approver?.name ?? entry.approvedBy ?? "another device"}`;
};

/** The enrolments not shown yet; `markSeen` records them as shown. */
export const newDeviceNotices = (
  vault: Vault,
): { readonly notices: readonly DeviceNotice[]; readonly markSeen: () => void } => {
  const roster = vault.sync.roster();
  const own = roster.find((e) => e.deviceId === vault.deviceId)?.enrolledAt ?? null;
  const stored = vault.sync.readSecret(SEEN);
  const seen = Math.max(
    stored === undefined ? 0 : Number(new TextDecoder().decode(stored)),
    own ?? 0,
  );
  const fresh = roster.filter(
    (e) => e.enrolledAt !== null && e.enrolledAt > seen && e.deviceId !== vault.deviceId,
  );
  const server = vault.serverUrl ?? "its server";
  return {
    notices: fresh.map((entry) => ({
      entry,
      text: `new device ${entry.name} signed in at ${localTime(entry.enrolledAtMs)} from ${server} (${howEnrolled(entry, roster)}; in the log at position ${entry.enrolledAt ?? "?"})`,
    })),
    markSeen: () => {
      const highest = Math.max(seen, ...fresh.map((e) => e.enrolledAt ?? 0));
      if (highest > 0) vault.sync.writeSecret(SEEN, new TextEncoder().encode(String(highest)));
    },
  };
};

/** This device's short approval code (16.10), as the device that approves it will show it. */
export const ownApprovalCode = (vault: Vault): string => {
  const keys = vault.sync.publicKeys();
  return approvalCode(vault.vaultId, vault.deviceId as DeviceId, keys.signingKey, keys.exchangeKey);
};
