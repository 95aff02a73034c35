/**
 * The password health report in the owning worker (`@keypears/health`, loaded on first use with
 * its zxcvbn dictionaries, so neither the page's first load nor the worker's start pays for them).
 * The worker keeps one strength estimator and, per account, the strength verdicts by password
 * write (`strength-cache.ts`), so showing the report again estimates only passwords written since.
 * Passwords leave the worker only when the person asks to see them.
 */

import type { RandomBytes } from "@keypears/base";
import type { Result } from "@keypears/base";
import type { HealthReport, StrengthCache, StrengthEstimator } from "@keypears/health";
import type { Item, Vault, VaultError } from "@keypears/vault/core";

export type { Finding, FindingKind, HealthReport, Severity } from "@keypears/health";

export interface HealthRequest {
  /** A password unchanged for longer is old (default 365). */
  readonly maxAgeDays?: number;
  /** The exposed-password check runs only with a source (a range API's base URL): off by default. */
  readonly exposedSource?: string;
  /** Puts the passwords into the findings about them (the person asked to see them). */
  readonly revealPasswords?: boolean;
}

export interface HealthService {
  readonly report: (vault: Vault, request: HealthRequest) => Promise<HealthReport>;
  /** Dismisses (or, with `dismissed: false`, brings back) one finding of one item. */
  readonly setDismissed: (
    vault: Vault,
    itemId: string,
    dismissKey: string,
    dismissed: boolean,
  ) => Promise<Result<Item, VaultError>>;
  /** Forgets an account's verdicts (it was locked). */
  readonly forget: (address: string) => void;
}

export const createHealthService = (deps: {
  readonly now: () => number;
  readonly randomBytes: RandomBytes;
}): HealthService => {
  let estimator: StrengthEstimator | undefined;
  const caches = new Map<string, StrengthCache>();
  let queue: Promise<void> = Promise.resolve();
  const makeReport = async (vault: Vault, request: HealthRequest): Promise<HealthReport> => {
    const health = await import("@keypears/health");
    estimator ??= health.createStrengthEstimator();
    let cache = caches.get(vault.address);
    if (cache === undefined) caches.set(vault.address, (cache = health.createStrengthCache()));
    return health.runHealthCheck({
      ...health.healthSource(vault),
      now: deps.now(),
      randomBytes: deps.randomBytes,
      estimator,
      strengthCache: cache,
      ...(request.maxAgeDays === undefined ? {} : { maxAgeDays: request.maxAgeDays }),
      ...(request.exposedSource === undefined
        ? {}
        : { exposed: { source: request.exposedSource } }),
      ...(request.revealPasswords === true ? { revealPasswords: true } : {}),
    });
  };
  return {
    // One report at a time: a second one waits and then finds the first one's verdicts cached.
    report: (vault, request) => {
      const run = queue.then(() => makeReport(vault, request));
      queue = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
    setDismissed: async (vault, itemId, dismissKey, dismissed) => {
      const health = await import("@keypears/health");
      const item = vault.get(itemId);
      if (!item.ok) return item;
      const current = item.value.fields.find((f) => f.name === health.DISMISSED_FIELD)?.value;
      const entries = health.readDismissals(current);
      const next = dismissed
        ? health.withDismissal(current, dismissKey)
        : entries.includes(dismissKey)
          ? entries.filter((entry) => entry !== dismissKey)
          : undefined;
      if (next === undefined) return item;
      return vault.edit(itemId, {
        [health.DISMISSED_FIELD]: next.length === 0 ? null : next,
      });
    },
    forget: (address) => void caches.delete(address),
  };
};
