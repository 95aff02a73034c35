/** `keypears health`: the password health report (weak, reused, old, exposed, http:, no TOTP), and dismissing a finding. */

import { systemRandomBytes } from "@keypears/base";
import {
  DEFAULT_EXPOSED_SOURCE,
  DEFAULT_MAX_AGE_DAYS,
  DISMISSED_FIELD,
  dismissalKeyFor,
  FINDING_KINDS,
  type Finding,
  type FindingKind,
  type HealthReport,
  healthSource,
  openSealedStrengthCache,
  isFindingKind,
  needsAttention,
  parseExposedSource,
  REASON_TEXT,
  runHealthCheck,
  withDismissal,
  withoutDismissals,
} from "@keypears/health";
import type { Vault } from "@keypears/vault";
import { CliError, usageError, vaultFailure } from "../cli-error.ts";
import { defineCommand } from "../command.ts";
import { isoTime, localTime, plural, shellWord } from "../format.ts";
import type { Output } from "../output.ts";
import { shortIds } from "../short-ids.ts";
import { warnAboutProblems, withVault } from "../session.ts";

const KINDS = FINDING_KINDS.join(", ");

export const command = defineCommand({
  usage:
    "health [--check-exposed [--exposed-source <url>]] [--max-age <days>] [--show-passwords]\n       keypears health --dismiss <kind> <id|title>  |  --undismiss <kind> <id|title>",
  description: `
Checks every live item on this device and lists what to fix first: passwords found in breaches
(exposed), shared by several items (reused), easy to guess (weak, estimated with zxcvbn), unchanged
for longer than --max-age days (old, default ${DEFAULT_MAX_AGE_DAYS}, from each password's own history),
logins on http: addresses (insecure-url), and, as a hint, logins without a one-time code
(missing-2fa). Passwords are never printed unless --show-passwords is given.

The exposed check is off unless --check-exposed is given. It asks a range API (Have I Been Pwned
by default; --exposed-source or KEYPEARS_EXPOSED_SOURCE names a mirror) with k-anonymity: only the
first 5 hex digits of each password's SHA-1 leave this device, and the comparison is made here.

A finding you mean to keep (a shared family password) is dismissed per item with
--dismiss <kind> <item>: it is stored, encrypted and synced, in the item, and lasts until the
password (for insecure-url, the URLs) changes; a missing-2fa hint stays dismissed.
--undismiss <kind> <item> brings a finding back.

Exit code: 0 when nothing needs attention, 1 when a finding other than a hint is open or the
exposed check could not run (so a script can use it). Kinds: ${KINDS}.`,
  options: {
    "check-exposed": {
      type: "boolean",
      description: "also look passwords up in breaches (sends 5-digit SHA-1 prefixes)",
    },
    "exposed-source": {
      type: "string",
      valueName: "url",
      description: `the range API for --check-exposed (default ${DEFAULT_EXPOSED_SOURCE})`,
    },
    "max-age": {
      type: "string",
      valueName: "days",
      description: `a password unchanged for longer is old (default ${DEFAULT_MAX_AGE_DAYS})`,
    },
    "show-passwords": { type: "boolean", description: "print each finding's password" },
    dismiss: {
      type: "string",
      valueName: "kind",
      description: "keep a finding of this kind on the item given",
    },
    undismiss: {
      type: "string",
      valueName: "kind",
      description: "report a dismissed finding of this item again",
    },
  },
  positionals: { min: 0, max: 1 },
  examples: [
    "keypears health",
    "keypears health --check-exposed",
    "keypears health --json | jq '.findings[] | select(.kind == \"reused\") | .title'",
    "keypears health --dismiss reused 'Family Netflix'",
  ],
  run: async (ctx) => {
    const values = ctx.values;
    const dismissing = values.dismiss ?? values.undismiss;
    if (values.dismiss !== undefined && values.undismiss !== undefined)
      throw usageError("give --dismiss or --undismiss, not both", "health");
    if (dismissing !== undefined) {
      if (!isFindingKind(dismissing))
        throw usageError(`a finding kind is one of ${KINDS}`, "health");
      const ref = ctx.positionals[0];
      if (ref === undefined) throw usageError("name the item after the kind", "health");
      return withVault(ctx, (vault) =>
        values.dismiss !== undefined
          ? dismiss(ctx.out, vault, ref, dismissing)
          : undismiss(ctx.out, vault, ref, dismissing),
      );
    }
    if (ctx.positionals.length > 0)
      throw usageError(`unexpected argument "${ctx.positionals[0] ?? ""}"`, "health");

    const maxAgeDays = values["max-age"] === undefined ? undefined : Number(values["max-age"]);
    if (maxAgeDays !== undefined && !(Number.isInteger(maxAgeDays) && maxAgeDays > 0))
      throw usageError("--max-age takes a whole number of days above 0", "health");
    const source = values["exposed-source"] ?? ctx.io.env["KEYPEARS_EXPOSED_SOURCE"];
    if (values["exposed-source"] !== undefined && values["check-exposed"] !== true)
      throw usageError("--exposed-source is for --check-exposed", "health");
    if (source !== undefined && source !== "" && parseExposedSource(source) === undefined)
      throw usageError("the exposed source must be an http(s) URL", "health");
    const exposed =
      values["check-exposed"] === true
        ? source === undefined || source === ""
          ? {}
          : { source }
        : undefined;

    return withVault(ctx, async (vault) => {
      warnAboutProblems(ctx, vault);
      // Verdicts of earlier reports, sealed in the vault: only passwords written since are estimated.
      const verdicts = openSealedStrengthCache(vault.sync);
      const report = await runHealthCheck({
        ...healthSource(vault),
        now: Date.now(),
        randomBytes: systemRandomBytes,
        ...(maxAgeDays === undefined ? {} : { maxAgeDays }),
        ...(exposed === undefined ? {} : { exposed }),
        revealPasswords: values["show-passwords"] === true,
        strengthCache: verdicts.cache,
      });
      verdicts.save();
      if (report.exposedCheck.state === "failed")
        ctx.out.warn(
          `the exposed check could not run: ${report.exposedCheck.reason} (${report.exposedCheck.source})`,
        );
      if (ctx.json) ctx.out.data(reportJson(vault, report));
      else printReport(ctx.out, vault, report);
      return needsAttention(report) ? 1 : 0;
    });
  },
});

