/** What the health report finds: one finding per item and problem, with how bad it is and what to do. */

import { FINDING_KINDS } from "./dismissals.ts";
import type { StrengthReason } from "./password-strength.ts";

/** Most urgent first. A hint is advice (add a second factor), not a problem: it never fails `keypears health`. */
export const SEVERITIES = ["critical", "high", "medium", "hint"] as const;
export type Severity = (typeof SEVERITIES)[number];

interface FindingBase {
  readonly itemId: string;
  readonly title: string;
  readonly severity: Severity;
  /** What is wrong, in one sentence, never with the password in it. */
  readonly message: string;
  /** What to do about it. */
  readonly action: string;
  /** The `healthDismissed` entry that dismisses this finding. */
  readonly dismissKey: string;
  /** Only when the caller asked for passwords (`revealPasswords`). */
  readonly password?: string;
}

export type Finding = FindingBase &
  (
    | { readonly kind: "exposed"; readonly timesSeen: number }
    | {
        readonly kind: "reused";
        /** Items in the same group share one password; groups are numbered from 1. */
        readonly group: number;
        readonly others: readonly { readonly id: string; readonly title: string }[];
      }
    | {
        readonly kind: "weak";
        readonly score: number;
        readonly crackTime: string;
        readonly crackSeconds: number;
        readonly reasons: readonly StrengthReason[];
        readonly warning: string | null;
      }
    | { readonly kind: "old"; readonly since: number; readonly ageDays: number }
    | { readonly kind: "insecure-url"; readonly urls: readonly string[] }
    | { readonly kind: "missing-2fa" }
  );

/** By severity, then kind (in `FINDING_KINDS` order), then title (any case), then id: the same vault always reads the same. */
export const compareFindings = (a: Finding, b: Finding): number =>
  SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
  FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) ||
  byTitle.compare(a.title, b.title) ||
  (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0);

const byTitle = new Intl.Collator("en", { sensitivity: "base" });

/** Words for the reasons zxcvbn gives, as the report prints them. */
export const REASON_TEXT: Readonly<Record<StrengthReason, string>> = {
  "common-password": "a common password",
  "dictionary-word": "dictionary words",
  name: "a name",
  "keyboard-pattern": "a keyboard pattern",
  repeat: "repeated characters",
  sequence: "a sequence",
  date: "a date or year",
  "too-short": "too short",
};

/** A finding before the report adds the item, the dismissal key and (if asked) the password. */
export type FindingDraft = Finding extends infer F
  ? F extends Finding
    ? Omit<F, "itemId" | "title" | "dismissKey" | "password">
    : never
  : never;
