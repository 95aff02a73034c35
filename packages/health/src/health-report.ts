/**
 * The password health report, computed on the device from the unlocked vault: weak, reused, old
 * and (when asked) exposed passwords, logins on `http:` and logins without a second factor, sorted
 * by severity. Nothing leaves the device except, for the exposed check the person turned on,
 * 5-hex-digit SHA-1 prefixes.
 *
 * Passwords are never copied into the report unless `revealPasswords` is set, and are compared
 * through a keyed hash under a key drawn for this run (`keyed-hash.ts`), held in memory only.
 */

import type { RandomBytes } from "@keypears/base";
import {
  DISMISSED_FIELD,
  dismissalKey,
  FINDING_KINDS,
  type FindingKind,
  readDismissals,
} from "./dismissals.ts";
import {
  checkExposed,
  DEFAULT_EXPOSED_SOURCE,
  type ExposedCheckOptions,
} from "./exposed-passwords.ts";
import { compareFindings, type Finding, type FindingDraft, REASON_TEXT } from "./findings.ts";
import { insecureUrls } from "./insecure-urls.ts";
import { createKeyedHash } from "./keyed-hash.ts";
import { currentValueSince, type HistoryEntryLike } from "./password-age.ts";
import { reusedFindings } from "./reused-findings.ts";
import type { StrengthCache } from "./strength-cache.ts";
import {
  createStrengthEstimator,
  isWeak,
  type Strength,
  type StrengthEstimator,
} from "./password-strength.ts";

/** The part of a vault item the report reads (the vault's `Item` fits it). */
export interface HealthItem {
  readonly id: string;
  readonly type: string;
  readonly title: string;
  readonly status: string;
  readonly fields: readonly {
    readonly name: string;
    readonly value: unknown;
    /** The write that holds the current value. */
    readonly eventId: string;
    readonly updated: { readonly at: number };
  }[];
}

export interface HealthOptions {
  readonly items: readonly HealthItem[];
  /** The time the report is made at (milliseconds since the epoch). */
  readonly now: number;
  /** For the keyed hash's key. */
  readonly randomBytes: RandomBytes;
  /** A password unchanged for longer is old. Default 365. */
  readonly maxAgeDays?: number;
  /**
   * A field's history (the vault's `history`). Asked only for a password written within the age
   * limit, since an older write is old whatever came before it: an earlier write of the same value
   * makes it old all the same. Without it, the current write's time is taken.
   */
  readonly history?: (itemId: string, field: string) => readonly HistoryEntryLike[] | undefined;
  /**
   * A time no write of the item (any field, as `history` shows them) is older than, or undefined
   * when not known (the vault's `oldestWrites`). An item whose oldest write is within the age limit
   * cannot hold an old password, so its history is not read: the verdicts are the same, and a new
   * session does not open the history of every recently written item.
   */
  readonly oldestWrite?: (itemId: string) => number | undefined;
  /** The exposed check runs only when this is given: off by default. */
  readonly exposed?: ExposedCheckOptions;
  /** Puts each finding's password in it. For `--show-passwords` only. */
  readonly revealPasswords?: boolean;
  /** Default: a new one (building one costs a few hundred milliseconds: keep it across reports). */
  readonly estimator?: StrengthEstimator;
  /**
   * Verdicts of earlier reports by password write: only passwords written since are estimated.
   * Kept across reports by an app that shows the report again (`strength-cache.ts`).
   */
  readonly strengthCache?: StrengthCache;
}

export type ExposedCheckStatus =
  | { readonly state: "off" }
  | { readonly state: "done"; readonly source: string; readonly requests: number }
  | { readonly state: "failed"; readonly source: string; readonly reason: string };

export interface HealthReport {
  readonly checkedAt: number;
  /** Live items looked at, and how many of them hold a password. */
  readonly items: number;
  readonly passwords: number;
  readonly maxAgeDays: number;
  /** Findings not dismissed, most urgent first. */
  readonly findings: readonly Finding[];
  /** Findings the person dismissed on their item, in the same order. */
  readonly dismissed: readonly Finding[];
  /** Findings not dismissed, by kind. */
  readonly counts: Readonly<Record<FindingKind, number>>;
  readonly exposedCheck: ExposedCheckStatus;
}

export const DEFAULT_MAX_AGE_DAYS = 365;
/** The longest the report computes without letting other work of its thread run. */
const YIELD_AFTER_MS = 50;
const yieldToEvents = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
const DAY_MS = 24 * 60 * 60 * 1000;

interface Credential {
  readonly item: HealthItem;
  readonly password: string;
  readonly passwordWrite: { readonly eventId: string; readonly at: number };
  readonly hash: string;
}