const dismiss = (out: Output, vault: Vault, ref: string, kind: FindingKind): void => {
  const found = vault.get(ref);
  if (!found.ok) throw vaultFailure(found.error);
  const item = found.value;
  const key = dismissalKeyFor(item, kind);
  if (key === undefined)
    throw new CliError(`"${item.title}" has nothing a ${kind} finding could be about`);
  const current = item.fields.find((f) => f.name === DISMISSED_FIELD)?.value;
  const next = withDismissal(current, key);
  if (next !== undefined) {
    const edited = vault.edit(item.id, { [DISMISSED_FIELD]: next });
    if (!edited.ok) throw vaultFailure(edited.error);
  }
  const lasts =
    kind === "missing-2fa"
      ? "until you undo it"
      : `until its ${kind === "insecure-url" ? "URLs change" : "password changes"}`;
  if (out.json) out.data({ id: item.id, title: item.title, dismissed: kind, key });
  else
    out.line(
      `Dismissed the ${kind} finding of "${item.title}" ${lasts}; \`keypears health --undismiss ${kind} ${shellWord(item.title)}\` brings it back.`,
    );
};

const undismiss = (out: Output, vault: Vault, ref: string, kind: FindingKind): void => {
  const found = vault.get(ref);
  if (!found.ok) throw vaultFailure(found.error);
  const item = found.value;
  const next = withoutDismissals(item.fields.find((f) => f.name === DISMISSED_FIELD)?.value, kind);
  if (next === undefined) throw new CliError(`"${item.title}" has no dismissed ${kind} finding`);
  const edited = vault.edit(item.id, { [DISMISSED_FIELD]: next });
  if (!edited.ok) throw vaultFailure(edited.error);
  if (out.json) out.data({ id: item.id, title: item.title, undismissed: kind });
  else out.line(`The ${kind} finding of "${item.title}" is reported again.`);
};

