/** What the growth benchmark's local worker is asked, and what it answers. */

export interface LocalRequest {
  /** Edits, one commit each, for the edit latency. */
  readonly edits: number;
  /** Bytes per row of the limit's plain table (about a sealed item view). */
  readonly rowBytes: number;
}

export interface LocalReply {
  readonly items: number;
  /** Opening the vault with a cheap key derivation (the KDF is the unlock benchmark's). */
  readonly unlockMs: number;
  /** The first list after opening: every view read and opened. */
  readonly firstListMs: number;
  /** The same list again, from the item store's cache. */
  readonly listMs: number;
  readonly searchMs: number;
  readonly editP50Ms: number;
  /** The limit: every row of a plain table of as many rows, read. */
  readonly limitReadMs: number;
  /** The limit: one INSERT per commit into that table, p50. */
  readonly limitInsertP50Ms: number;
}
