/** One item, live: fields with reveal and copy, the TOTP code with its countdown, trash/restore/purge. */

import type { FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { VaultClient } from "@keypears/vault-browser";
import type { Item, ItemField } from "@keypears/vault/core";
import { copyAndClear } from "./clipboard.ts";
import { describeFailure } from "./errors.ts";
import { displayField } from "./field-labels.ts";
import type { ShareFormProps } from "./share-form.tsx";

interface Props {
  readonly vault: VaultClient;
  readonly address: string;
  readonly id: string;
  readonly onEdit: (item: Item) => void;
  readonly onHistory: (id: string) => void;
  readonly onClose: () => void;
}

export const ItemView = ({ vault, address, id, onEdit, onHistory, onClose }: Props) => {
  const [item, setItem] = useState<Item | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState("");
  const [sharing, setSharing] = useState(false);
  useEffect(
    () =>
      vault.watch(address, { kind: "item", ref: id }, (result) => {
        if (result.ok) setItem(result.value);
        else if (result.error.kind === "not-found") onClose();
        else setFailure(describeFailure(result.error));
      }),
    [address, id],
  );
  if (item === null) return failure === null ? null : <p role="alert">{failure}</p>;

  const act = async (action: "trash" | "restore" | "purge"): Promise<void> => {
    if (action === "purge" && !confirm(`Delete "${item.title}" for good? This cannot be undone.`))
      return;
    const done = await vault[action](address, item.id);
    if (!done.ok) setFailure(describeFailure(done.error));
    else if (action !== "trash" || item.status !== "live") onClose();
  };
  const copy = async (label: string, value: string): Promise<void> => {
    try {
      await copyAndClear(value);
      setNotice(`${label} copied; the clipboard clears in 30 seconds.`);
    } catch {
      setNotice(`Could not copy ${label}: the browser refused access to the clipboard.`);
    }
  };
  const trashed = item.status !== "live";
  return (
    <article aria-labelledby="item-title">
      <h2 id="item-title">{item.title}</h2>
      {trashed && <p class="hint">In the trash.</p>}
      {item.conflicts.length > 0 && (
        <p class="warn-box" role="alert">
          This item was changed on two devices at once: open Conflicts to choose what it keeps.
        </p>
      )}
      <dl class="fields">
        {item.fields
          .filter((field) => field.name !== "title" && field.name !== "type")
          .map((field) => (
            <FieldRow key={field.name} field={field} onCopy={(l, v) => void copy(l, v)} />
          ))}
        {item.fields.some((f) => f.name === "totp") && (
          <Totp vault={vault} address={address} id={item.id} onCopy={(v) => void copy("Code", v)} />
        )}
      </dl>
      <p class="notice" role="status">
        {notice}
      </p>
      {failure !== null && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
      <div class="actions">
        {!trashed && (
          <button type="button" onClick={() => onEdit(item)}>
            Edit
          </button>
        )}
        <button type="button" onClick={() => onHistory(item.id)}>
          History
        </button>
        {!trashed && (
          <button type="button" aria-expanded={sharing} onClick={() => setSharing(!sharing)}>
            Share
          </button>
        )}
        {!trashed && (
          <button type="button" onClick={() => void act("trash")}>
            Move to trash
          </button>
        )}
        {trashed && (
          <button type="button" onClick={() => void act("restore")}>
            Restore
          </button>
        )}
        {trashed && (
          <button type="button" class="danger" onClick={() => void act("purge")}>
            Delete for good
          </button>
        )}
      </div>
      {sharing && !trashed && (
        <LazyShareForm
          key={item.id}
          vault={vault}
          address={address}
          item={item}
          onClose={() => setSharing(false)}
        />
      )}
    </article>
  );
};

/** The share form, loaded when first opened (sharing stays out of the first load). */
const LazyShareForm = (props: ShareFormProps) => {
  const [Form, setForm] = useState<FunctionComponent<ShareFormProps> | string | null>(null);
  useEffect(() => {
    let current = true;
    import("./share-form.tsx").then(
      (loaded) => current && setForm(() => loaded.ShareForm),
      (error: unknown) =>
        current &&
        setForm(`The share form did not load (${describeFailure(error)}); reload the page.`),
    );
    return () => {
      current = false;
    };
  }, []);
  if (Form === null) return <p role="status">Loading…</p>;
  if (typeof Form === "string")
    return (
      <p class="error" role="alert">
        {Form}
      </p>
    );
  return <Form {...props} />;
};

const display = (field: ItemField) => displayField(field.name, field.value, field.secret);

const FieldRow = ({
  field,
  onCopy,
}: {
  readonly field: ItemField;
  readonly onCopy: (label: string, value: string) => void;
}) => {
  const [shown, setShown] = useState(false);
  const { label, text, hidden } = display(field);
  if (field.name === "totp") return null;
  return (
    <div class="field">
      <dt>{label}</dt>
      <dd>
        <span class={hidden && !shown ? "masked" : "value"} aria-label={`${label} value`}>
          {hidden && !shown ? "••••••••" : text}
        </span>
        {field.conflict !== null && <span class="badge warn">in conflict</span>}
        {hidden && (
          <button
            type="button"
            aria-label={`${shown ? "Hide" : "Reveal"} ${label}`}
            onClick={() => setShown(!shown)}
          >
            {shown ? "Hide" : "Reveal"}
          </button>
        )}
        <button type="button" aria-label={`Copy ${label}`} onClick={() => onCopy(label, text)}>
          Copy
        </button>
        {field.name === "urls" &&
          Array.isArray(field.value) &&
          typeof field.value[0] === "string" && (
            <a href={field.value[0]} target="_blank" rel="noopener noreferrer">
              Open
            </a>
          )}
      </dd>
    </div>
  );
};

const Totp = ({
  vault,
  address,
  id,
  onCopy,
}: {
  readonly vault: VaultClient;
  readonly address: string;
  readonly id: string;
  readonly onCopy: (code: string) => void;
}) => {
  const [code, setCode] = useState<{ code: string; secondsRemaining: number } | string | null>(
    null,
  );
  useEffect(() => {
    let stopped = false;
    const tick = async (): Promise<void> => {
      const result = await vault.totp(address, id).catch(() => null);
      if (stopped || result === null) return;
      setCode(result.ok ? result.value : describeFailure(result.error));
    };
    void tick();
    const timer = setInterval(() => void tick(), 1000);
    return () => ((stopped = true), clearInterval(timer));
  }, [address, id]);
  if (code === null) return null;
  return (
    <div class="field">
      <dt>One-time code</dt>
      <dd>
        {typeof code === "string" ? (
          <span class="error">{code}</span>
        ) : (
          <>
            <span class="value totp" aria-label="One-time code value">
              {code.code}
            </span>
            <span class="hint" aria-label="Seconds left">
              {code.secondsRemaining}s
            </span>
            <button type="button" aria-label="Copy one-time code" onClick={() => onCopy(code.code)}>
              Copy
            </button>
          </>
        )}
      </dd>
    </div>
  );
};
