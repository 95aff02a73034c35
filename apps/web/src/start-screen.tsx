/** The first screen: unlock an account of this browser, create one, or sign in to an existing one. */

import { useEffect, useState } from "preact/hooks";
import type { AccountSummary, CreatedAccount, VaultClient } from "@keypears/vault-browser";
import { describeFailure } from "./errors.ts";
import { NewPasswordFields, PasswordField } from "./form-controls.tsx";

interface Props {
  readonly vault: VaultClient;
  readonly accounts: readonly AccountSummary[];
  readonly onCreated: (created: CreatedAccount) => void;
  readonly onUnlocked: (address: string) => void;
}

type Mode = "unlock" | "create" | "sign-in";

/** The domain this server holds addresses for, from its discovery document. */
const useServerDomain = (): string | null => {
  const [domain, setDomain] = useState<string | null>(null);
  useEffect(() => {
    fetch("/.well-known/keypears.json")
      .then((response) => (response.ok ? response.json() : null))
      .then((body: unknown) => {
        const found = (body as { domain?: unknown } | null)?.domain;
        if (typeof found === "string") setDomain(found);
      })
      .catch(() => setDomain(null));
  }, []);
  return domain;
};

export const StartScreen = ({ vault, accounts, onCreated, onUnlocked }: Props) => {
  const [mode, setMode] = useState<Mode>(accounts.length > 0 ? "unlock" : "create");
  return (
    <section class="card start" aria-labelledby="start-title">
      <h1 id="start-title">
        {mode === "unlock" ? "Unlock" : mode === "create" ? "Create an account" : "Sign in"}
      </h1>
      <nav class="tabs" aria-label="Start">
        {accounts.length > 0 && (
          <button type="button" aria-pressed={mode === "unlock"} onClick={() => setMode("unlock")}>
            Unlock
          </button>
        )}
        <button type="button" aria-pressed={mode === "create"} onClick={() => setMode("create")}>
          New account
        </button>
        <button type="button" aria-pressed={mode === "sign-in"} onClick={() => setMode("sign-in")}>
          Sign in with a Secret Key
        </button>
      </nav>
      {mode === "unlock" && (
        <UnlockForm vault={vault} accounts={accounts} onUnlocked={onUnlocked} />
      )}
      {mode === "create" && <CreateForm vault={vault} onCreated={onCreated} />}
      {mode === "sign-in" && <SignInForm vault={vault} onUnlocked={onUnlocked} />}
    </section>
  );
};

const Failure = ({ message }: { readonly message: string | null }) =>
  message === null ? null : (
    <p class="error" role="alert">
      {message}
    </p>
  );

const UnlockForm = ({
  vault,
  accounts,
  onUnlocked,
}: Pick<Props, "vault" | "accounts" | "onUnlocked">) => {
  const [address, setAddress] = useState(accounts[0]?.address ?? "");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const unlocked = await vault.unlock(address, password);
      if (unlocked.ok) onUnlocked(unlocked.value.address);
      else setFailure(describeFailure(unlocked.error));
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)}>
      <label>
        Account
        <select value={address} onChange={(e) => setAddress(e.currentTarget.value)}>
          {accounts.map((account) => (
            <option key={account.address} value={account.address}>
              {account.address}
            </option>
          ))}
        </select>
      </label>
      <PasswordField
        label="Master password"
        autocomplete="current-password"
        value={password}
        onValue={setPassword}
      />
      <Failure message={failure} />
      <button type="submit" disabled={busy}>
        {busy ? "Unlocking…" : "Unlock"}
      </button>
    </form>
  );
};

/** A rough strength check: refuses short and very common passwords. */
export const passwordProblem = (password: string): string | null => {
  if (password.length < 10) return "use at least 10 characters";
  const lower = password.toLowerCase();
  if (COMMON.some((common) => lower.includes(common)) && password.length < 16)
    return "this password is too common: add unrelated words";
  if (new Set(password).size < 5) return "use more different characters";
  return null;
};
const COMMON = ["password", "123456", "qwerty", "letmein", "iloveyou", "admin", "welcome"];

