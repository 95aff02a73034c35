/**
 * Device trust as a browser tab shows it: the roster this device verified in the vault's own log
 * (enrolled, revoked), the vault fingerprint `keypears status` shows (the same
 * `vault.sync.fingerprint()`), and the enrolments this device has not yet shown its person
 * ("new device NAME signed in at TIME from SERVER"). What it has shown is kept per device, as a
 * sealed secret in the vault file: the roster position up to which enrolments were seen.
 */

import type { Vault } from "@keypears/vault/core";

export interface RosterDevice {
  readonly deviceId: string;
  readonly name: string;
  /** Log position of its enrolment; null while this device's own enrolment waits to be ordered. */
  readonly enrolledAt: number | null;
  readonly enrolledAtMs: number;
  /** `recovery kit`: it enrolled itself with password and Secret Key; `approved`: by another device. */
  readonly via: "recovery kit" | "approved";
  readonly approvedBy: string | null;
  readonly revokedAt: number | null;
  readonly current: boolean;
}

export interface DeviceTrust {
  readonly roster: readonly RosterDevice[];
  /** Null before this device holds the chain at a checkpoint (it started from a later snapshot). */
  readonly fingerprint: { readonly position: number; readonly code: string } | null;
  /** Other devices enrolled since this device last acknowledged the roster, oldest first. */
  readonly newDevices: readonly RosterDevice[];
  /** The server the enrolments came through. */
  readonly server: string | null;
}

const SEEN_SECRET = "roster-seen";

const readSeen = (vault: Vault): number | undefined => {
  const bytes = vault.sync.readSecret(SEEN_SECRET);
  if (bytes === undefined) return undefined;
  const seen = Number(new TextDecoder().decode(bytes));
  return Number.isSafeInteger(seen) && seen >= 0 ? seen : undefined;
};

export const deviceTrust = (vault: Vault): DeviceTrust => {
  if (vault.localOnly) return { roster: [], fingerprint: null, newDevices: [], server: null };
  const roster: RosterDevice[] = vault.sync.roster().map((entry) => ({
    deviceId: entry.deviceId,
    name: entry.name,
    enrolledAt: entry.enrolledAt,
    enrolledAtMs: entry.enrolledAtMs,
    via: entry.via === "self" ? "recovery kit" : "approved",
    approvedBy: entry.approvedBy,
    revokedAt: entry.revokedAt,
    current: entry.deviceId === vault.deviceId,
  }));
  // Never acknowledged: what came before this device's own enrolment is not news to it.
  const seen = readSeen(vault) ?? roster.find((d) => d.current)?.enrolledAt ?? null;
  const newDevices =
    seen === null
      ? []
      : roster
          .filter((d) => !d.current && d.enrolledAt !== null && d.enrolledAt > seen)
          .sort((a, b) => (a.enrolledAt ?? 0) - (b.enrolledAt ?? 0));
  return {
    roster,
    fingerprint: vault.sync.fingerprint() ?? null,
    newDevices,
    server: vault.serverUrl,
  };
};

/** Marks the enrolments up to this log position as shown. */
export const acknowledgeDevices = (vault: Vault, upTo: number): void => {
  if (!Number.isSafeInteger(upTo) || upTo < 0)
    throw new Error(`expected a log position, got ${String(upTo)}`);
  if (vault.localOnly) return;
  if ((readSeen(vault) ?? -1) >= upTo) return;
  vault.sync.writeSecret(SEEN_SECRET, new TextEncoder().encode(String(upTo)));
};
