/**
 * Password health: the report (`runHealthCheck`) on a vault of 10,000 items, without the exposed
 * check, split into its parts: the strength estimates (zxcvbn, once per distinct password) and
 * everything else (keyed hashes, reuse groups, history reads for recent passwords, URLs, sorting).
 */

import { systemRandomBytes } from "@keypears/base";
import {
  createStrengthCache,
  createStrengthEstimator,
  healthSource,
  openSealedStrengthCache,
  runHealthCheck,
  type Strength,
  type StrengthEstimator,
} from "@keypears/health";
import { unlockVault } from "@keypears/vault";
import { createTestAccount } from "@keypears/vault/testing";
import { cheapDeps } from "@keypears/vault/testing";
import type { Benchmark } from "../lib/benchmark.ts";
import { packageVersion } from "../lib/package-version.ts";
import { createPrng } from "../lib/prng.ts";
import { runBudgetedRounds } from "../lib/rounds.ts";
import { summarize } from "../lib/stats.ts";
import { quantity, type Table, timedStepRow } from "../lib/table.ts";
import type { Target } from "../lib/targets.ts";
import { withTempDir } from "../lib/temp-dir.ts";

const FULL = 10_000;
const ADDRESS = "health@localhost";
const PASSWORD = "bench password for health";
const SMOKE = 50;
const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 1);
/** The generator's default alphabet: letters, digits and symbols. */
const ALPHABET =
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_{|}~";
const HUMAN = [
  "sunshine",
  "dragon",
  "monkey",
  "football",
  "letmein",
  "princess",
  "Summer",
  "welcome",
];

/** Never weak: what "everything else" costs without zxcvbn. */
const noEstimate: StrengthEstimator = {
  estimate: (): Strength => ({
    score: 4,
    guessesLog10: 20,
    crackSeconds: 1e16,
    crackTime: "centuries",
    reasons: [],
    warning: null,
    suggestions: [],
  }),
};

