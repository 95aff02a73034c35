/**
 * The vault's sections in the navigation. Later features add theirs to `LATER_SECTIONS` (a
 * screen of their own, loaded when first opened so the first load stays small):
 *
 *   Import and export  { id: "import-export", label: "Import and export", load: () => import("./import-export-screen.tsx").then((m) => m.ImportExportScreen) }
 *   Password health    { id: "health", label: "Password health", load: ... }
 *   Sharing            { id: "sharing", label: "Sharing", load: ... }
 *
 * Each screen receives `SectionProps`.
 */

import type { FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";

export interface SectionProps {
  readonly vault: VaultClient;
  readonly address: string;
}

export interface LaterSection {
  readonly id: string;
  readonly label: string;
  readonly load: () => Promise<FunctionComponent<SectionProps>>;
}

/** Sections of later features, shown after Conflicts and before Sync, Devices and Settings. */
export const LATER_SECTIONS: readonly LaterSection[] = [];

export type SectionId =
  | "items"
  | "trash"
  | "conflicts"
  | "sync"
  | "devices"
  | "settings"
  | (string & { readonly later?: never });

/** Shows a later section's screen once its module has loaded. */
export const LazySection = ({
  section,
  ...props
}: SectionProps & { readonly section: LaterSection }) => {
  const [Screen, setScreen] = useState<FunctionComponent<SectionProps> | string | null>(null);
  useEffect(() => {
    let stopped = false;
    section.load().then(
      (loaded) => stopped || setScreen(() => loaded),
      (error: unknown) =>
        stopped ||
        setScreen(
          `This screen did not load (${error instanceof Error ? error.message : String(error)}); reload the page.`,
        ),
    );
    return () => {
      stopped = true;
    };
  }, [section.id]);
  if (Screen === null) return <p role="status">Loading…</p>;
  if (typeof Screen === "string")
    return (
      <p class="error" role="alert">
        {Screen}
      </p>
    );
  return <Screen {...props} />;
};
