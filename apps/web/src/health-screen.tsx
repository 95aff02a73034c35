/**
 * Password health: which passwords to change first (exposed, reused, weak, old, logins on http:,
 * logins without a second factor), made on this device by the vault worker and made again after
 * every change to the vault. Passwords show only when asked; the exposed-password check is off
 * until turned on, with its source a setting kept in this browser: by default this server's range
 * relay (`/api/v1/relay/exposed-range/`, which asks the range API its operator configured, Have I
 * Been Pwned's by default), since the app's `connect-src 'self'` blocks any other origin. A
 * finding can be dismissed on its item, and brought back.
 */

import { useEffect, useState } from "preact/hooks";
import type { Finding, FindingKind, HealthReport } from "@keypears/vault-browser";
import { describeFailure } from "./errors.ts";
import type { ToolProps } from "./tools.tsx";

export const KIND_LABELS: Readonly<Record<FindingKind, string>> = {
  exposed: "Exposed in a breach",
  reused: "Reused",
  weak: "Weak",
  old: "Old",
  "insecure-url": "Insecure site (http:)",
  "missing-2fa": "No two-factor code",
};

/** This server's relay of the range API (same origin: the only kind the CSP lets the app reach). */
const DEFAULT_SOURCE = "/api/v1/relay/exposed-range/";
/** The default before the relay: under the CSP it cannot run, so a browser that kept it moves on. */
const FORMER_DEFAULT = "https://api.pwnedpasswords.com/range/";
const SOURCE_KEY = "keypears.health.exposedSource";
const EXPOSED_KEY = "keypears.health.exposedCheck";

/** A path on this server, made absolute; anything else as typed (the check refuses what is not http(s)). */
const sourceUrl = (source: string): string => {
  const typed = source.trim();
  if (!typed.startsWith("/") || typed.startsWith("//")) return typed;
  try {
    return new URL(typed, location.origin).toString();
  } catch {
    return typed;
  }
};

/** A setting kept in this browser (never a secret): the exposed check's switch and source. */
const stored = (key: string, fallback: string): string => {
  try {
    return localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
};
const store = (key: string, value: string): void => {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage refused (private mode): the setting lasts for this page only.
  }
};

export const HealthScreen = ({ vault, address, onOpenItem }: ToolProps) => {
  const [reveal, setReveal] = useState(false);
  const [exposed, setExposed] = useState(stored(EXPOSED_KEY, "off") === "on");
  const [source, setSource] = useState(() => {
    const kept = stored(SOURCE_KEY, DEFAULT_SOURCE);
    return kept === FORMER_DEFAULT ? DEFAULT_SOURCE : kept;
  });
  const [maxAgeDays, setMaxAgeDays] = useState(365);
  const [report, setReport] = useState<HealthReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [changes, setChanges] = useState(0);
  const [runs, setRuns] = useState(0);

  // Made again after every change to the vault (a fix clears its finding at once).
  useEffect(
    () => vault.watchChanges(address, { kind: "list", filter: {} }, () => setChanges((n) => n + 1)),
    [address],
  );
  useEffect(() => {
    let current = true;
    setBusy(true);
    vault
      .healthReport(address, {
        maxAgeDays,
        ...(exposed ? { exposedSource: sourceUrl(source) } : {}),
        ...(reveal ? { revealPasswords: true } : {}),
      })
      .then(
        (made) => {
          if (!current) return;
          setReport(made);
          setFailure(null);
        },
        (error: unknown) => current && setFailure(describeFailure(error)),
      )
      .finally(() => current && setBusy(false));
    return () => {
      current = false;
    };
  }, [address, reveal, changes, runs]);

  const dismiss = async (finding: Finding, dismissed: boolean): Promise<void> => {
    const done = await vault.setFindingDismissed(
      address,
      finding.itemId,
      finding.dismissKey,
      dismissed,
    );
    if (!done.ok) setFailure(describeFailure(done.error));
  };

  return (
    <section aria-labelledby="health-title">
      <h2 id="health-title">Password health</h2>
      <form
        class="health-settings"
        onSubmit={(e) => {
          e.preventDefault();
          store(EXPOSED_KEY, exposed ? "on" : "off");
          store(SOURCE_KEY, source);
          setRuns((n) => n + 1);
        }}
      >
        <label class="inline">
          <input
            type="checkbox"
            checked={reveal}
            onChange={(e) => setReveal(e.currentTarget.checked)}
          />
          Show passwords
        </label>
        <label>
          Old after (days)
          <input
            type="number"
            min={1}
            value={maxAgeDays}
            onInput={(e) => {
              const days = Number(e.currentTarget.value);
              if (Number.isFinite(days) && days > 0) setMaxAgeDays(days);
            }}
          />
        </label>
        <label class="inline">
          <input
            type="checkbox"
            checked={exposed}
            onChange={(e) => setExposed(e.currentTarget.checked)}
          />
          Check for exposed passwords
        </label>
        {exposed && (
          <label>
            Range API address
            <input
              type="text"
              inputMode="url"
              value={source}
              onInput={(e) => setSource(e.currentTarget.value)}
            />
            <span class="hint">
              Only the first 5 characters of each password's SHA-1 hash are sent (k-anonymity); the
              comparison happens here. By default this server asks its range source for you; only an
              address on this server works here (the app may not reach other sites), so point the
              server at a mirror rather than this field at another site.
            </span>
          </label>
        )}
        <button type="submit" disabled={busy}>
          Check again
        </button>
      </form>
      {failure !== null && (
        <p role="alert" class="error">
          {failure}
        </p>
      )}
      {report === null ? (
        <p role="status">Checking your passwords…</p>
      ) : (
        <Report
          report={report}
          busy={busy}
          onOpenItem={onOpenItem}
          onDismiss={(finding, dismissed) => void dismiss(finding, dismissed)}
        />
      )}
    </section>
  );
};

