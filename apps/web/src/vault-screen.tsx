/**
 * The unlocked vault: the account, its sync badge and Lock; the navigation between sections
 * (items, trash, conflicts, later features' screens, sync, devices, settings); auto-lock after
 * the configured idle time.
 */

import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import { ConflictsScreen } from "./conflicts-screen.tsx";
import { useDeviceNames } from "./device-names.ts";
import { NewDevicesNotice, useDeviceTrust } from "./device-trust.tsx";
import { DevicesScreen } from "./devices-screen.tsx";
import { useIdleLock } from "./idle-lock.ts";
import { ItemsSection, type Pane } from "./items-section.tsx";
import { PasswordChangedPrompt } from "./password-changed.tsx";
import { LATER_SECTIONS, LazySection, type SectionId } from "./sections.tsx";
import { SettingsScreen } from "./settings-screen.tsx";
import { SyncBadge, useSyncState } from "./sync-state.tsx";
import { SyncScreen } from "./sync-screen.tsx";

interface Props {
  readonly vault: VaultClient;
  readonly address: string;
  readonly onLocked: () => void;
}

export const VaultScreen = ({ vault, address, onLocked }: Props) => {
  const [section, setSection] = useState<SectionId>("items");
  const [pane, setPane] = useState<Pane>({ kind: "none" });
  const [conflicts, setConflicts] = useState(0);
  // The list comes first: the other live queries (conflicts, the badges' counts) start once it shows.
  const [listShown, setListShown] = useState(false);
  // The later sections opened since unlocking: kept mounted (hidden) while another is shown.
  const [opened, setOpened] = useState<ReadonlySet<string>>(new Set());
  const syncState = useSyncState(vault, address);
  const names = useDeviceNames(vault, address);
  const deviceTrust = useDeviceTrust(vault, address, syncState.status?.verified.position ?? null);

  useEffect(() => {
    if (address.endsWith("@localhost")) return;
    void vault.startLiveSync(address);
    // Back online: sync at once rather than after the retry delay (or a request the outage left hanging).
    const restart = (): void =>
      void vault.stopLiveSync(address).then(() => vault.startLiveSync(address));
    addEventListener("online", restart);
    return () => removeEventListener("online", restart);
  }, [address]);
  useEffect(() => {
    if (!listShown) return;
    return vault.watch(address, { kind: "conflicts" }, (found) => setConflicts(found.length));
  }, [address, listShown]);

  const lock = async (): Promise<void> => {
    await vault.lock(address);
    onLocked();
  };
  useIdleLock(() => void lock());

  const go = (next: SectionId): void => {
    setListShown(true);
    setSection(next);
    setPane({ kind: "none" });
    if (LATER_SECTIONS.some((s) => s.id === next) && !opened.has(next))
      setOpened(new Set([...opened, next]));
  };
  const openItem = (id: string): void => {
    setSection("items");
    setPane({ kind: "view", id });
  };
  const tab = (id: SectionId, label: string, badge?: ComponentChildren) => (
    <button type="button" aria-pressed={section === id} onClick={() => go(id)}>
      {label}
      {badge}
    </button>
  );

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
        {LATER_SECTIONS.map((s) => (
          <span key={s.id}>
            {tab(
              s.id,
              s.label,
              listShown && s.Badge && <s.Badge vault={vault} address={address} />,
            )}
          </span>
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
      <PasswordChangedPrompt vault={vault} address={address} state={syncState} />
      <NewDevicesNotice
        vault={vault}
        address={address}
        trust={deviceTrust.trust}
        onAcknowledged={deviceTrust.reread}
        onOpenDevices={() => go("devices")}
      />
      {(section === "items" || section === "trash") && (
        <ItemsSection
          vault={vault}
          address={address}
          trash={section === "trash"}
          pane={pane}
          setPane={setPane}
          deviceName={names.nameOf}
          onLocked={onLocked}
          onShown={() => setListShown(true)}
        />
      )}
      {section === "conflicts" && (
        <ConflictsScreen vault={vault} address={address} deviceName={names.nameOf} />
      )}
      {section === "sync" && (
        <SyncScreen vault={vault} address={address} state={syncState} trust={deviceTrust.trust} />
      )}
      {section === "devices" && (
        <DevicesScreen vault={vault} address={address} names={names} trust={deviceTrust.trust} />
      )}
      {section === "settings" && <SettingsScreen vault={vault} address={address} />}
      {LATER_SECTIONS.filter((s) => s.id === section || opened.has(s.id)).map((s) => (
        <div key={s.id} class="later-section" hidden={s.id !== section}>
          <LazySection section={s} vault={vault} address={address} onOpenItem={openItem} />
        </div>
      ))}
    </div>
  );
};