export const runHealthCheck = async (options: HealthOptions): Promise<HealthReport> => {
  const maxAgeDays = options.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
  if (!Number.isFinite(maxAgeDays) || maxAgeDays <= 0)
    throw new Error(`maxAgeDays must be a positive number, got ${maxAgeDays}`);
  const hash = createKeyedHash(options.randomBytes);
  const live = options.items.filter((item) => item.status === "live");

  const credentials: Credential[] = [];
  const byHash = new Map<string, Credential[]>();
  for (const item of live) {
    const field = item.fields.find((f) => f.name === "password");
    if (field === undefined || typeof field.value !== "string" || field.value === "") continue;
    const credential = {
      item,
      password: field.value,
      passwordWrite: { eventId: field.eventId, at: field.updated.at },
      hash: hash(field.value),
    };
    credentials.push(credential);
    const group = byHash.get(credential.hash) ?? [];
    group.push(credential);
    byHash.set(credential.hash, group);
  }

  const findings: Finding[] = [];
  const push = (
    credential: Pick<Credential, "item"> & Partial<Credential>,
    finding: FindingDraft,
    eventId: string | undefined,
  ): void => {
    findings.push({
      ...finding,
      itemId: credential.item.id,
      title: credential.item.title,
      dismissKey: dismissalKey(finding.kind, eventId),
      ...(options.revealPasswords === true && credential.password !== undefined
        ? { password: credential.password }
        : {}),
    } as Finding);
  };

  const exposedCheck = await exposedFindings(options.exposed, byHash, push);

  let group = 0;
  for (const members of byHash.values()) {
    if (members.length < 2) continue;
    group++;
    const drafts = reusedFindings(
      members.map((c) => c.item),
      group,
    );
    members.forEach((credential, k) =>
      push(credential, drafts[k] as FindingDraft, credential.passwordWrite.eventId),
    );
  }

  let estimator = options.estimator;
  const cache = options.strengthCache;
  let slice = Date.now();
  for (const members of byHash.values()) {
    // zxcvbn runs synchronously for milliseconds a password: hand the thread back now and then,
    // so a worker that also serves the vault answers its other calls during a long first report.
    if (Date.now() - slice > YIELD_AFTER_MS) {
      await yieldToEvents();
      slice = Date.now();
    }
    const cached = cache === undefined ? undefined : cachedStrength(cache, members);
    let strength = cached;
    if (strength === undefined) {
      estimator ??= createStrengthEstimator();
      strength = estimator.estimate((members[0] as Credential).password);
    }
    if (cache !== undefined && cached === undefined)
      for (const member of members) cache.set(member.passwordWrite.eventId, strength);
    if (!isWeak(strength)) continue;
    for (const credential of members)
      push(credential, weakFinding(strength), credential.passwordWrite.eventId);
  }

  for (const credential of credentials) {
    const since = passwordSince(credential, options, maxAgeDays);
    const ageDays = Math.floor((options.now - since) / DAY_MS);
    if (ageDays < maxAgeDays) continue;
    push(
      credential,
      {
        kind: "old",
        severity: "medium",
        since,
        ageDays,
        message: `The password has not changed for ${ageDays} days (since ${new Date(since).toISOString().slice(0, 10)}).`,
        action: "Change it, starting with the accounts that matter most.",
      },
      credential.passwordWrite.eventId,
    );
  }

  const withPassword = new Set(credentials.map((c) => c.item));
  for (const item of live) {
    const urlsField = item.fields.find((f) => f.name === "urls");
    const urls = insecureUrls(readList(urlsField?.value));
    if (urlsField !== undefined && urls.length > 0)
      push(
        { item },
        {
          kind: "insecure-url",
          severity: "medium",
          urls,
          message: `The site's address uses http: (${urls.join(", ")}): what is typed there travels unencrypted.`,
          action:
            "Use the https: address if the site has one, and never sign in on the http: page.",
        },
        urlsField.eventId,
      );
    if (item.type === "login" && withPassword.has(item) && !hasValue(item, "totp"))
      push(
        { item },
        {
          kind: "missing-2fa",
          severity: "hint",
          message: "No one-time code (TOTP) is stored for this login.",
          action:
            "If the site offers two-factor authentication, turn it on and store its secret here.",
        },
        undefined,
      );
  }

  cache?.retainOnly(new Set(credentials.map((c) => c.passwordWrite.eventId)));
  findings.sort(compareFindings);
  // Only items that hold dismissals get a set: most hold none.
  const dismissedKeys = new Map<string, ReadonlySet<string>>();
  for (const item of live) {
    const value = item.fields.find((f) => f.name === DISMISSED_FIELD)?.value;
    if (value !== undefined) dismissedKeys.set(item.id, new Set(readDismissals(value)));
  }
  const isDismissed = (finding: Finding) =>
    dismissedKeys.get(finding.itemId)?.has(finding.dismissKey) === true;
  const open = findings.filter((finding) => !isDismissed(finding));
  const counts = Object.fromEntries(FINDING_KINDS.map((kind) => [kind, 0])) as Record<
    FindingKind,
    number
  >;
  for (const finding of open) counts[finding.kind]++;
  return {
    checkedAt: options.now,
    items: live.length,
    passwords: credentials.length,
    maxAgeDays,
    findings: open,
    dismissed: findings.filter(isDismissed),
    counts,
    exposedCheck,
  };
};

