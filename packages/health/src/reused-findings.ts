/**
 * The findings of one group of items that share a password: each names every other member, so a
 * group of n items yields n lists of n - 1 items and n messages naming them.
 *
 * Cost: built naively (a filter, a map and a join per member) that is n² objects and n² string
 * joins, which for one password shared by 1,000 items was most of the report's time. Here the
 * member references are made once and shared by every list, and each message is the text before
 * the member joined to the text after it, from running prefixes and suffixes: n strings of the same
 * content, whose concatenation the engine keeps as ropes until someone reads them (then each
 * message costs its own length, as any consumer of it would pay anyway).
 */

import type { FindingDraft } from "./findings.ts";

export interface GroupMember {
  readonly id: string;
  readonly title: string;
}

type ReusedDraft = Extract<FindingDraft, { kind: "reused" }>;

/** One draft per member of `members` (two or more), in the same order, for group number `group`. */
export const reusedFindings = (members: readonly GroupMember[], group: number): ReusedDraft[] => {
  const count = members.length;
  const refs = members.map((m) => ({ id: m.id, title: m.title }));
  const quoted = refs.map((r) => `"${r.title}"`);
  // before[k]: the quoted titles of members 0..k-1 joined; last[m]: those of the last m members.
  const before: string[] = [""];
  for (let k = 1; k < count; k++) {
    const previous = before[k - 1] as string;
    before.push(k === 1 ? (quoted[0] as string) : `${previous}, ${quoted[k - 1] as string}`);
  }
  const last: string[] = [""];
  for (let m = 1; m < count; m++) {
    const previous = last[m - 1] as string;
    last.push(
      m === 1 ? (quoted[count - 1] as string) : `${quoted[count - m] as string}, ${previous}`,
    );
  }
  const others = count - 1;
  const lead = `The same password is used by ${others === 1 ? "1 other item" : `${others} other items`}: `;
  return refs.map((_, k) => {
    const head = before[k] as string;
    const tail = last[count - 1 - k] as string;
    return {
      kind: "reused",
      severity: "high",
      group,
      others: refs.slice(0, k).concat(refs.slice(k + 1)),
      message: `${lead}${head}${head !== "" && tail !== "" ? ", " : ""}${tail}.`,
      action: "Give each site its own generated password.",
    };
  });
};
