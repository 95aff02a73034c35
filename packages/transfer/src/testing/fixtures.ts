/** Reads the fixture files (tests only: this file uses Node's file system, the package does not). */

import { readFileSync } from "node:fs";

export const KDBX_FIXTURE_PASSWORD = "correct horse battery";

export const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
