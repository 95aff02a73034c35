/**
 * What each request's handlers get: the services of the server (the same for every request) and
 * what is known about this request. Services travel in the context so the router is a constant.
 */

import type { SessionCache } from "../accounts/session-cache.ts";
import type { CheckedSession } from "../accounts/sessions.ts";
import type { ServiceDeps } from "../deps.ts";
import type { SizeLimits } from "../limits/limits.ts";
import type { AccountLimiters } from "./account-quotas.ts";
import type { RateLimiter } from "../limits/rate-limiter.ts";
import type { Logger } from "../log/logger.ts";
import type { NoticeHub } from "../realtime/notice-hub.ts";
import type { PrunePolicy } from "../vaults/pruning.ts";

export interface AppServices extends ServiceDeps {
  readonly limits: SizeLimits;
  readonly rateLimiters: {
    readonly register: RateLimiter;
    readonly login: RateLimiter;
    readonly failedLogins: RateLimiter;
  };
  readonly quotas: AccountLimiters;
  readonly hub: NoticeHub;
  /** Sessions checked a moment ago (emptied by sign-out and revocation notices). */
  readonly sessionCache: SessionCache;
  readonly prunePolicy: PrunePolicy;
  /** Aborts when the server begins to shut down: long-lived streams end. */
  readonly shutdownSignal: AbortSignal;
  readonly logger: Logger;
}

export interface RequestInfo {
  readonly requestId: string;
  readonly clientIp: string;
  readonly authorization: string | undefined;
  /** The session, when the HTTP layer already checked it (before reading the body). */
  readonly session?: CheckedSession;
  /** Adds a vault id to the request's log line. */
  readonly noteVault: (vaultId: string) => void;
}

export interface RequestContext {
  readonly app: AppServices;
  readonly request: RequestInfo;
}
