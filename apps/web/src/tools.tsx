/**
 * The vault's tools beside the item list: import, export and password health. Each screen is its
 * own chunk, loaded when first opened (with the health screen's zxcvbn dictionaries living in the
 * vault worker's own lazy chunk), so none of it weighs on the app's first load.
 */

import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import "./tools.css";

export const TOOLS = ["import", "export", "health"] as const;
export type ToolName = (typeof TOOLS)[number];

const TOOL_LABELS: Readonly<Record<ToolName, string>> = {
  import: "Import",
  export: "Export",
  health: "Password health",
};

export interface ToolProps {
  readonly vault: VaultClient;
  readonly address: string;
  /** Shows one item (a finding's, an imported duplicate's). */
  readonly onOpenItem: (id: string) => void;
}

const loaders: Readonly<Record<ToolName, () => Promise<ComponentType<ToolProps>>>> = {
  import: async () => (await import("./import-screen.tsx")).ImportScreen,
  export: async () => (await import("./export-screen.tsx")).ExportScreen,
  health: async () => (await import("./health-screen.tsx")).HealthScreen,
};

/** The buttons that open each tool, for the vault's navigation; health shows how many findings need attention. */
export const ToolButtons = ({
  vault,
  address,
  open,
  onOpen,
}: {
  readonly vault: VaultClient;
  readonly address: string;
  readonly open: ToolName | null;
  readonly onOpen: (tool: ToolName) => void;
}) => {
  const attention = useAttentionCount(vault, address);
  return (
    <>
      {TOOLS.map((tool) => (
        <button key={tool} type="button" aria-pressed={open === tool} onClick={() => onOpen(tool)}>
          {TOOL_LABELS[tool]}
          {tool === "health" && attention !== null && attention > 0 && (
            <span class="badge warn" aria-label={`, ${attention} need attention`}>
              {attention}
            </span>
          )}
        </button>
      ))}
    </>
  );
};

/**
 * Findings that need attention (hints aside), from the report the vault worker makes after each
 * change to the vault (cheap after the first: it keeps its strength verdicts); null until known.
 */
const useAttentionCount = (vault: VaultClient, address: string): number | null => {
  const [count, setCount] = useState<number | null>(null);
  const [changes, setChanges] = useState(0);
  useEffect(
    () => vault.watch(address, { kind: "list", filter: {} }, () => setChanges((n) => n + 1)),
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

/** One tool's screen, loaded on first use. */
export const ToolPane = ({ tool, ...props }: ToolProps & { readonly tool: ToolName }) => {
  const [screen, setScreen] = useState<{ readonly Screen: ComponentType<ToolProps> } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setScreen(null);
    loaders[tool]().then(
      (Screen) => current && setScreen({ Screen }),
      () =>
        current && setFailure("This screen could not be loaded; reload the page and try again."),
    );
    return () => {
      current = false;
    };
  }, [tool]);
  if (failure !== null) return <p role="alert">{failure}</p>;
  if (screen === null) return <p role="status">Loading…</p>;
  return <screen.Screen {...props} />;
};
