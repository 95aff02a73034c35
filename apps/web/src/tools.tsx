/**
 * The vault's tools, as sections of the vault screen: import, export and password health. Each
 * screen is its own chunk, loaded when first opened (with the health screen's zxcvbn dictionaries
 * living in the vault worker's own lazy chunk), so none of it weighs on the app's first load.
 */

import { useEffect, useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import type { LaterSection, SectionProps } from "./section-types.ts";
import "./tools.css";

export type ToolProps = SectionProps;

/**
 * Findings that need attention (hints aside), from the report the vault worker makes after each
 * change to the vault (cheap after the first: it keeps its strength verdicts); null until known.
 */
const useAttentionCount = (vault: VaultClient, address: string): number | null => {
  const [count, setCount] = useState<number | null>(null);
  const [changes, setChanges] = useState(0);
  useEffect(
    () => vault.watchChanges(address, { kind: "list", filter: {} }, () => setChanges((n) => n + 1)),
    [address],
  );
  useEffect(() => {
    if (changes === 0) return;
    let current = true;
    vault.healthReport(address, {}).then(
      (report) => current && setCount(report.findings.filter((f) => f.severity !== "hint").length),
      () => current && setCount(null),
    );
    return () => {
      current = false;
    };
  }, [address, changes]);
  return count;
};

/** How many health findings need attention, on the Password health button. */
const AttentionBadge = ({
  vault,
  address,
}: {
  readonly vault: VaultClient;
  readonly address: string;
}) => {
  const attention = useAttentionCount(vault, address);
  if (attention === null || attention === 0) return null;
  return (
    <span class="badge warn" aria-label={`, ${attention} need attention`}>
      {attention}
    </span>
  );
};

export const TOOL_SECTIONS: readonly LaterSection[] = [
  {
    id: "import",
    label: "Import",
    load: async () => (await import("./import-screen.tsx")).ImportScreen,
  },
  {
    id: "export",
    label: "Export",
    load: async () => (await import("./export-screen.tsx")).ExportScreen,
  },
  {
    id: "health",
    label: "Password health",
    load: async () => (await import("./health-screen.tsx")).HealthScreen,
    Badge: AttentionBadge,
  },
];
