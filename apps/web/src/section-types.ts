/** What a section of the vault screen is, and what its screen receives (see `sections.tsx`). */

import type { FunctionComponent } from "preact";
import type { VaultClient } from "@keypears/vault-browser";

export interface SectionProps {
  readonly vault: VaultClient;
  readonly address: string;
  /** Shows one item in the Items section (a health finding's, say). */
  readonly onOpenItem: (id: string) => void;
}

export interface LaterSection {
  readonly id: string;
  readonly label: string;
  readonly load: () => Promise<FunctionComponent<SectionProps>>;
  /** Shown in the section's navigation button after its label (a count that needs attention). */
  readonly Badge?: FunctionComponent<{ readonly vault: VaultClient; readonly address: string }>;
}
