/**
 * The Share action of an item: to which address, which fields, until when, with what message.
 * Loaded when first opened (sharing's code stays out of the first load). The vault worker seals
 * the share to the recipient's pinned keys and hands it to this account's server; a key change of
 * a pinned contact stops the send with a warning that says what to do.
 */

import { useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import type { Item } from "@keypears/vault/core";
import { describeFailure } from "./errors.ts";
import { displayField } from "./field-labels.ts";

/** The sender's own organizing fields: never shared (as `keypears share`). */
const PERSONAL_FIELDS = new Set(["type", "title", "folder", "tags", "favorite", "healthDismissed"]);

const EXPIRIES: readonly { readonly label: string; readonly ms: number }[] = [
  { label: "1 hour", ms: 3_600_000 },
  { label: "1 day", ms: 86_400_000 },
  { label: "7 days", ms: 7 * 86_400_000 },
  { label: "30 days", ms: 30 * 86_400_000 },
];

export interface ShareFormProps {
  readonly vault: VaultClient;
  readonly address: string;
  readonly item: Item;
  readonly onClose: () => void;
}

type Outcome =
  | { readonly kind: "sent"; readonly text: string }
  | { readonly kind: "failed"; readonly text: string; readonly keyChange: boolean };

export const ShareForm = ({ vault, address, item, onClose }: ShareFormProps) => {
  const shareable = item.fields.filter((f) => !PERSONAL_FIELDS.has(f.name) && f.value !== null);
  const [to, setTo] = useState("");
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set(shareable.map((f) => f.name)));
  const [expiry, setExpiry] = useState(2);
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const localOnly = address.endsWith("@localhost");

  const send = async (): Promise<void> => {
    setBusy(true);
    setOutcome(null);
    try {
      const sent = await vault.shareItem(address, {
        item: item.id,
        to,
        fields: [...chosen],
        expiresInMs: EXPIRIES[expiry]?.ms ?? 7 * 86_400_000,
        message,
      });
      setOutcome(
        sent.ok
          ? {
              kind: "sent",
              text: `Shared "${item.title}" with ${sent.value.to}: sealed to their keys and handed to your server (${sent.value.status}). Only ${sent.value.to} can open it.`,
            }
          : {
              kind: "failed",
              text: sent.error.message,
              keyChange: sent.error.kind === "key-log-changed",
            },
      );
    } catch (error) {
      setOutcome({ kind: "failed", text: describeFailure(error), keyChange: false });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="share-form"
      aria-labelledby="share-title"
      onSubmit={(event) => {
        event.preventDefault();
        if (chosen.size === 0) {
          setOutcome({
            kind: "failed",
            text: "Choose at least one field to share.",
            keyChange: false,
          });
          return;
        }
        void send();
      }}
    >
      <h3 id="share-title">Share {item.title}</h3>
      {localOnly && (
        <p class="warn-box" role="note">
          {address} lives only in this browser: it has no server, so it can neither send nor receive
          shares. Create an account on a server to share.
        </p>
      )}
      <label>
        Recipient address
        <input
          type="text"
          required
          autocomplete="off"
          spellcheck={false}
          placeholder="name@example.org"
          value={to}
          onInput={(e) => setTo(e.currentTarget.value)}
        />
      </label>
      <fieldset>
        <legend>Fields to share</legend>
        {shareable.map((field) => (
          <label key={field.name} class="check">
            <input
              type="checkbox"
              checked={chosen.has(field.name)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.currentTarget.checked) next.add(field.name);
                else next.delete(field.name);
                setChosen(next);
              }}
            />
            {displayField(field.name, field.value, field.secret).label}
          </label>
        ))}
      </fieldset>
      <label>
        Expires after
        <select value={String(expiry)} onChange={(e) => setExpiry(Number(e.currentTarget.value))}>
          {EXPIRIES.map((choice, index) => (
            <option key={choice.label} value={String(index)}>
              {choice.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Message (optional)
        <textarea value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
      </label>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? "Sending…" : "Send share"}
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {outcome?.kind === "sent" && (
        <p class="notice" role="status">
          {outcome.text}
        </p>
      )}
      {outcome?.kind === "failed" && (
        <div class={outcome.keyChange ? "alarm-box" : "error"} role="alert">
          {outcome.keyChange && <strong>Warning: this contact's keys changed. </strong>}
          {outcome.text}
        </div>
      )}
    </form>
  );
};
