/** The app's top level: which account, whether it is unlocked, and the screen that follows. */

import { useEffect, useState } from "preact/hooks";
import type { AccountSummary, CreatedAccount, VaultClient } from "@keypears/vault-browser";
import { StartScreen } from "./start-screen.tsx";
import { RecoveryKit } from "./recovery-kit.tsx";
import { VaultScreen } from "./vault-screen.tsx";
import { applyUpdate, registerAppShell } from "./app-updates.ts";
import { dropAllDrafts } from "./drafts.ts";

export type Session =
  | { readonly kind: "loading" }
  | { readonly kind: "start"; readonly accounts: readonly AccountSummary[] }
  | { readonly kind: "kit"; readonly created: CreatedAccount }
  | { readonly kind: "open"; readonly address: string };

export const App = ({ vault }: { readonly vault: VaultClient }) => {
  const [session, setSession] = useState<Session>({ kind: "loading" });
  const refresh = async (): Promise<void> => {
    const accounts = await vault.accounts();
    const unlocked = accounts.find((account) => account.unlocked);
    setSession(
      unlocked === undefined
        ? { kind: "start", accounts }
        : { kind: "open", address: unlocked.address },
    );
  };
  const [updateReady, setUpdateReady] = useState(false);
  useEffect(() => {
    void refresh();
    registerAppShell(() => setUpdateReady(true));
  }, []);

  return (
    <div class="app">
      <header class="top">
        <span class="brand">KeyPears</span>
      </header>
      {updateReady && (
        <div class="banner" role="status">
          A new version of KeyPears is ready. Save what you are editing, then{" "}
          <button type="button" onClick={() => void applyUpdate()}>
            Reload to update
          </button>
        </div>
      )}
      <main id="main">
        {session.kind === "loading" && <p role="status">Opening the vault…</p>}
        {session.kind === "start" && (
          <StartScreen
            vault={vault}
            accounts={session.accounts}
            onCreated={(created) => setSession({ kind: "kit", created })}
            onUnlocked={(address) => setSession({ kind: "open", address })}
          />
        )}
        {session.kind === "kit" && (
          <RecoveryKit created={session.created} onDone={() => void refresh()} />
        )}
        {session.kind === "open" && (
          <VaultScreen
            vault={vault}
            address={session.address}
            onLocked={() => {
              // Unsaved edits go with the keys.
              dropAllDrafts();
              void refresh();
            }}
          />
        )}
      </main>
    </div>
  );
};
