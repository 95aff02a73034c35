/**
 * The account-file storage port: where a device keeps one SQLite vault file per account. Node
 * keeps them under `KEYPEARS_HOME/vaults` (`node/node-storage.ts`); a browser keeps them in its
 * origin-private file system (`browser/opfs-storage.ts`).
 */

import type { Address } from "./address.ts";
import type { SqliteDatabase } from "./sqlite.ts";

export interface AccountStorage {
  /** The addresses that have a vault file here, sorted. */
  readonly list: () => readonly Address[];
  readonly exists: (address: Address) => boolean;
  /** Opens an existing vault file (never creates one). */
  readonly open: (address: Address) => SqliteDatabase;
  /**
   * Creates a vault file that appears complete or not at all: `init` fills a fresh database
   * before the file can be opened under its address. Returns false, writing nothing, when the
   * address already has a file.
   */
  readonly create: (address: Address, init: (db: SqliteDatabase) => void) => boolean;
  /** Removes the vault file and its side files; nothing when there is none. */
  readonly remove: (address: Address) => void;
  /** Where the file is, for messages (a path, or a name in the browser's storage). */
  readonly describe: (address: Address) => string;
}
