/** Every value each field of an item had: when, and on which device (by name); secrets hidden until revealed. */

import { useEffect, useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import type { ItemHistory } from "@keypears/vault/core";
import { describeFailure } from "./errors.ts";
import { displayField } from "./field-labels.ts";

interface Props {
  readonly vault: VaultClient;
  readonly address: string;
  readonly id: string;
  readonly deviceName: (id: string) => string;
  readonly onClose: () => void;
}

export const when = (at: number): string => new Date(at).toLocaleString();

export const HistoryView = ({ vault, address, id, deviceName, onClose }: Props) => {
  const [history, setHistory] = useState<ItemHistory | string | null>(null);
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  // Read again whenever the item changes (an edit here or on another device).
  useEffect(
    () =>
      vault.watch(address, { kind: "item", ref: id }, () => {
        vault.history(address, id).then(
          (result) => setHistory(result.ok ? result.value : describeFailure(result.error)),
          (error: unknown) => setHistory(describeFailure(error)),
        );
      }),
    [address, id],
  );
  if (history === null) return <p role="status">Reading the history…</p>;
  if (typeof history === "string")
    return (
      <p class="error" role="alert">
        {history}
      </p>
    );
  const fields = history.fields.filter((field) => field.name !== "type");
  return (
    <article aria-labelledby="history-title">
      <h2 id="history-title">History of {history.item.title}</h2>
      {fields.map((field) => {
        const { label } = displayField(field.name, null, field.secret);
        return (
          <section key={field.name} class="history-field" aria-label={`${label} history`}>
            <h3>{label}</h3>
            <ol class="history">
              {[...field.entries].reverse().map((entry) => {
                const shown = displayField(field.name, entry.value, field.secret);
                const label2 = shown.label;
                const open = revealed.has(entry.eventId);
                return (
                  <li key={entry.eventId}>
                    <span class="value">{shown.hidden && !open ? "••••••••" : shown.text}</span>
                    {shown.hidden && (
                      <button
                        type="button"
                        aria-label={`${open ? "Hide" : "Reveal"} ${label2} from ${when(entry.at)}`}
                        onClick={() => {
                          const next = new Set(revealed);
                          if (open) next.delete(entry.eventId);
                          else next.add(entry.eventId);
                          setRevealed(next);
                        }}
                      >
                        {open ? "Hide" : "Reveal"}
                      </button>
                    )}
                    <span class="sub">
                      {when(entry.at)} on {deviceName(entry.device)}
                      {entry.current ? " · current" : entry.head ? " · in conflict" : ""}
                    </span>
                  </li>
                );
              })}
            </ol>
          </section>
        );
      })}
      <section class="history-field" aria-label="Status history">
        <h3>Status</h3>
        <ol class="history">
          {[...history.status].reverse().map((entry) => (
            <li key={entry.eventId}>
              <span class="value">{entry.action}</span>
              <span class="sub">
                {when(entry.at)} on {deviceName(entry.device)}
              </span>
            </li>
          ))}
        </ol>
      </section>
      <div class="actions">
        <button type="button" onClick={onClose}>
          Back to the item
        </button>
      </div>
    </article>
  );
};