const CreateForm = ({ vault, onCreated }: Pick<Props, "vault" | "onCreated">) => {
  const domain = useServerDomain();
  const [where, setWhere] = useState<"server" | "local">("local");
  /**
   * Whether the person chose where the account lives, or began filling the form in with the place
   * shown: the server's default (its answer comes after the form shows) never overrides that.
   */
  const [chosen, setChosen] = useState(false);
  const choose = (place: "server" | "local") => {
    setChosen(true);
    setWhere(place);
  };
  const [name, setName] = useState("");
  const [deviceName, setDeviceName] = useState(defaultDeviceName());
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    // The server answers after the form shows: its default must not undo a choice already made
    // (an account meant for this browser alone would go to the server).
    if (domain !== null && !chosen) setWhere("server");
  }, [domain]);
  const address = `${name.trim()}@${where === "server" && domain !== null ? domain : "localhost"}`;
  const weakness = password === "" ? null : passwordProblem(password);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (weakness !== null) return setFailure(`Choose a stronger password: ${weakness}.`);
    if (password !== confirm) return setFailure("The two passwords differ; type them again.");
    setBusy(true);
    setFailure(null);
    try {
      const created = await vault.createAccount({
        address,
        password,
        ...(where === "server"
          ? { serverUrl: location.origin, deviceName: deviceName.trim() }
          : {}),
      });
      if (created.ok) onCreated(created.value);
      else setFailure(describeFailure(created.error));
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      onSubmit={(event) => void submit(event)}
      // Once the person fills the form in, the place shown is the one they are filling it for.
      onInput={() => setChosen(true)}
    >
      <fieldset>
        <legend>Where the account lives</legend>
        {domain !== null && (
          <label class="inline">
            <input
              type="radio"
              name="where"
              checked={where === "server"}
              // On input, as the form's own listener: a render between the two would undo the click.
              onInput={() => choose("server")}
            />
            On this server (syncs between devices)
          </label>
        )}
        <label class="inline">
          <input
            type="radio"
            name="where"
            checked={where === "local"}
            onInput={() => choose("local")}
          />
          Only in this browser
        </label>
      </fieldset>
      <label>
        Name
        <input
          required
          autocomplete="username"
          pattern="[a-z0-9][a-z0-9._\-]*"
          value={name}
          onInput={(e) => setName(e.currentTarget.value.toLowerCase())}
        />
      </label>
      <p class="hint">Your address: {address}</p>
      {where === "server" && <DeviceNameField value={deviceName} onValue={setDeviceName} />}
      <NewPasswordFields
        label="Master password"
        id="strength"
        value={password}
        onValue={setPassword}
        confirm={confirm}
        onConfirm={setConfirm}
        weakness={weakness}
      />
      <Failure message={failure} />
      <button type="submit" disabled={busy}>
        {busy ? "Creating…" : "Create account"}
      </button>
    </form>
  );
};

const SignInForm = ({ vault, onUnlocked }: Pick<Props, "vault" | "onUnlocked">) => {
  const [address, setAddress] = useState("");
  const [password, setPassword] = useState("");
  const [secretKey, setSecretKey] = useState("");
  const [deviceName, setDeviceName] = useState(defaultDeviceName());
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const signedIn = await vault.signIn({
        address: address.trim(),
        password,
        secretKey,
        serverUrl: location.origin,
        deviceName: deviceName.trim(),
      });
      if (signedIn.ok) onUnlocked(signedIn.value.address);
      else setFailure(describeFailure(signedIn.error));
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)}>
      <label>
        Address
        <input
          required
          autocomplete="username"
          value={address}
          onInput={(e) => setAddress(e.currentTarget.value)}
        />
      </label>
      <PasswordField
        label="Master password"
        autocomplete="current-password"
        value={password}
        onValue={setPassword}
      />
      <label>
        Secret Key
        <input
          required
          autocomplete="off"
          spellcheck={false}
          value={secretKey}
          onInput={(e) => setSecretKey(e.currentTarget.value)}
        />
      </label>
      <DeviceNameField value={deviceName} onValue={setDeviceName} />
      <Failure message={failure} />
      <button type="submit" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
};

/** A name for this browser among the account's devices: the browser and system, to start with. */
const defaultDeviceName = (): string => {
  const agent = navigator.userAgent;
  const browser = /Firefox\//.test(agent)
    ? "Firefox"
    : /Edg\//.test(agent)
      ? "Edge"
      : /Chrom(e|ium)\//.test(agent)
        ? "Chrome"
        : /Safari\//.test(agent)
          ? "Safari"
          : "Browser";
  const system = /Android/.test(agent)
    ? "Android"
    : /iPhone|iPad/.test(agent)
      ? "iOS"
      : /Windows/.test(agent)
        ? "Windows"
        : /Mac OS/.test(agent)
          ? "macOS"
          : /Linux/.test(agent)
            ? "Linux"
            : "";
  return system === "" ? browser : `${browser} on ${system}`;
};

const DeviceNameField = (props: {
  readonly value: string;
  readonly onValue: (value: string) => void;
}) => (
  <label>
    Name of this device
    <input
      required
      autocomplete="off"
      value={props.value}
      onInput={(e) => props.onValue(e.currentTarget.value)}
    />
  </label>
);
