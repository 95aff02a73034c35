/**
 * Writes the two binary fixtures (a 1Password `.1pux` and a KeePass KDBX 4 file) from readable
 * sources, so they can be re-made and reviewed: `node --import tsx packages/transfer/src/testing/make-fixtures.ts`.
 * The KDBX file's Argon2id is cheap (1 MiB, 2 passes) to keep tests fast; its password is in
 * `fixtures.ts`.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { strToU8, zipSync } from "fflate";
import kdbxweb from "kdbxweb";
import { parseKeepassKdbx } from "../formats/keepass-kdbx.ts";
import { KDBX_FIXTURE_PASSWORD } from "./fixtures.ts";

const dir = new URL("./fixtures/", import.meta.url);

const data = readFileSync(new URL("1password-export.data.json", dir));
const onePux = zipSync(
  {
    "export.attributes": strToU8(
      JSON.stringify({
        version: 3,
        description: "1Password Unencrypted Export",
        createdAt: 1700000000,
      }),
    ),
    "export.data": new Uint8Array(data),
    "files/": new Uint8Array(0),
  },
  { level: 6, mtime: new Date("2024-01-01T00:00:00Z") },
);
writeFileSync(new URL("1password.1pux", dir), onePux);

// Installs the Argon2 implementation (hash-wasm) as a side effect of the first parse.
await parseKeepassKdbx(new Uint8Array(0), "");
const db = kdbxweb.Kdbx.create(
  new kdbxweb.KdbxCredentials(kdbxweb.ProtectedValue.fromString(KDBX_FIXTURE_PASSWORD)),
  "Root",
);
db.setKdf(kdbxweb.Consts.KdfId.Argon2id);
db.header.kdfParameters?.set(
  "M",
  kdbxweb.VarDictionary.ValueType.UInt64,
  kdbxweb.Int64.from(1024 * 1024),
);
db.header.kdfParameters?.set("I", kdbxweb.VarDictionary.ValueType.UInt64, kdbxweb.Int64.from(2));
const root = db.getDefaultGroup();
const work = db.createGroup(root, "Work");
const dev = db.createGroup(work, "Dev");
const entry = db.createEntry(dev);
const set = (e: kdbxweb.KdbxEntry, name: string, value: string, secret = false) =>
  e.fields.set(name, secret ? kdbxweb.ProtectedValue.fromString(value) : value);
set(entry, "Title", "GitHub");
set(entry, "UserName", "alice");
set(entry, "Password", "gh-first", true);
set(entry, "URL", "https://github.com");
entry.pushHistory();
set(entry, "Password", "gh-second", true);
entry.pushHistory();
set(entry, "Password", 'gh-current, "quoted"', true);
set(entry, "Notes", "Recovery codes:\nabc-123\nünïcode");
set(entry, "otp", "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub");
set(entry, "KP2A_URL_1", "https://gist.github.com");
set(entry, "PIN", "2468", true);
set(entry, "Account no", "12-34");
entry.tags = ["work", "code"];
const mail = db.createEntry(root);
set(mail, "Title", "Mail");
set(mail, "UserName", "alice@example.com");
set(mail, "Password", "mail-pw", true);
db.createRecycleBin();
const bin = db.getGroup(db.meta.recycleBinUuid as kdbxweb.KdbxUuid) as kdbxweb.KdbxGroup;
const old = db.createEntry(bin);
set(old, "Title", "Old forum");
set(old, "Password", "forum-pw", true);
writeFileSync(new URL("keepass.kdbx", dir), new Uint8Array(await db.save()));
console.log("wrote 1password.1pux and keepass.kdbx");
