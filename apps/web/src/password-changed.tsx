/**
 * What the web app shows when the server ended this browser's session because the master password
 * was changed on another device (the server's salt differs from this browser's): a prompt for the
 * new password. The browser then signs in again as the same device with the Secret Key sealed in
 * its own vault file and re-protects that file under the new password, so the old one no longer
 * unlocks it here. The web app holds no password while unlocked, so the prompt also asks for the
 * previous one, which opens the sealed Secret Key (the file is still sealed under it). After
 * `passwd --new-secret-key` the Secret Key the file holds no longer signs in: the optional field
 * takes the new one, from the new recovery kit.
 */

import { useEffect, useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import { describeFailure } from "./errors.ts";
import { PasswordField } from "./form-controls.tsx";
import type { SyncState } from "./sync-state.tsx";

interface Props {
  readonly vault: VaultClient;
  readonly address: string;
  readonly state: SyncState;
}

export const PasswordChangedPrompt = ({ vault, address, state }: Props) => {
  const [next, setNext] = useState("");
  const [previous, setPrevious] = useState("");
  const [secretKey, setSecretKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [followed, setFollowed] = useState(false);
  const changed = state.passwordChanged === true;
  // A later change elsewhere (the refusal seen again) asks again. Not reset when the refusal ends:
  // the sync state may say so only after this browser has followed, and the notice must stay.
  useEffect(() => {
    if (changed) setFollowed(false);
  }, [changed]);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const typed = secretKey.trim();
      const done = await vault.followPasswordChange(
        address,
        previous,
        next,
        ...(typed === "" ? [] : [typed]),
      );
      if (done.ok) {
        setNext("");
        setPrevious("");
        setSecretKey("");
        setFollowed(true);
      } else setFailure(followFailure(done.error.kind, address, done.error));
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  // While busy the file is closed and live sync stopped for a moment: the form stays meanwhile.
  if (followed || (!changed && !busy))
    return followed ? (
      <p class="notice" role="status">
        Signed {address} in again with the new master password: from now on only the new password
        unlocks it in this browser.
      </p>
    ) : null;
  return (
    <form
      class="notice-box"
      aria-labelledby="password-changed-title"
      onSubmit={(event) => void submit(event)}
    >
      <h2 id="password-changed-title">Master password changed</h2>
      <p>The master password of {address} was changed on another device. Enter the new one.</p>
      <PasswordField
        label="New master password"
        autocomplete="current-password"
        value={next}
        onValue={setNext}
      />
      <PasswordField
        label="Previous master password (the one this browser was unlocked with)"
        autocomplete="current-password"
        value={previous}
        onValue={setPrevious}
      />
      <label>
        New Secret Key (only if it was changed too, from the new recovery kit)
        <input
          autocomplete="off"
          spellcheck={false}
          value={secretKey}
          onInput={(e) => setSecretKey(e.currentTarget.value)}
        />
      </label>
      {failure !== null && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? "Signing in again…" : "Sign in again"}
      </button>
    </form>
  );
};

const followFailure = (kind: string, address: string, error: unknown): string => {
  if (kind === "wrong-credentials")
    return `The server refused that password with the Secret Key this browser holds; nothing was changed. Either the new password is mistyped, or the Secret Key of ${address} was changed too (keypears passwd --new-secret-key): then enter the new Secret Key from the new recovery kit below, with the new master password.`;
  if (kind === "wrong-current-password")
    return "The previous master password is wrong (it is the one this browser was unlocked with); nothing was changed.";
  return `Could not sign in again; nothing was changed: ${describeFailure(error)}`;
};
