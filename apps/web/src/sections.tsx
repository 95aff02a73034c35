/**
 * The vault's sections in the navigation. Later features add theirs to `LATER_SECTIONS` (a
 * screen of their own, loaded when first opened so the first load stays small):
 *
 *   Sharing                           (sharing-screen.tsx: inbox and contacts)
 *   Import, Export, Password health   (`TOOL_SECTIONS` in tools.tsx)
 *
 * Each screen receives `SectionProps` (section-types.ts). Once opened, a later section stays
 * mounted (hidden) while another is shown, so an import's preview or an export's choices survive
 * a look at the item list; locking drops them all.
 */

import type { FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { LaterSection, SectionProps } from "./section-types.ts";
import { TOOL_SECTIONS } from "./tools.tsx";

export type { LaterSection, SectionProps } from "./section-types.ts";

/** Sections of later features, shown after Conflicts and before Sync, Devices and Settings. */
export const LATER_SECTIONS: readonly LaterSection[] = [
  {
    id: "sharing",
    label: "Sharing",
    load: async () => (await import("./sharing-screen.tsx")).SharingScreen,
  },
  ...TOOL_SECTIONS,
];

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
