/**
 * The item list's "Needs attention" filter: only the items with an open health finding of a kind
 * (reused, weak, ...). The report is made by the vault worker when the filter is chosen and again
 * when the list changes; the strength verdicts it keeps make that cheap after the first time.
 */

import { useEffect, useState } from "preact/hooks";
import type { FindingKind, VaultClient } from "@keypears/vault-browser";

const CHOICES: readonly (readonly [FindingKind | "any", string])[] = [
  ["any", "Any finding"],
  ["reused", "Reused"],
  ["weak", "Weak"],
  ["old", "Old"],
  ["insecure-url", "Insecure site (http:)"],
  ["missing-2fa", "No two-factor code"],
];

export const AttentionFilter = ({
  vault,
  address,
  changed,
  onChange,
}: {
  readonly vault: VaultClient;
  readonly address: string;
  /** Anything that changes when the vault does (the listed items). */
  readonly changed: unknown;
  /** The ids to show, or null for every item. */
  readonly onChange: (ids: ReadonlySet<string> | null) => void;
}) => {
  const [kind, setKind] = useState<FindingKind | "any" | "">("");
  useEffect(() => {
    if (kind === "") {
      onChange(null);
      return;
    }
    let current = true;
    void vault.healthReport(address, {}).then(
      (report) => {
        if (!current) return;
        onChange(
          new Set(
            report.findings
              .filter((finding) => kind === "any" || finding.kind === kind)
              .map((finding) => finding.itemId),
          ),
        );
      },
      () => current && onChange(null),
    );
    return () => {
      current = false;
    };
  }, [address, kind, changed]);
  return (
    <>
      <label for="filter-attention">Needs attention</label>
      <select
        id="filter-attention"
        value={kind}
        onChange={(e) => {
          const next = e.currentTarget.value as FindingKind | "any" | "";
          // Back to every item at once, in the same render as the choice (no report to wait for).
          if (next === "") onChange(null);
          setKind(next);
        }}
      >
        <option value="">All items</option>
        {CHOICES.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </>
  );
};