const findingJson = (finding: Finding) =>
  finding.kind === "old" ? { ...finding, since: isoTime(finding.since) } : finding;

const reportJson = (vault: Vault, report: HealthReport) => ({
  account: vault.address,
  checkedAt: isoTime(report.checkedAt),
  items: report.items,
  passwords: report.passwords,
  maxAgeDays: report.maxAgeDays,
  exposedCheck: report.exposedCheck,
  counts: report.counts,
  needsAttention: needsAttention(report),
  findings: report.findings.map(findingJson),
  dismissed: report.dismissed.map(findingJson),
});

const printReport = (out: Output, vault: Vault, report: HealthReport): void => {
  const { style } = out;
  out.line(
    style.bold(
      `Password health of ${vault.address}: ${plural(report.items, "item")}, ${report.passwords} with a password (${localTime(report.checkedAt)})`,
    ),
  );
  out.line();
  if (report.findings.length === 0) out.line(style.green("Nothing to fix."));
  else {
    const shortId = shortIds(vault);
    const reveal = report.findings.some((f) => f.password !== undefined);
    out.table(
      ["ID", "ITEM", "SEVERITY", "FINDING", "DETAILS", ...(reveal ? ["PASSWORD"] : [])],
      report.findings.map((f) => [
        shortId(f.itemId),
        f.title,
        paintSeverity(out, f.severity),
        f.kind,
        details(f),
        ...(reveal ? [f.password ?? ""] : []),
      ]),
    );
  }
  out.line();
  const counted = FINDING_KINDS.filter((kind) => report.counts[kind] > 0).map(
    (kind) => `${report.counts[kind]} ${kind}`,
  );
  out.line(
    `${plural(report.findings.length, "finding")}${counted.length > 0 ? ` (${counted.join(", ")})` : ""}${report.dismissed.length > 0 ? `; ${report.dismissed.length} dismissed, listed with --json` : ""}.`,
  );
  out.line(exposedLine(report));
  if (report.findings.length > 0) {
    out.line();
    out.line("What to do:");
    const seen = new Set<FindingKind>();
    for (const finding of report.findings) {
      if (seen.has(finding.kind)) continue;
      seen.add(finding.kind);
      out.line(`  ${finding.kind.padEnd(12)}  ${finding.action}`);
    }
    if ([...seen].some((kind) => ["exposed", "reused", "weak", "old"].includes(kind)))
      out.line("  A new password: `keypears edit <id|title> --generate`, then set it on the site.");
    out.line("  To keep a finding: `keypears health --dismiss <kind> <id|title>`.");
  }
};

const paintSeverity = (out: Output, severity: Finding["severity"]): string =>
  severity === "critical" || severity === "high"
    ? out.style.red(severity)
    : severity === "medium"
      ? out.style.yellow(severity)
      : out.style.dim(severity);

const details = (finding: Finding): string => {
  switch (finding.kind) {
    case "exposed":
      return `seen ${finding.timesSeen.toLocaleString("en")} times in breaches`;
    case "reused":
      return `same as ${finding.others.map((o) => o.title).join(", ")}`;
    case "weak":
      return `guessed in ${finding.crackTime}${finding.reasons.length > 0 ? `: ${finding.reasons.map((r) => REASON_TEXT[r]).join(", ")}` : ""}`;
    case "old":
      return `unchanged for ${finding.ageDays} days`;
    case "insecure-url":
      return finding.urls.join(" ");
    case "missing-2fa":
      return "no one-time code (TOTP) stored";
  }
};

const exposedLine = (report: HealthReport): string => {
  const check = report.exposedCheck;
  switch (check.state) {
    case "off":
      return "Exposed passwords: not checked (off unless --check-exposed; it sends only 5-digit SHA-1 prefixes).";
    case "done":
      return `Exposed passwords: checked against ${check.source} (${plural(check.requests, "prefix", "prefixes")} sent).`;
    case "failed":
      return `Exposed passwords: the check could not run (${check.reason}).`;
  }
};
