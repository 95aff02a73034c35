/**
 * The unlocked vault: the account, its sync badge and Lock; the navigation between sections
 * (items, trash, conflicts, later features' screens, sync, devices, settings); auto-lock after
 * the configured idle time.
 */

import { useEffect, useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import { ConflictsScreen } from "./conflicts-screen.tsx";
import { useDeviceNames } from "./device-names.ts";
import { DevicesScreen } from "./devices-screen.tsx";
import { useIdleLock } from "./idle-lock.ts";
import { ItemsSection, type Pane } from "./items-section.tsx";
import { LATER_SECTIONS, LazySection, type SectionId } from "./sections.tsx";
import { SettingsScreen } from "./settings-screen.tsx";
import { SyncBadge, useSyncState } from "./sync-state.tsx";
import { SyncScreen } from "./sync-screen.tsx";
import { ToolButtons, ToolPane, type ToolName } from "./tools.tsx";

interface Props {
  readonly vault: VaultClient;
  readonly address: string;
  readonly onLocked: () => void;
}

export const VaultScreen = ({ vault, address, onLocked }: Props) => {
  const [section, setSection] = useState<SectionId>("items");
  const [pane, setPane] = useState<Pane>({ kind: "none" });
  const [conflicts, setConflicts] = useState(0);
  const syncState = useSyncState(vault, address);
  const names = useDeviceNames(vault, address);

  useEffect(() => {
    if (address.endsWith("@localhost")) return;
    void vault.startLiveSync(address);
    // Back online: sync at once rather than after the retry delay (or a request the outage left hanging).
    const restart = (): void =>
      void vault.stopLiveSync(address).then(() => vault.startLiveSync(address));
    addEventListener("online", restart);
    return () => removeEventListener("online", restart);
  }, [address]);
  useEffect(
    () => vault.watch(address, { kind: "conflicts" }, (found) => setConflicts(found.length)),
    [address],
  );

  const lock = async (): Promise<void> => {
    await vault.lock(address);
    onLocked();
  };
  useIdleLock(() => void lock());

  const go = (next: SectionId): void => {
    setSection(next);
    setPane({ kind: "none" });
  };
  const tab = (id: SectionId, label: string) => (
    <button type="button" aria-pressed={section === id} onClick={() => go(id)}>
      {label}
    </button>
  );
  const later = LATER_SECTIONS.find((s) => s.id === section);
  // Import, export and password health are sections too ("tool:<name>"), each loaded when opened.
  const tool = section.startsWith("tool:") ? (section.slice(5) as ToolName) : null;

  return (
    <div class="vault">
      <div class="toolbar">
        <span class="account">{address}</span>
        <SyncBadge address={address} state={syncState} onOpen={() => go("sync")} />
        <button type="button" onClick={() => void lock()}>
          Lock
        </button>
      </div>
      <nav class="tabs" aria-label="Vault">
        {tab("items", "Items")}
        {tab("trash", "Trash")}
        {tab("conflicts", conflicts === 0 ? "Conflicts" : `Conflicts (${conflicts})`)}
        <ToolButtons
          vault={vault}
          address={address}
          open={tool}
          onOpen={(name) => go(`tool:${name}`)}
        />
        {LATER_SECTIONS.map((s) => (
          <span key={s.id}>{tab(s.id, s.label)}</span>
        ))}
        {tab("sync", "Sync")}
        {tab("devices", "Devices")}
        {tab("settings", "Settings")}
        <button
          type="button"
          onClick={() => {
            if (section !== "items") setSection("items");
            setPane({ kind: "edit", item: null });
          }}
        >
          New item
        </button>
      </nav>
      {(section === "items" || section === "trash") && (
        <ItemsSection
          vault={vault}
          address={address}
          trash={section === "trash"}
          pane={pane}
          setPane={setPane}
          deviceName={names.nameOf}
          onLocked={onLocked}
        />
      )}
      {section === "conflicts" && (
        <ConflictsScreen vault={vault} address={address} deviceName={names.nameOf} />
      )}
      {section === "sync" && <SyncScreen vault={vault} address={address} state={syncState} />}
      {section === "devices" && <DevicesScreen vault={vault} address={address} names={names} />}
      {section === "settings" && <SettingsScreen vault={vault} address={address} />}
      {later !== undefined && <LazySection section={later} vault={vault} address={address} />}
      {tool !== null && (
        <ToolPane
          tool={tool}
          vault={vault}
          address={address}
          onOpenItem={(id) => {
            setSection("items");
            setPane({ kind: "view", id });
          }}
        />
      )}
    </div>
  );
};
