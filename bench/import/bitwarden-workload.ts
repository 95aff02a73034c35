/** A Bitwarden JSON export of N logins as a person's vault looks: folders, URIs, TOTP on some, notes, custom fields, history. */

import type { Prng } from "../lib/prng.ts";

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const SECRET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%&*+-=?@^_";

export const bitwardenExport = (items: number, prng: Prng): Uint8Array => {
  const folders = Array.from({ length: 12 }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`,
    name: i < 6 ? `Folder ${i}` : `Folder ${i % 6}/Sub ${i}`,
  }));
  const list = Array.from({ length: items }, (_, i) => {
    const host = `${prng.text(8, LETTERS)}.example.com`;
    return {
      id: `10000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      organizationId: null,
      folderId: prng.below(3) === 0 ? null : folders[prng.below(folders.length)]?.id,
      type: 1,
      reprompt: 0,
      name: `${host} account ${i}`,
      notes: prng.below(4) === 0 ? `Notes for ${host}\nline two` : null,
      favorite: prng.below(20) === 0,
      fields:
        prng.below(5) === 0
          ? [{ name: "PIN", value: prng.text(6, "0123456789"), type: 1, linkedId: null }]
          : [],
      login: {
        uris: [{ match: null, uri: `https://${host}/login` }],
        username: `user${i}@example.org`,
        password: prng.text(20, SECRET),
        totp: prng.below(10) === 0 ? "JBSWY3DPEHPK3PXP" : null,
      },
      passwordHistory:
        prng.below(10) === 0
          ? [{ lastUsedDate: "2023-01-01T00:00:00.000Z", password: prng.text(16, SECRET) }]
          : null,
      revisionDate: "2024-01-01T00:00:00.000Z",
      creationDate: "2022-01-01T00:00:00.000Z",
      deletedDate: null,
      collectionIds: null,
    };
  });
  return new TextEncoder().encode(JSON.stringify({ encrypted: false, folders, items: list }));
};
