/**
 * Findings a person chose to keep (a shared family password, a router on http:), remembered per
 * item in the item's own `healthDismissed` field: a list of text, so it is sealed, synced and kept
 * in the field's history like every other value, and needs no change to any stored format.
 *
 * An entry is `<kind>` or `<kind>:<event id>`. Findings about a password (weak, reused, old,
 * exposed) or the URLs (insecure-url) name the write that holds the current value, so a dismissal
 * lasts until that value changes: a new weak password is reported again. A missing second factor
 * is about the item as a whole and stays dismissed until undismissed.
 */

/** The item field that holds dismissals (a standard field of the vault's item model). */
export const DISMISSED_FIELD = "healthDismissed";

export const FINDING_KINDS = [
  "exposed",
  "reused",
  "weak",
  "old",
  "insecure-url",
  "missing-2fa",
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const isFindingKind = (value: unknown): value is FindingKind =>
  typeof value === "string" && (FINDING_KINDS as readonly string[]).includes(value);

/** The entry that dismisses a finding of `kind` about the write `eventId` (none: the whole item). */
export const dismissalKey = (kind: FindingKind, eventId: string | undefined): string =>
  eventId === undefined ? kind : `${kind}:${eventId}`;

/** The entries stored in a field value; anything else in it is ignored. */
export const readDismissals = (value: unknown): readonly string[] =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];

/** The field's new value with `key` added, or undefined when it is already there. */
export const withDismissal = (current: unknown, key: string): string[] | undefined => {
  const entries = readDismissals(current);
  return entries.includes(key) ? undefined : [...entries, key];
};

/** The field's new value without any entry of `kind` (`null` removes the field), or undefined when there was none. */
export const withoutDismissals = (
  current: unknown,
  kind: FindingKind,
): string[] | null | undefined => {
  const entries = readDismissals(current);
  const kept = entries.filter((entry) => entry !== kind && !entry.startsWith(`${kind}:`));
  if (kept.length === entries.length) return undefined;
  return kept.length === 0 ? null : kept;
};

/** The field whose current write a finding of each kind is about (none: the item as a whole). */
const SUBJECT_FIELD: Readonly<Record<FindingKind, string | undefined>> = {
  exposed: "password",
  reused: "password",
  weak: "password",
  old: "password",
  "insecure-url": "urls",
  "missing-2fa": undefined,
};

/**
 * The entry that dismisses a finding of `kind` on `item` as it is now, or undefined when the item
 * has no value such a finding could be about (no password for "weak").
 */
export const dismissalKeyFor = (
  item: { readonly fields: readonly { readonly name: string; readonly eventId: string }[] },
  kind: FindingKind,
): string | undefined => {
  const subject = SUBJECT_FIELD[kind];
  if (subject === undefined) return dismissalKey(kind, undefined);
  const field = item.fields.find((f) => f.name === subject);
  return field === undefined ? undefined : dismissalKey(kind, field.eventId);
};
