/**
 * Store and forward: this server delivers its accounts' queued shares to the recipients' servers,
 * like e-mail. Each attempt finds the recipient's server through its domain's discovery document
 * and announces the share (`POST /federation/shares`); that server fetches it back from here to
 * check the origin. Unreachable servers, 5xx and 429 are retried with exponential backoff until
 * the share expires or `giveUpAfterMs` passes; a refusal (blocked, replayed, unknown recipient)
 * ends the share as `failed` with the reason.
 */

import { domainOf, type Address } from "@keypears/base";
import type { AppServices } from "../http/context.ts";
import { createRateLimiter, type RateLimiter } from "../limits/rate-limiter.ts";
import { discoverApi, type FetchLike } from "./discover.ts";
import {
  claimDueShares,
  type DueShare,
  markDelivered,
  markFailed,
  markRetry,
} from "./share-store.ts";

export interface ShareDeliveryOptions {
  /** First retry delay; doubles per attempt up to `maxBackoffMs`. Default 5 s. */
  readonly initialBackoffMs?: number;
  /** Default 1 hour. */
  readonly maxBackoffMs?: number;
  /** Default 7 days (and never past the share's expiry). */
  readonly giveUpAfterMs?: number;
  /** How often due shares are looked for (besides right after a hand-off). Default 1 s. */
  readonly pollMs?: number;
  /** Shares accepted per sending domain: a burst and a refill per minute. */
  readonly perDomain?: { readonly capacity: number; readonly refillPerMinute: number };
  /** Shares accepted per sender address. */
  readonly perSender?: { readonly capacity: number; readonly refillPerMinute: number };
  /** Key logs each account may have relayed (`GET /relay/accounts/{address}/keys`). */
  readonly relayPerAccount?: { readonly capacity: number; readonly refillPerMinute: number };
  readonly fetch?: FetchLike;
  /** Host name → addresses for the relay's private-address check (the DNS by default). */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

export interface Sharing {
  readonly kick: () => void;
  readonly stop: () => Promise<void>;
  readonly perDomain: RateLimiter;
  readonly perSender: RateLimiter;
  readonly relayPerAccount: RateLimiter;
  readonly fetch: FetchLike;
  readonly resolve: ((host: string) => Promise<readonly string[]>) | undefined;
}

const registry = new WeakMap<AppServices, Sharing>();

/** The sharing services of a running server (its delivery loop and limits). */
export const sharingOf = (app: AppServices): Sharing => {
  const sharing = registry.get(app);
  if (sharing === undefined) throw new Error("sharing is not started on this server");
  return sharing;
};

export const startSharing = (app: AppServices, options: ShareDeliveryOptions = {}): Sharing => {
  const initialBackoffMs = options.initialBackoffMs ?? 5_000;
  const maxBackoffMs = options.maxBackoffMs ?? 3_600_000;
  const giveUpAfterMs = options.giveUpAfterMs ?? 7 * 86_400_000;
  const fetchImpl = options.fetch ?? fetch;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;

  const attempt = async (share: DueShare): Promise<void> => {
    const now = app.now();
    const retry = async (reason: string) => {
      const delay = Math.min(initialBackoffMs * 2 ** share.attempts, maxBackoffMs);
      if (
        now + delay > share.createdAt.getTime() + giveUpAfterMs ||
        now + delay >= share.expiresAt.getTime()
      )
        await markFailed(app.sql, share, `gave up: ${reason}`);
      else await markRetry(app.sql, share, reason, new Date(now + delay));
    };
    const found = await discoverApi(domainOf(share.to as Address), fetchImpl);
    if (!found.ok) return retry(`the recipient's server: ${found.reason}`);
    let response: Response;
    try {
      response = await fetchImpl(`${found.apiUrl}/federation/shares`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: share.id, from: share.from, to: share.to }),
        signal: AbortSignal.timeout(30_000),
        redirect: "error",
      });
    } catch (error) {
      return retry(`unreachable (${error instanceof Error ? error.message : "error"})`);
    }
    if (response.ok) return markDelivered(app.sql, share);
    let code = String(response.status);
    try {
      const body = (await response.json()) as { code?: unknown };
      if (typeof body.code === "string") code = body.code;
    } catch {
      // not JSON: keep the status
    }
    if (response.status === 429 || response.status >= 500)
      return retry(`refused for now (${code})`);
    return markFailed(app.sql, share, code);
  };

  const runOnce = async (): Promise<void> => {
    do {
      again = false;
      const due = await claimDueShares(app.sql, new Date(app.now()), 120_000, 20);
      for (const share of due) {
        if (stopped) return;
        await attempt(share);
      }
    } while (again && !stopped);
  };

  const kick = (): void => {
    if (stopped) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = runOnce()
      .catch((error: unknown) =>
        app.logger.warn("share delivery failed", {
          error: error instanceof Error ? error.message : "error",
        }),
      )
      .finally(() => {
        running = undefined;
      });
  };

  const timer = setInterval(kick, options.pollMs ?? 1_000);
  timer.unref();
  const sharing: Sharing = {
    kick,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
    perDomain: createRateLimiter(
      options.perDomain ?? { capacity: 100, refillPerMinute: 60 },
      app.now,
    ),
    perSender: createRateLimiter(
      options.perSender ?? { capacity: 20, refillPerMinute: 10 },
      app.now,
    ),
    relayPerAccount: createRateLimiter(
      options.relayPerAccount ?? { capacity: 60, refillPerMinute: 30 },
      app.now,
    ),
    fetch: fetchImpl,
    resolve: options.resolve,
  };
  registry.set(app, sharing);
  return sharing;
};
