/** Adds or edits an item of any type: its standard fields, tags, folder, favourite, custom fields. */

import { useEffect, useRef, useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import type { FieldValue } from "@keypears/sync-core";
import {
  customFieldName,
  FIELDS_BY_TYPE,
  ITEM_TYPES,
  readCustomField,
  STANDARD_FIELDS,
  type Item,
  type ItemType,
} from "@keypears/vault/core";
import { describeFailure } from "./errors.ts";
import { FIELD_LABELS, TYPE_LABELS } from "./field-labels.ts";
import { Generator } from "./generator.tsx";
import { CheckboxRow, TextInput } from "./form-controls.tsx";
import { draftKey, dropDraft, readDraft, saveDraft } from "./drafts.ts";

interface Props {
  readonly vault: VaultClient;
  readonly address: string;
  /** null: a new item. */
  readonly item: Item | null;
  readonly onDone: (id: string | null) => void;
}

interface Custom {
  readonly name: string;
  readonly kind: "text" | "hidden";
  readonly value: string;
}

const EXTRA = ["tags", "folder"] as const;

/** The form's text for a field value (lists one per line). */
const asText = (value: FieldValue | undefined): string =>
  value === undefined || value === null
    ? ""
    : Array.isArray(value)
      ? value.join("\n")
      : String(value);

/** A form text as the field's value; null when empty (the field is removed). */
const fromText = (name: string, text: string): FieldValue => {
  if (STANDARD_FIELDS[name] === "list") {
    const list = text
      .split(name === "tags" ? /[\n,]/ : /\n/)
      .map((entry) => entry.trim())
      .filter((entry) => entry !== "");
    return list.length === 0 ? null : list;
  }
  return text === "" ? null : text;
};

export const ItemEditor = ({ vault, address, item, onDone }: Props) => {
  const key = draftKey(address, item?.id ?? null);
  const draft = useRef(readDraft(key)).current;
  const initial = (name: string): string =>
    asText(item?.fields.find((field) => field.name === name)?.value);
  const [type, setType] = useState<ItemType>(
    (draft?.type as ItemType | undefined) ?? item?.type ?? "login",
  );
  const names = [...FIELDS_BY_TYPE[type], ...EXTRA];
  const [values, setValues] = useState<Record<string, string>>(
    () =>
      draft?.values ??
      Object.fromEntries(Object.keys(STANDARD_FIELDS).map((name) => [name, initial(name)])),
  );
  const [favorite, setFavorite] = useState(
    draft?.favorite ?? item?.fields.find((f) => f.name === "favorite")?.value === true,
  );
  const originalCustom: readonly Custom[] = (item?.fields ?? []).flatMap((field) => {
    const custom = readCustomField(field.name, field.value);
    return custom === undefined ? [] : [custom];
  });
  const [custom, setCustom] = useState<readonly Custom[]>(draft?.custom ?? originalCustom);
  // Every change is kept as a draft in memory until it is saved or cancelled.
  const changed = useRef(false);
  useEffect(() => {
    if (!changed.current) {
      changed.current = true;
      return;
    }
    saveDraft(key, { type, values, favorite, custom });
  }, [type, values, favorite, custom]);
  const finish = (id: string | null): void => {
    dropDraft(key);
    onDone(id);
  };
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [generating, setGenerating] = useState(false);

  const fields = (): Record<string, FieldValue> => {
    const out: Record<string, FieldValue> = {};
    for (const name of names) out[name] = fromText(name, values[name] ?? "");
    out["favorite"] = favorite ? true : null;
    for (const entry of custom)
      if (entry.name.trim() !== "")
        out[customFieldName(entry.name.trim())] = [entry.kind, entry.value];
    return out;
  };

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const wanted = fields();
      if (item === null) {
        const present = Object.fromEntries(
          Object.entries(wanted).filter(([, value]) => value !== null),
        );
        const added = await vault.add(address, { type, fields: present });
        if (added.ok) finish(added.value.id);
        else setFailure(describeFailure(added.error));
        return;
      }
      for (const old of originalCustom)
        if (!(customFieldName(old.name) in wanted)) wanted[customFieldName(old.name)] = null;
      const changes: Record<string, FieldValue> = {};
      for (const [name, value] of Object.entries(wanted)) {
        const before = item.fields.find((field) => field.name === name)?.value ?? null;
        if (JSON.stringify(before) !== JSON.stringify(value)) changes[name] = value;
      }
      if (Object.keys(changes).length === 0) return finish(item.id);
      const edited = await vault.edit(address, item.id, changes);
      if (edited.ok) finish(edited.value.id);
      else setFailure(describeFailure(edited.error));
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  const setValue = (name: string, value: string): void =>
    setValues((current) => ({ ...current, [name]: value }));

  return (
    <form class="editor" onSubmit={(event) => void save(event)} aria-labelledby="editor-title">
      <h2 id="editor-title">{item === null ? "New item" : `Edit ${item.title}`}</h2>
      {draft !== undefined && (
        <p class="hint" role="status">
          Your unsaved changes are back (kept in memory while the vault is unlocked).
        </p>
      )}
      {item === null && (
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.currentTarget.value as ItemType)}>
            {ITEM_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_LABELS[t] ?? t}
              </option>
            ))}
          </select>
        </label>
      )}
      {names.map((name) => {
        const label = FIELD_LABELS[name] ?? name;
        const kind = STANDARD_FIELDS[name];
        const multiline = name === "notes" || name === "postalAddress" || kind === "list";
        return (
          <label key={name}>
            {label}
            {multiline ? (
              <textarea
                rows={name === "notes" ? 4 : 2}
                value={values[name] ?? ""}
                onInput={(e) => setValue(name, e.currentTarget.value)}
              />
            ) : (
              <TextInput
                secret={kind === "secret"}
                required={name === "title"}
                value={values[name] ?? ""}
                onValue={(value) => setValue(name, value)}
              />
            )}
          </label>
        );
      })}
      {names.includes("password") && (
        <button type="button" aria-expanded={generating} onClick={() => setGenerating(!generating)}>
          Generate a password
        </button>
      )}
      {generating && (
        <Generator
          onUse={(secret) => {
            setValue("password", secret);
            setGenerating(false);
          }}
        />
      )}
      <CheckboxRow checked={favorite} onChecked={setFavorite}>
        Favourite
      </CheckboxRow>
      <fieldset>
        <legend>Custom fields</legend>
        {custom.map((entry, index) => {
          const update = (change: Partial<Custom>): void =>
            setCustom(custom.map((c, i) => (i === index ? { ...c, ...change } : c)));
          return (
            <div class="custom" key={index}>
              <input
                aria-label={`Custom field ${index + 1} name`}
                value={entry.name}
                onInput={(e) => update({ name: e.currentTarget.value })}
              />
              <TextInput
                label={`Custom field ${index + 1} value`}
                secret={entry.kind === "hidden"}
                value={entry.value}
                onValue={(value) => update({ value })}
              />
              <CheckboxRow
                checked={entry.kind === "hidden"}
                onChecked={(hidden) => update({ kind: hidden ? "hidden" : "text" })}
              >
                Hidden
              </CheckboxRow>
              <button
                type="button"
                aria-label={`Remove custom field ${index + 1}`}
                onClick={() => setCustom(custom.filter((_, i) => i !== index))}
              >
                Remove
              </button>
            </div>
          );
        })}
        <button
          type="button"
          onClick={() => setCustom([...custom, { name: "", kind: "text", value: "" }])}
        >
          Add a custom field
        </button>
      </fieldset>
      {failure !== null && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
      <div class="actions">
        <button type="submit" disabled={busy}>
          Save
        </button>
        <button type="button" onClick={() => finish(item?.id ?? null)}>
          Cancel
        </button>
      </div>
    </form>
  );
};
