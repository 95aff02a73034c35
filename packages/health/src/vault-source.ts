/**
 * What the report needs from an unlocked vault (its live items and a field's history), taken
 * through the small part of the vault's interface it uses, so this package never loads the vault.
 */

import type { HealthItem, HealthOptions } from "./health-report.ts";
import type { HistoryEntryLike } from "./password-age.ts";

/** The part of `@keypears/vault`'s `Vault` read here (the vault fits it as is). */
export interface HealthVault {
  readonly list: () => readonly HealthItem[];
  readonly history: (
    ref: string,
    field?: string,
  ) =>
    | {
        readonly ok: true;
        readonly value: {
          readonly fields: readonly {
            readonly name: string;
            readonly entries: readonly HistoryEntryLike[];
          }[];
        };
      }
    | { readonly ok: false };
  /** For each item known to have no write older than a time, that time (the vault's `oldestWrites`). */
  readonly oldestWrites?: () => ReadonlyMap<string, number>;
}

/** The live items and the history reader of `vault`, for `runHealthCheck`. */
export const healthSource = (
  vault: HealthVault,
): Pick<HealthOptions, "items" | "history" | "oldestWrite"> => {
  const oldest = vault.oldestWrites?.();
  return {
    items: vault.list(),
    history: (itemId, field) => {
      const history = vault.history(itemId, field);
      return history.ok ? history.value.fields.find((f) => f.name === field)?.entries : undefined;
    },
    ...(oldest === undefined ? {} : { oldestWrite: (itemId: string) => oldest.get(itemId) }),
  };
};
