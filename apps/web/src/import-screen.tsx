/**
 * Import from another password manager (or a KeyPears export): pick the file, see what it holds
 * (format, counts by type, what was mapped, rows that cannot come in, likely duplicates and what to
 * do with them), then import it in one transaction. The vault worker reads the file; an encrypted
 * one (KeePass, KeyPears) asks for its password first. A file that cannot be read changes nothing.
 */

import { useState } from "preact/hooks";
import type { DuplicateChoice, ImportFormat, ImportSummary } from "@keypears/vault-browser";
import { describeFailure } from "./errors.ts";
import { TYPE_LABELS } from "./field-labels.ts";
import type { ToolProps } from "./tools.tsx";

/** The largest export read (the worker refuses more, as `keypears import` does). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

const FORMAT_LABELS: Readonly<Record<ImportFormat, string>> = {
  "bitwarden-json": "Bitwarden (JSON)",
  "bitwarden-csv": "Bitwarden (CSV)",
  "1password-1pux": "1Password (.1pux)",
  "1password-csv": "1Password (CSV)",
  "keepassxc-csv": "KeePassXC (CSV)",
  "keepass-kdbx": "KeePass database (.kdbx)",
  "chrome-csv": "Chrome, Edge or Brave (CSV)",
  "firefox-csv": "Firefox (CSV)",
  "lastpass-csv": "LastPass (CSV)",
  "protonpass-csv": "Proton Pass (CSV)",
  keypears: "KeyPears export",
};

const DUPLICATE_LABELS: Readonly<Record<DuplicateChoice, string>> = {
  skip: "Skip them",
  "keep-both": "Keep both",
  merge: "Merge into the existing item",
};

type Step =
  | { readonly kind: "pick" }
  | { readonly kind: "reading" }
  | { readonly kind: "password"; readonly wrong: boolean }
  | { readonly kind: "preview"; readonly summary: ImportSummary }
  | { readonly kind: "importing"; readonly summary: ImportSummary }
  | { readonly kind: "done"; readonly summary: ImportSummary };

export const ImportScreen = ({ vault, address }: ToolProps) => {
  const [file, setFile] = useState<{ readonly name: string; readonly bytes: Uint8Array } | null>(
    null,
  );
  const [format, setFormat] = useState<ImportFormat | "">("");
  const [password, setPassword] = useState("");
  const [duplicates, setDuplicates] = useState<DuplicateChoice>("skip");
  const [step, setStep] = useState<Step>({ kind: "pick" });
  const [failure, setFailure] = useState<string | null>(null);

  const read = async (
    bytes: Uint8Array,
    chosen: ImportFormat | "",
    filePassword: string | undefined,
    dryRun: boolean,
  ): Promise<void> => {
    setFailure(null);
    try {
      const result = await vault.importFile(address, {
        bytes,
        ...(chosen === "" ? {} : { format: chosen }),
        ...(filePassword === undefined ? {} : { password: filePassword }),
        duplicates,
        dryRun,
      });
      if (result.ok) {
        setStep({ kind: dryRun ? "preview" : "done", summary: result.value });
        return;
      }
      const { kind, message } = result.error;
      if (kind === "password-required") setStep({ kind: "password", wrong: false });
      else if (kind === "wrong-password") setStep({ kind: "password", wrong: true });
      else {
        setStep({ kind: "pick" });
        setFailure(
          kind === "unknown-format"
            ? "KeyPears cannot tell which password manager wrote this file: choose its format in the list, then read it again. Nothing was imported."
            : /nothing was imported/i.test(message)
              ? message
              : `${message}. Nothing was imported.`,
        );
      }
    } catch (error) {
      setStep({ kind: "pick" });
      setFailure(`${describeFailure(error)}. Nothing was imported.`);
    }
  };

  const choose = async (chosen: File | undefined): Promise<void> => {
    setFile(null);
    setPassword("");
    setStep({ kind: "pick" });
    setFailure(null);
    if (chosen === undefined) return;
    if (chosen.size > MAX_FILE_BYTES) {
      setFailure(
        `The file is ${Math.ceil(chosen.size / 1024 / 1024)} MiB; exports of at most 64 MiB are read. Nothing was imported.`,
      );
      return;
    }
    setStep({ kind: "reading" });
    const bytes = new Uint8Array(await chosen.arrayBuffer());
    setFile({ name: chosen.name, bytes });
    await read(bytes, format, undefined, true);
  };
  const filePassword = step.kind === "pick" || password === "" ? undefined : password;

  return (
    <section aria-labelledby="import-title">
      <h2 id="import-title">Import</h2>
      <p class="hint">
        Bring your items from another password manager: export them there, then pick the file here.
        Nothing is imported until you confirm; the file never leaves this device.
      </p>
      <form onSubmit={(e) => e.preventDefault()}>
        <label>
          Export file
          <input
            type="file"
            accept=".json,.csv,.1pux,.kdbx,.keypears,.txt"
            onChange={(e) => void choose(e.currentTarget.files?.[0])}
          />
        </label>
        <label>
          Format
          <select
            value={format}
            onChange={(e) => {
              const chosen = e.currentTarget.value as ImportFormat | "";
              setFormat(chosen);
              if (file !== null) void read(file.bytes, chosen, filePassword, true);
            }}
          >
            <option value="">Detect from the file</option>
            {Object.entries(FORMAT_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </form>
      {failure !== null && (
        <p role="alert" class="error">
          {failure}
        </p>
      )}
      {step.kind === "reading" && <p role="status">Reading the file…</p>}
      {step.kind === "password" && file !== null && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setStep({ kind: "reading" });
            void read(file.bytes, format, password, true);
          }}
        >
          <p>{file.name} is encrypted: enter the password it was saved with.</p>
          <label>
            File password
            <input
              type="password"
              autocomplete="off"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              required
            />
          </label>
          {step.wrong && (
            <p role="alert" class="error">
              Wrong password for this file (or the file is damaged). Nothing was imported.
            </p>
          )}
          <button type="submit">Open the file</button>
        </form>
      )}
      {(step.kind === "preview" || step.kind === "importing") && file !== null && (
        <Preview
          summary={step.summary}
          duplicates={duplicates}
          onDuplicates={setDuplicates}
          busy={step.kind === "importing"}
          onImport={() => {
            setStep({ kind: "importing", summary: step.summary });
            void read(file.bytes, step.summary.format, filePassword, false);
          }}
        />
      )}
      {step.kind === "done" && <Done summary={step.summary} />}
    </section>
  );
};

const countsText = (summary: ImportSummary): string =>
  Object.entries(summary.byType)
    .map(([type, count]) => `${count} ${(TYPE_LABELS[type] ?? type).toLowerCase()}`)
    .join(", ") || "nothing";

const Preview = ({
  summary,
  duplicates,
  onDuplicates,
  busy,
  onImport,
}: {
  readonly summary: ImportSummary;
  readonly duplicates: DuplicateChoice;
  readonly onDuplicates: (choice: DuplicateChoice) => void;
  readonly busy: boolean;
  readonly onImport: () => void;
}) => {
  const mapped = Object.entries(summary.mapped);
  return (
    <section aria-labelledby="preview-title" class="preview">
      <h3 id="preview-title">What the file holds</h3>
      <p role="status">
        {FORMAT_LABELS[summary.format]}: {summary.items} {summary.items === 1 ? "item" : "items"} (
        {countsText(summary)})
      </p>
      {mapped.length > 0 && (
        <details>
          <summary>Fields mapped ({mapped.length})</summary>
          <ul>
            {mapped.map(([what, count]) => (
              <li key={what}>
                {what} ({count})
              </li>
            ))}
          </ul>
        </details>
      )}
      {summary.rejected.length > 0 && (
        <div>
          <h4>Cannot be imported ({summary.rejected.length})</h4>
          <ul>
            {summary.rejected.map((row) => (
              <li key={row.source}>
                {row.source}: {row.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {summary.duplicates.length > 0 && (
        <fieldset>
          <legend>Likely duplicates ({summary.duplicates.length})</legend>
          <ul aria-label="Likely duplicates">
            {summary.duplicates.map((d) => (
              <li key={d.source}>
                “{d.title}” ({d.source}) looks like “{d.existing}”: {d.reason}
              </li>
            ))}
          </ul>
          {(Object.keys(DUPLICATE_LABELS) as DuplicateChoice[]).map((choice) => (
            <label class="inline" key={choice}>
              <input
                type="radio"
                name="duplicates"
                value={choice}
                checked={duplicates === choice}
                onChange={() => onDuplicates(choice)}
              />
              {DUPLICATE_LABELS[choice]}
            </label>
          ))}
        </fieldset>
      )}
      <button type="button" disabled={busy || summary.items === 0} onClick={onImport}>
        {busy ? "Importing…" : `Import ${summary.items} ${summary.items === 1 ? "item" : "items"}`}
      </button>
    </section>
  );
};

const Done = ({ summary }: { readonly summary: ImportSummary }) => {
  const outcome = summary.outcome;
  if (outcome === undefined) return null;
  const extra = [
    outcome.merged > 0 ? `${outcome.merged} merged` : "",
    outcome.skipped > 0 ? `${outcome.skipped} skipped as duplicates` : "",
  ].filter(Boolean);
  return (
    <p role="status">
      Imported {outcome.added} {outcome.added === 1 ? "item" : "items"} from{" "}
      {FORMAT_LABELS[summary.format]}
      {extra.length > 0 ? `; ${extra.join(", ")}` : ""}. Delete the export file now: it holds your
      passwords.
    </p>
  );
};