/** True when the report should fail a script: a finding that is not a hint, or an exposed check that could not run. */
export const needsAttention = (report: HealthReport): boolean =>
  report.findings.some((finding) => finding.severity !== "hint") ||
  report.exposedCheck.state === "failed";

/** The kinds of open findings of each item, for a list's filter ("reused", "weak"). */
export const findingKindsByItem = (
  report: HealthReport,
): ReadonlyMap<string, ReadonlySet<FindingKind>> => {
  const kinds = new Map<string, Set<FindingKind>>();
  for (const finding of report.findings) {
    const set = kinds.get(finding.itemId) ?? new Set<FindingKind>();
    set.add(finding.kind);
    kinds.set(finding.itemId, set);
  }
  return kinds;
};

const exposedFindings = async (
  exposed: ExposedCheckOptions | undefined,
  byHash: ReadonlyMap<string, readonly Credential[]>,
  push: (c: Credential, f: FindingDraft, e: string) => void,
): Promise<ExposedCheckStatus> => {
  if (exposed === undefined) return { state: "off" };
  const source = exposed.source ?? DEFAULT_EXPOSED_SOURCE;
  if (byHash.size === 0) return { state: "done", source, requests: 0 };
  const passwords = new Map(
    [...byHash].map(([key, members]) => [key, (members[0] as Credential).password]),
  );
  const result = await checkExposed(passwords, exposed);
  if (!result.ok) return { state: "failed", source, reason: result.error.reason };
  for (const [key, timesSeen] of result.counts) {
    if (timesSeen === 0) continue;
    for (const credential of byHash.get(key) ?? [])
      push(
        credential,
        {
          kind: "exposed",
          severity: "critical",
          timesSeen,
          message: `The password appears in data breaches (seen ${timesSeen.toLocaleString("en")} ${timesSeen === 1 ? "time" : "times"}): attackers try it first.`,
          action: "Change it now, on the site and here, to a generated password.",
        },
        credential.passwordWrite.eventId,
      );
  }
  return { state: "done", source, requests: result.requests };
};

/** A verdict remembered for any write of the group (they all hold the same password). */
const cachedStrength = (
  cache: StrengthCache,
  members: readonly Credential[],
): Strength | undefined => {
  for (const member of members) {
    const found = cache.get(member.passwordWrite.eventId);
    if (found !== undefined) return found;
  }
  return undefined;
};

const weakFinding = (strength: Strength): FindingDraft => ({
  kind: "weak",
  severity: strength.score <= 1 ? "high" : "medium",
  score: strength.score,
  crackTime: strength.crackTime,
  crackSeconds: strength.crackSeconds,
  reasons: strength.reasons,
  warning: strength.warning,
  message: `Weak password: it could be guessed in ${strength.crackTime}${strength.reasons.length > 0 ? ` (${strength.reasons.map((r) => REASON_TEXT[r]).join(", ")})` : ""}.`,
  action: "Replace it with a generated password.",
});

const passwordSince = (
  credential: Credential,
  options: HealthOptions,
  maxAgeDays: number,
): number => {
  const written = credential.passwordWrite.at;
  const limit = maxAgeDays * DAY_MS;
  if (options.history === undefined || options.now - written >= limit) return written;
  // Every entry of the history is at or after `oldest`, so the run of the current value started
  // within the limit: the password is not old whatever the history holds (its age is not shown).
  const oldest = options.oldestWrite?.(credential.item.id);
  if (oldest !== undefined && options.now - oldest < limit) return written;
  const entries = options.history(credential.item.id, "password");
  const since = entries === undefined ? undefined : currentValueSince(entries);
  return since === undefined ? written : Math.min(since, written);
};

const readList = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === "string")
    : typeof value === "string"
      ? [value]
      : [];

const hasValue = (item: HealthItem, name: string): boolean => {
  const value = item.fields.find((f) => f.name === name)?.value;
  return value !== undefined && value !== null && value !== "";
};
