/** How values read in human output: times in local ISO form, devices, masked secrets, field values. */

import type { FieldValue } from "@keypears/sync-core";

/** What a secret shows instead of its value. */
export const MASK = "••••••";

/** `2026-03-01 14:22:05 +01:00`: ISO 8601 in the local time zone, to the second. */
export const localTime = (millis: number): string => {
  const date = new Date(millis);
  const pad = (n: number) => String(n).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
};

export const isoTime = (millis: number): string => new Date(millis).toISOString();

export const deviceLabel = (device: string, thisDevice: string): string =>
  device === thisDevice ? "this device" : `device ${device}`;

/** A field value as lines of text: lists one entry per line, flags as yes/no. */
export const valueLines = (value: FieldValue): string[] => {
  if (value === null) return [""];
  if (typeof value === "boolean") return [value ? "yes" : "no"];
  if (typeof value === "number") return [String(value)];
  if (typeof value === "string") return value.split(/\r?\n/);
  return value.flatMap((entry) => valueLines(entry));
};

/** A value as plain text for stdout (`get --field`): lists one entry per line. */
export const plainValue = (value: FieldValue): string => {
  if (value === null) return "";
  if (Array.isArray(value)) return value.map((v) => plainValue(v as FieldValue)).join("\n");
  return String(value);
};

export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 ? one : many}`;

// Made on first use: creating a segmenter loads ICU data (about 25 ms), which `keypears
// --version` and every command that prints no table would pay for nothing.
let segmenter: Intl.Segmenter | undefined;

/** The characters of `text` as a person sees them (an emoji with modifiers is one). */
export const graphemes = (text: string): string[] => {
  segmenter ??= new Intl.Segmenter("en", { granularity: "grapheme" });
  return Array.from(segmenter.segment(text), (s) => s.segment);
};

/** Printable ASCII: one column per character, no segmenting needed (most titles). */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** East Asian wide and fullwidth characters, and emoji: two terminal columns each. */
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]|\p{Emoji_Presentation}|\uFE0F/u;

/** Terminal columns `text` takes: one per grapheme, two for a wide one (CJK, emoji). */
export const textWidth = (text: string): number =>
  PRINTABLE_ASCII.test(text)
    ? text.length
    : graphemes(text).reduce((width, grapheme) => width + (WIDE.test(grapheme) ? 2 : 1), 0);

/** `text` as one shell word: as is when safe, else in single quotes. */
export const shellWord = (text: string): string =>
  /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
