/**
 * Export every item (the trash too): the encrypted KeyPears format (its own export password, every
 * field's history) to keep or move, or plaintext Bitwarden JSON or CSV to leave for any manager,
 * which the person must first acknowledge is unencrypted. The vault worker writes the file; the
 * browser downloads it.
 */

import { useEffect, useState } from "preact/hooks";
import type { ExportFormat } from "@keypears/vault-browser";
import { describeFailure } from "./errors.ts";
import type { ToolProps } from "./tools.tsx";

const FORMATS: readonly {
  readonly format: ExportFormat;
  readonly label: string;
  readonly extension: string;
  readonly type: string;
}[] = [
  {
    format: "keypears",
    label: "KeyPears, encrypted, with every field's history",
    extension: "keypears",
    type: "application/json",
  },
  {
    format: "bitwarden-json",
    label: "Bitwarden JSON (unencrypted)",
    extension: "json",
    type: "application/json",
  },
  {
    format: "csv",
    label: "CSV, KeePassXC's columns (unencrypted)",
    extension: "csv",
    type: "text/csv",
  },
];

/** Shorter than this, an export password is refused here (the file may travel). */
const MIN_EXPORT_PASSWORD = 10;

export const ExportScreen = ({ vault, address }: ToolProps) => {
  const [format, setFormat] = useState<ExportFormat>("keypears");
  const [password, setPassword] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<{
    readonly href: string;
    readonly name: string;
    readonly text: string;
  } | null>(null);
  useEffect(
    () => () => {
      if (done !== null) URL.revokeObjectURL(done.href);
    },
    [done],
  );

  const plaintext = format !== "keypears";
  const chosen = FORMATS.find((f) => f.format === format) ?? FORMATS[0];
  const problem = plaintext
    ? understood
      ? null
      : "Confirm that you understand the file is unencrypted."
    : password.length < MIN_EXPORT_PASSWORD
      ? `Choose an export password of at least ${MIN_EXPORT_PASSWORD} characters.`
      : password !== confirmation
        ? "The two export passwords differ."
        : null;

  const exportNow = async (): Promise<void> => {
    setFailure(null);
    setDone(null);
    if (problem !== null) {
      setFailure(problem);
      return;
    }
    setBusy(true);
    try {
      const result = await vault.exportFile(address, {
        format,
        ...(plaintext ? {} : { password }),
      });
      if (!result.ok) {
        setFailure("Choose an export password first.");
        return;
      }
      const { bytes, items, encrypted } = result.value;
      const href = URL.createObjectURL(
        new Blob([bytes as Uint8Array<ArrayBuffer>], {
          type: chosen?.type ?? "application/octet-stream",
        }),
      );
      const name = `keypears-export-${new Date().toISOString().slice(0, 10)}.${chosen?.extension ?? "txt"}`;
      const text = encrypted
        ? `Exported ${items} items, encrypted, with their history. Keep the export password: without it the file cannot be opened.`
        : `Exported ${items} items UNENCRYPTED: anyone with the file can read every password. Delete it once it is imported elsewhere.`;
      setDone({ href, name, text });
      const link = document.createElement("a");
      link.href = href;
      link.download = name;
      link.click();
      setPassword("");
      setConfirmation("");
    } catch (error) {
      setFailure(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void exportNow();
        }}
      >
        <fieldset>
          <legend>Format</legend>
          {FORMATS.map((f) => (
            <label class="inline" key={f.format}>
              <input
                type="radio"
                name="export-format"
                value={f.format}
                checked={format === f.format}
                onChange={() => (setFormat(f.format), setFailure(null), setUnderstood(false))}
              />
              {f.label}
            </label>
          ))}
        </fieldset>
        {plaintext ? (
          <div class="warning">
            <p>
              <strong>This file is not encrypted.</strong> Every password in it can be read by
              anyone who gets the file: a synced folder, a backup, a shared computer. Import it into
              the other manager at once, then delete it.
            </p>
            <label class="inline">
              <input
                type="checkbox"
                checked={understood}
                onChange={(e) => setUnderstood(e.currentTarget.checked)}
              />
              I understand the file is unencrypted
            </label>
          </div>
        ) : (
          <>
            <p class="hint">
              The file is encrypted with a password of its own (not your master password): you need
              it to import the file again.
            </p>
            <label>
              Export password
              <input
                type="password"
                autocomplete="new-password"
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </label>
            <label>
              Confirm export password
              <input
                type="password"
                autocomplete="new-password"
                value={confirmation}
                onInput={(e) => setConfirmation(e.currentTarget.value)}
              />
            </label>
          </>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Exporting…" : "Export"}
        </button>
      </form>
      {failure !== null && (
        <p role="alert" class="error">
          {failure}
        </p>
      )}
      {done !== null && (
        <p role="status">
          {done.text}{" "}
          <a href={done.href} download={done.name}>
            Download again
          </a>
        </p>
      )}
    </section>
  );
};