const Report = ({
  report,
  busy,
  onOpenItem,
  onDismiss,
}: {
  readonly report: HealthReport;
  readonly busy: boolean;
  readonly onOpenItem: (id: string) => void;
  readonly onDismiss: (finding: Finding, dismissed: boolean) => void;
}) => {
  const problems = report.findings.filter((f) => f.severity !== "hint").length;
  const check = report.exposedCheck;
  return (
    <>
      <section aria-label="Summary" class="health-summary">
        <p role="status" aria-busy={busy}>
          {problems === 0
            ? `Nothing to change among ${report.passwords} passwords.`
            : `${problems} ${problems === 1 ? "finding needs" : "findings need"} attention among ${report.passwords} passwords.`}
        </p>
        <dl class="counts">
          {(Object.keys(KIND_LABELS) as FindingKind[]).map((kind) => (
            <div key={kind}>
              <dt>{KIND_LABELS[kind]}</dt>
              <dd>{report.counts[kind]}</dd>
            </div>
          ))}
        </dl>
        <p class="hint">
          {check.state === "off"
            ? "The exposed-password check is off."
            : check.state === "done"
              ? `Checked for exposed passwords against ${check.source}.`
              : `The exposed-password check could not run (${check.reason}): exposed passwords are not shown.`}
        </p>
      </section>
      <ul aria-label="Findings" class="findings">
        {report.findings.map((finding) => (
          <FindingRow
            key={`${finding.itemId}/${finding.dismissKey}`}
            finding={finding}
            onOpenItem={onOpenItem}
            action={{ label: "Dismiss", run: () => onDismiss(finding, true) }}
          />
        ))}
      </ul>
      {report.dismissed.length > 0 && (
        <section aria-labelledby="dismissed-title">
          <h3 id="dismissed-title">Dismissed ({report.dismissed.length})</h3>
          <ul aria-label="Dismissed findings" class="findings">
            {report.dismissed.map((finding) => (
              <FindingRow
                key={`${finding.itemId}/${finding.dismissKey}`}
                finding={finding}
                onOpenItem={onOpenItem}
                action={{ label: "Bring back", run: () => onDismiss(finding, false) }}
              />
            ))}
          </ul>
        </section>
      )}
    </>
  );
};

const FindingRow = ({
  finding,
  onOpenItem,
  action,
}: {
  readonly finding: Finding;
  readonly onOpenItem: (id: string) => void;
  readonly action: { readonly label: string; readonly run: () => void };
}) => (
  <li class={`finding ${finding.severity}`}>
    <p>
      <strong>{KIND_LABELS[finding.kind]}</strong> ({finding.severity}):{" "}
      <button type="button" class="link" onClick={() => onOpenItem(finding.itemId)}>
        {finding.title}
      </button>
    </p>
    <p>{finding.message}</p>
    <p class="hint">{finding.action}</p>
    {finding.password !== undefined && (
      <p>
        Password: <code class="value">{finding.password}</code>
      </p>
    )}
    <button
      type="button"
      onClick={action.run}
      aria-label={`${action.label}: ${KIND_LABELS[finding.kind]}, ${finding.title}`}
    >
      {action.label}
    </button>
  </li>
);
