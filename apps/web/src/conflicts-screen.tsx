/**
 * Conflicts: a field changed on two devices at once (or an item trashed on one and edited on
 * another). The values are shown side by side with when and where each was written; the person
 * keeps one or enters a new one, and the resolution syncs to every device.
 */

import { useEffect, useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import type { FieldValue } from "@keypears/sync-core";
import { STANDARD_FIELDS, type Item, type ItemConflict } from "@keypears/vault/core";
import { describeFailure } from "./errors.ts";
import { displayField } from "./field-labels.ts";
import { TextInput } from "./form-controls.tsx";
import { when } from "./history-view.tsx";

interface Props {
  readonly vault: VaultClient;
  readonly address: string;
  readonly deviceName: (id: string) => string;
}

type Entry = { readonly item: Item; readonly conflict: ItemConflict };

export const ConflictsScreen = ({ vault, address, deviceName }: Props) => {
  const [conflicts, setConflicts] = useState<readonly Entry[] | null>(null);
  useEffect(() => vault.watch(address, { kind: "conflicts" }, setConflicts), [address]);
  return (
    <section aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">Conflicts</h2>
      {conflicts === null ? (
        <p role="status">Loading…</p>
      ) : conflicts.length === 0 ? (
        <p role="status">No conflicts: every device agrees.</p>
      ) : (
        conflicts.map((entry) => (
          <ConflictCard
            key={`${entry.item.id}:${entry.conflict.kind === "field" ? entry.conflict.field : entry.conflict.kind}`}
            vault={vault}
            address={address}
            entry={entry}
            deviceName={deviceName}
          />
        ))
      )}
    </section>
  );
};

const ConflictCard = ({ vault, address, entry, deviceName }: Props & { readonly entry: Entry }) => {
  const { item, conflict } = entry;
  const [failure, setFailure] = useState<string | null>(null);
  const [typed, setTyped] = useState("");
  const [revealed, setRevealed] = useState(false);
  const field = conflict.kind === "field" ? conflict.field : "status";
  const resolve = async (choice: { pick: number } | { value: FieldValue }): Promise<void> => {
    setFailure(null);
    try {
      const done = await vault.resolve(address, item.id, field, choice);
      if (!done.ok) setFailure(describeFailure(done.error));
    } catch (error) {
      setFailure(describeFailure(error));
    }
  };
  const secret = conflict.kind === "field" && STANDARD_FIELDS[conflict.field] === "secret";
  const label =
    conflict.kind === "field" ? displayField(conflict.field, null, secret).label : "Status";
  const heading = `${item.title}: ${label}`;
  return (
    <article class="conflict" aria-label={heading}>
      <h3>{heading}</h3>
      {conflict.kind === "edit-delete" ? (
        <>
          <p>
            Deleted on {conflict.deleted.map((d) => deviceName(d.device)).join(", ")} while{" "}
            {conflict.fields.join(", ")} changed on another device.
          </p>
          <div class="actions">
            <button type="button" onClick={() => void resolve({ value: "live" })}>
              Keep the item
            </button>
            <button type="button" onClick={() => void resolve({ value: "trashed" })}>
              Move it to the trash
            </button>
          </div>
        </>
      ) : (
        <>
          <div class="side-by-side">
            {conflict.candidates.map((candidate, index) => {
              const shown =
                conflict.kind === "field"
                  ? displayField(conflict.field, (candidate as { value: FieldValue }).value, secret)
                  : {
                      label: "Status",
                      text: (candidate as { action: string }).action,
                      hidden: false,
                    };
              const name = `${deviceName(candidate.device)}, ${when(candidate.at)}`;
              return (
                <div class="candidate" key={candidate.eventId}>
                  <p class="sub">{name}</p>
                  <p class="value">{shown.hidden && !revealed ? "••••••••" : shown.text}</p>
                  <button
                    type="button"
                    aria-label={`Keep this one (from ${name})`}
                    onClick={() => void resolve({ pick: index + 1 })}
                  >
                    Keep this one
                  </button>
                </div>
              );
            })}
          </div>
          {secret && (
            <button type="button" onClick={() => setRevealed(!revealed)}>
              {revealed ? "Hide the values" : "Reveal the values"}
            </button>
          )}
          {conflict.kind === "field" && (
            <form
              class="new-value"
              onSubmit={(event) => {
                event.preventDefault();
                void resolve({ value: typed === "" ? null : typed });
              }}
            >
              <label>
                Or a new value for {label}
                <TextInput secret={secret} value={typed} onValue={setTyped} />
              </label>
              <button type="submit">Use the new value</button>
            </form>
          )}
        </>
      )}
      {failure !== null && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
    </article>
  );
};