export const healthBenchmark: Benchmark = {
  name: "health",
  summary: "the password health report on 10,000 items, without the exposed check",
  run: async ({ smoke, runs, log }) =>
    withTempDir("health", async (dir) => {
      const count = smoke ? SMOKE : FULL;
      let clock = NOW - 730 * DAY;
      const { vault } = await createTestAccount(dir, ADDRESS, {
        password: PASSWORD,
        deps: cheapDeps({ now: () => clock }),
      });
      try {
        const prng = createPrng(22);
        const shared: string[] = [];
        let distinct = 0;
        log(`  writing ${count} items`);
        vault.transact(() => {
          for (let i = 0; i < count; i++) {
            // Written over two years, oldest first: about half are over a year old.
            clock = NOW - 730 * DAY + Math.floor((i / count) * 729 * DAY);
            const roll = prng.below(100);
            let password: string;
            if (roll < 5) {
              password = `${HUMAN[prng.below(HUMAN.length)]}${prng.below(100)}`;
            } else if (roll < 15 && shared.length > 0) {
              password = shared[prng.below(shared.length)] as string;
            } else {
              password = prng.text(20, ALPHABET);
              if (roll < 15) shared.push(password);
              distinct++;
            }
            const added = vault.add({
              fields: {
                title: `Site ${i}`,
                username: `user${i}@example.com`,
                password,
                urls: [`${roll % 20 === 7 ? "http" : "https"}://site${i}.example/login`],
                ...(prng.below(10) < 3 ? { totp: "JBSWY3DPEHPK3PXP" } : {}),
              },
            });
            if (!added.ok) throw new Error(added.error.kind);
            if (prng.below(10) === 0) {
              clock += 300 * DAY;
              const edited = vault.edit(added.value.id, { password: prng.text(20, ALPHABET) });
              if (!edited.ok) throw new Error(edited.error.kind);
            }
          }
        });
        const source = healthSource(vault);
        const built = performance.now();
        const estimator = createStrengthEstimator();
        const buildMs = performance.now() - built;
        // Warm the estimator's code paths as a web app's meter would have.
        for (let i = 0; i < 100; i++) estimator.estimate(prng.text(20, ALPHABET));
        const passwords = source.items.flatMap((item) => {
          const value = item.fields.find((f) => f.name === "password")?.value;
          return typeof value === "string" ? [value] : [];
        });
        const unique = [...new Set(passwords)];
        const timesUsed = new Map<string, number>();
        for (const password of passwords)
          timesUsed.set(password, (timesUsed.get(password) ?? 0) + 1);
        const largestGroup = Math.max(0, ...timesUsed.values());
        let findings = 0;
        // The web app keeps verdicts by password write across reports: primed by one report
        // (untimed), later ones estimate only what changed (here: nothing).
        const cache = createStrengthCache();
        await runHealthCheck({
          ...source,
          now: NOW,
          randomBytes: systemRandomBytes,
          estimator,
          strengthCache: cache,
        });
        // A new session (`keypears health`, a reopened web app): the vault unlocked again (its
        // Argon2id at test cost), every item opened, the verdicts read from the vault, the report,
        // the verdicts saved back. Primed once, untimed, as an earlier report would have.
        const newSession = async (): Promise<number> => {
          const started = performance.now();
          const unlocked = await unlockVault({
            home: dir,
            address: ADDRESS,
            password: PASSWORD,
            deps: cheapDeps(),
          });
          if (!unlocked.ok) throw new Error(unlocked.error.kind);
          const session = unlocked.value;
          try {
            const verdicts = openSealedStrengthCache(session.sync);
            const result = await runHealthCheck({
              ...healthSource(session),
              now: NOW,
              randomBytes: systemRandomBytes,
              strengthCache: verdicts.cache,
            });
            verdicts.save();
            findings = Math.max(findings, result.findings.length);
          } finally {
            session.lock();
          }
          return performance.now() - started;
        };
        await newSession();
        const report =
          (withEstimator: StrengthEstimator, cached = false) =>
          async () => {
            const started = performance.now();
            const result = await runHealthCheck({
              ...source,
              now: NOW,
              randomBytes: systemRandomBytes,
              estimator: withEstimator,
              ...(cached ? { strengthCache: cache } : {}),
            });
            const ms = performance.now() - started;
            findings = Math.max(findings, result.findings.length);
            return ms;
          };
        // A full report estimates every distinct password: one run can take a minute on a busy
        // machine, so it gets a time budget (at least one run) instead of a fixed count.
        // The first report's floor: zxcvbn alone on every distinct password, on this one core.
        const zxcvbnAlone = async (): Promise<number> => {
          const started = performance.now();
          for (const password of unique) estimator.estimate(password);
          return performance.now() - started;
        };
        const samples = await runBudgetedRounds(
          [
            { key: "report", runOnce: report(estimator), minRuns: 1, budgetMs: 20_000 },
            { key: "zxcvbn-alone", runOnce: zxcvbnAlone, minRuns: 1, budgetMs: 15_000 },
            {
              key: "cached",
              runOnce: report(estimator, true),
              minRuns: 3,
              budgetMs: 10_000,
            },
            { key: "new-session", runOnce: newSession, minRuns: 3, budgetMs: 15_000 },
            {
              key: "without-strength",
              runOnce: report(noEstimate),
              minRuns: 3,
              budgetMs: 10_000,
            },
          ],
          { runs, log },
        );
        const reportTime = summarize(samples.get("report") ?? []);
        const restTime = summarize(samples.get("without-strength") ?? []);
        const cachedTime = summarize(samples.get("cached") ?? []);
        const sessionTime = summarize(samples.get("new-session") ?? []);
        const aloneTime = summarize(samples.get("zxcvbn-alone") ?? []);
        const strengthMs = Math.max(0, reportTime.median - restTime.median);
        const perPassword = strengthMs / Math.max(1, unique.length);
        const row = (key: string, label: string) => timedStepRow(samples, reportTime, key, label);
        const table: Table = {
          columns: [
            { header: "Part", align: "left" },
            { header: "Time, ms (median, min–max)", align: "right" },
            { header: "Share of the report", align: "right" },
            { header: "Runs", align: "right" },
          ],
          rows: [
            row("report", `The report on ${count.toLocaleString("en")} items (\`runHealthCheck\`)`),
            row(
              "cached",
              "The report made again, strength verdicts cached by password write (as the web app does)",
            ),
            row(
              "new-session",
              "A new session's report: vault unlocked, items opened, verdicts read from the vault (sealed), report, verdicts saved",
            ),
            row("without-strength", "The report with strength estimates skipped"),
            row(
              "zxcvbn-alone",
              `Limit: zxcvbn alone on the ${unique.length.toLocaleString("en")} distinct passwords, on one core (no report)`,
            ),
          ],
          notes: [
            `Workload: ${count.toLocaleString("en")} logins written through the vault with a clock spread over two years (about half older than the one-year limit), 10% with a later password change; 80% random 20-character passwords from the generator's alphabet (${distinct.toLocaleString("en")} distinct), 10% sharing one password (the largest group: ${largestGroup.toLocaleString("en")} items), 5% human-made weak ones; 5% on http:, 30% with TOTP. The largest report had ${findings.toLocaleString("en")} findings.`,
            "The items are listed once (`vault.list()`, opening every sealed view) before timing, as an app that shows the vault has them; the history reader opens the password history only of items created before the age limit whose password was written within it (`vault.oldestWrites()`: an item created within the limit cannot hold an old password).",
            `The strength estimator (@zxcvbn-ts/core ${packageVersion("@zxcvbn-ts/core")}, common and English dictionaries) is built once outside the runs: ${buildMs.toFixed(0)} ms.`,
            `The strength estimates are the difference of the two rows: zxcvbn once per distinct password (${unique.length.toLocaleString("en")} of them), ${perPassword.toFixed(2)} ms each.`,
            "The new session's row unlocks the vault with Argon2id at test cost (64 KiB), not the 64 MiB a person's unlock costs (see the unlock benchmark), and opens every item's sealed view, as `keypears health` does in its own process.",
            "The rows are interleaved run by run, each within a time budget (the report and the limit at least once, the rest at least three times), without a warm-up round: the estimator is warmed on 100 passwords first.",
          ],
        };
        const targets: Target[] = smoke
          ? []
          : [
              {
                label:
                  "Health report on 10,000 items, first in a session (every password estimated)",
                goal: "< 1 s without the exposed check",
                measured: quantity(reportTime.median, "ms"),
                reference: 1000,
                better: "lower",
              },
              {
                label:
                  "Health report on 10,000 items in a new session (verdicts sealed in the vault, items opened)",
                goal: "< 1 s without the exposed check",
                measured: quantity(sessionTime.median, "ms"),
                reference: 1000,
                better: "lower",
              },
              {
                label: "Health report on 10,000 items, made again (verdicts cached by write)",
                goal: "< 1 s without the exposed check",
                measured: quantity(cachedTime.median, "ms"),
                reference: 1000,
                better: "lower",
              },
            ];
        return {
          title: "Password health",
          description: `The on-device health report (weak, reused, old, http:, no TOTP) over a vault of ${count.toLocaleString("en")} items, split into the strength estimates and the rest.`,
          tables: [table],
          targets,
          diagnosis: [
            `zxcvbn is ${((strengthMs / reportTime.median) * 100).toFixed(0)}% of the report: ${perPassword.toFixed(2)} ms per distinct password, mostly its matchers (every substring of the password, again reversed and for its one l33t variant; zxcvbn-ts's default of 100 l33t variants made a random 20-character password cost hundreds of milliseconds). Its dictionary matcher is filtered by one set of every dictionary word before its twenty-odd per-dictionary lookups (\`fast-dictionary-match.ts\`, same results), which took about 2.8 times off the CPU of an estimate. The rest of the report takes ${restTime.median.toFixed(0)} ms: the keyed hash of every password (HMAC-SHA256, Node's native one in Node, noble's in browsers), the reuse groups (the group of ${largestGroup.toLocaleString("en")} items once took most of it, each finding filtering and joining the others again: now built in linear time, \`reused-findings.ts\`), the age check (the history is read only for items created before the age limit, \`vault.oldestWrites()\`: before, every item written within the limit had its history, and in a new session its sealed merge state, opened), the http: and TOTP checks, and the sort.`,
            `The first report in a session is bounded by zxcvbn itself: alone, on the ${unique.length.toLocaleString("en")} distinct passwords on one core, it took ${aloneTime.median.toFixed(0)} ms (${(aloneTime.median / Math.max(1, unique.length)).toFixed(2)} ms each), ${(aloneTime.median / 1000).toFixed(1)} times the 1 s goal. Estimating on both cores of this machine would at best halve that, so with zxcvbn's verdicts unchanged the goal is beyond this machine: it would need a faster estimator giving the same verdicts (the trie matcher below) or about ${Math.ceil(aloneTime.median / 1000)} such cores. The verdicts are kept by password write, sealed in the vault, so this report is paid once per vault and zxcvbn-ts version.`,
            `Made again with the verdicts cached by password write (\`strength-cache.ts\`, what the web app's vault worker keeps per unlocked account, and fills in the background when the vault opens, for the count on its home), the report took ${cachedTime.median.toFixed(0)} ms: only passwords written since the last report are estimated. A new session (\`keypears health\`, a reopened app) reads the verdicts kept sealed in the vault (\`sealed-strength-cache.ts\`: one device-local record, never synced) and took ${sessionTime.median.toFixed(0)} ms with unlocking and opening every item; only the very first report of a vault, or one after an upgrade of zxcvbn-ts, estimates every distinct password. What would make that one fast too: a matcher that walks a trie of every dictionary once per start position instead of slicing and looking up every substring.`,
          ],
        };
      } finally {
        vault.lock();
      }
    }),
};
