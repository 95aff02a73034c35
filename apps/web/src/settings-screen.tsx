/** Settings: when the vault locks itself, and changing the master password. */

import { useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import { describeFailure } from "./errors.ts";
import { NewPasswordFields, PasswordField } from "./form-controls.tsx";
import { AUTO_LOCK_CHOICES, autoLockMinutes, setAutoLockMinutes } from "./idle-lock.ts";
import { passwordProblem } from "./start-screen.tsx";

interface Props {
  readonly vault: VaultClient;
  readonly address: string;
}

export const SettingsScreen = ({ vault, address }: Props) => {
  const [minutes, setMinutes] = useState(autoLockMinutes());
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <label>
        Lock after inactivity
        <select
          value={String(minutes)}
          onChange={(e) => {
            const chosen = Number(e.currentTarget.value);
            setMinutes(chosen);
            setAutoLockMinutes(chosen);
          }}
        >
          {AUTO_LOCK_CHOICES.map((choice) => (
            <option key={choice} value={String(choice)}>
              {choice === 0 ? "Never" : choice === 1 ? "1 minute" : `${choice} minutes`}
            </option>
          ))}
        </select>
      </label>
      <p class="hint">Locking drops the keys from memory in every tab of this browser.</p>
      <ChangePassword vault={vault} address={address} />
    </section>
  );
};

const ChangePassword = ({ vault, address }: Props) => {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const weakness = next === "" ? null : passwordProblem(next);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (weakness !== null)
      return setOutcome({ ok: false, text: `Choose a stronger password: ${weakness}.` });
    if (next !== confirm)
      return setOutcome({ ok: false, text: "The two new passwords differ; type them again." });
    setBusy(true);
    setOutcome(null);
    try {
      const changed = await vault.changePassword(address, current, next);
      if (changed.ok) {
        setCurrent("");
        setNext("");
        setConfirm("");
        setOutcome({
          ok: true,
          text: address.endsWith("@localhost")
            ? "The master password is changed."
            : "The master password is changed on the server and on this device; other devices use it at their next sign-in.",
        });
      } else setOutcome({ ok: false, text: describeFailure(changed.error) });
    } catch (error) {
      setOutcome({ ok: false, text: describeFailure(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-labelledby="change-password-title">
      <h3 id="change-password-title">Change the master password</h3>
      <PasswordField
        label="Current master password"
        autocomplete="current-password"
        value={current}
        onValue={setCurrent}
      />
      <NewPasswordFields
        label="New master password"
        id="new-strength"
        value={next}
        onValue={setNext}
        confirm={confirm}
        onConfirm={setConfirm}
        weakness={weakness}
      />
      {outcome !== null && (
        <p class={outcome.ok ? "notice" : "error"} role={outcome.ok ? "status" : "alert"}>
          {outcome.text}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? "Changing…" : "Change the master password"}
      </button>
    </form>
  );
};
