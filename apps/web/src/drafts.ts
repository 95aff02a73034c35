/**
 * Unsaved edits, kept in this page's memory while the vault is unlocked: leaving an edit (another
 * item, another screen) or a failed save loses nothing. Never written to disk; dropped when the
 * vault locks, with its keys.
 */

export interface Draft {
  readonly type: string;
  readonly values: Readonly<Record<string, string>>;
  readonly favorite: boolean;
  readonly custom: readonly {
    readonly name: string;
    readonly kind: "text" | "hidden";
    readonly value: string;
  }[];
}

const drafts = new Map<string, Draft>();

/** The key of an item's draft (`null`: a new item). */
export const draftKey = (address: string, id: string | null): string => `${address}\n${id ?? ""}`;

export const readDraft = (key: string): Draft | undefined => drafts.get(key);
export const saveDraft = (key: string, draft: Draft): void => void drafts.set(key, draft);
export const dropDraft = (key: string): void => void drafts.delete(key);
/** Forgets every draft (on lock). */
export const dropAllDrafts = (): void => drafts.clear();
