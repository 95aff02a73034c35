/**
 * Starts a KeyPears server: opens and migrates the database, wires services, router and HTTP,
 * listens, and shuts down cleanly: streams end, in-flight requests finish (transactions commit or
 * roll back as a whole), then the database closes and the data directory's lock is released.
 */

import { API_PREFIX, PROTOCOL_VERSION, type ServerDescription } from "@keypears/api";
import { OpenAPIHandler } from "@orpc/openapi/node";
import { onError, ORPCError } from "@orpc/server";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { loadServerKey } from "./accounts/server-key.ts";
import { createSessionCache, DEFAULT_SESSION_CACHE_MS } from "./accounts/session-cache.ts";
import { defaultServerDataDir } from "./data-dir/paths.ts";
import { type DatabaseOption, openDatabase } from "./database.ts";
import { createPgEventStore } from "./events/pg-event-store.ts";
import type { AppServices, RequestContext } from "./http/context.ts";
import { closeHttpServer, createInflight } from "./http/inflight.ts";
import { generateOpenApiDocument } from "./http/openapi-document.ts";
import { createRequestListener, describeError } from "./http/request-listener.ts";
import { createExposedRangeRelay, type ExposedRangeOptions } from "./http/exposed-range.ts";
import { addRetryAfter } from "./http/retry-after.ts";
import { router } from "./http/router.ts";
import { createStaticFiles } from "./http/static-files.ts";
import {
  type AccountQuotas,
  DEFAULT_ACCOUNT_QUOTAS,
  DEFAULT_RATE_LIMITS,
  DEFAULT_SIZE_LIMITS,
  type RateLimits,
  type SizeLimits,
} from "./limits/limits.ts";
import { createAccountSlots } from "./limits/account-slots.ts";
import { createRateLimiter } from "./limits/rate-limiter.ts";
import { createLogger, type LogLevel } from "./log/logger.ts";
import { startNoticeHub } from "./realtime/notice-hub.ts";
import type { SqlClient } from "./sql/sql-client.ts";
import { DEFAULT_PRUNE_POLICY, type PrunePolicy, pruneAllVaults } from "./vaults/pruning.ts";
import { parseServerDomain } from "./config/domain.ts";
import { type ShareDeliveryOptions, startSharing } from "./shares/delivery.ts";

export const DEFAULT_PORT = 7420;
export const DEFAULT_HOST = "127.0.0.1";
const DAY_MS = 86_400_000;

export interface ServerOptions {
  /** The domain whose addresses this server holds (e.g. `example.com`). */
  readonly domain: string;
  /** 0 picks a free port. Default 7420. */
  readonly port?: number;
  /** Default 127.0.0.1 (this machine only); `0.0.0.0` to serve the network. */
  readonly host?: string;
  /** Default: the embedded database in `$KEYPEARS_HOME/server`. */
  readonly database?: DatabaseOption;
  /** The URL clients reach the server at, if it differs from where it listens (a proxy). */
  readonly publicUrl?: string;
  readonly limits?: Partial<SizeLimits>;
  readonly rateLimits?: Partial<RateLimits>;
  /** What one account may store and use (`keypears serve --quota-…`). */
  readonly quotas?: Partial<AccountQuotas>;
  /** Default 30 days. */
  readonly sessionTtlMs?: number;
  /** How long a checked session is trusted without a lookup (0: always look up). Default 5 s. */
  readonly sessionCacheMs?: number;
  readonly prunePolicy?: PrunePolicy;
  /** How often the server prunes every vault (0: never). Default 6 hours. */
  readonly pruneEveryMs?: number;
  /** How many proxies of yours stand in front (X-Forwarded-For hops from the right). Default 0. */
  readonly trustProxy?: number;
  /** Receives each log line (JSON); stderr by default. */
  readonly log?: (line: string) => void;
  readonly logLevel?: LogLevel;
  readonly now?: () => number;
  /** How often an idle head stream sends a keep-alive comment. Default 15 s. */
  readonly keepAliveMs?: number;
  /** How long shutdown waits for in-flight requests before closing connections. Default 10 s. */
  readonly shutdownGraceMs?: number;
  /** PEM files of the certificate (chain) and its key: the server speaks HTTPS itself. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** A folder of built web app files (index.html, assets/) to serve at `/`. */
  readonly webRoot?: string;
  /** Delivery of shares to other servers: backoff, limits per sending domain and sender. */
  readonly sharing?: ShareDeliveryOptions;
  /** The exposed-password range relay's source and guards (`--exposed-source`). */
  readonly exposedRange?: ExposedRangeOptions;
}

export interface RunningServer {
  /** Where the server listens, e.g. `http://127.0.0.1:7420`. */
  readonly url: string;
  /** `url` + `/api/v1`: what `createKeypearsClient` takes. */
  readonly apiUrl: string;
  readonly port: number;
  readonly domain: string;
  readonly sql: SqlClient;
  /** Runs the pruning pass the schedule runs, now. */
  readonly pruneNow: () => Promise<{ readonly vaults: number; readonly eventsPruned: number }>;
  /**
   * Reads the TLS certificate and key files again (`keypears serve` does on SIGHUP): new
   * connections get the new certificate. Refused (the old one stays) if the files do not load.
   */
  readonly reloadTls: () => void;
  /** Shuts down; safe to call more than once. */
  readonly close: () => Promise<void>;
}

export class ServerStartError extends Error {
  override readonly name = "ServerStartError";
}

export const startServer = async (options: ServerOptions): Promise<RunningServer> => {
  const domain = parseServerDomain(options.domain);
  if (!domain.ok) throw new ServerStartError(domain.error);
  const logger = createLogger({
    ...(options.log === undefined ? {} : { write: options.log }),
    level: options.logLevel ?? "info",
  });
  const now = options.now ?? Date.now;
  const limits: SizeLimits = { ...DEFAULT_SIZE_LIMITS, ...options.limits };
  const rateLimits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const quotas: AccountQuotas = { ...DEFAULT_ACCOUNT_QUOTAS, ...options.quotas };

  const databaseOption: DatabaseOption = options.database ?? {
    kind: "embedded",
    dataDir: defaultServerDataDir(),
  };
  if (databaseOption.kind === "embedded") {
    // The first start creates the database (initdb in WASM): a few seconds.
    logger.info("opening the embedded database", { dataDir: databaseOption.dataDir });
  }
  const opened = await openDatabase(databaseOption, (error) =>
    logger.warn("database connection error", { error: describeError(error) }),
  );
  if (!opened.ok) throw new ServerStartError(opened.error.message);
  const database = opened.value;
  const { sql } = database;
  const shutdown = new AbortController();
  const inflight = createInflight();
  let hub: Awaited<ReturnType<typeof startNoticeHub>> | undefined;
  try {
    hub = await startNoticeHub(sql);
    const sessionCache = createSessionCache({
      ttlMs: options.sessionCacheMs ?? DEFAULT_SESSION_CACHE_MS,
      now,
    });
    hub.onAnySessionEnd((notice) => {
      if (notice.kind === "session-ended") sessionCache.endToken(notice.tokenHash);
      else sessionCache.endDevice(notice.accountId, notice.deviceId);
    });
    hub.onResync(sessionCache.clear);
    const app: AppServices = {
      sql,
      events: createPgEventStore(sql),
      now,
      domain: domain.value,
      serverKey: await loadServerKey(sql),
      sessionTtlMs: options.sessionTtlMs ?? 30 * DAY_MS,
      limits,
      rateLimiters: {
        register: createRateLimiter(rateLimits.register, now),
        login: createRateLimiter(rateLimits.login, now),
        failedLogins: createRateLimiter(rateLimits.failedLogins, now),
      },
      quotas: {
        quotas,
        heavy: createAccountSlots(quotas.maxConcurrentRequests),
        streams: createAccountSlots(quotas.maxOpenStreams),
        events: createRateLimiter(
          { capacity: quotas.eventsPerMinute * 5, refillPerMinute: quotas.eventsPerMinute },
          now,
        ),
      },
      hub,
      sessionCache,
      prunePolicy: options.prunePolicy ?? DEFAULT_PRUNE_POLICY,
      shutdownSignal: shutdown.signal,
      logger,
    };
    const sharing = startSharing(app, options.sharing);
    const handler = new OpenAPIHandler<RequestContext>(router, {
      eventIteratorKeepAliveInterval: options.keepAliveMs ?? 15_000,
      rootInterceptors: [addRetryAfter],
      clientInterceptors: [
        onError((error, { context }) => {
          if (error instanceof ORPCError && error.status < 500) return;
          logger.error("handler failed", {
            requestId: context.request.requestId,
            error: describeError(error),
          });
        }),
      ],
    });
    const description: ServerDescription = {
      protocol: "keypears",
      version: PROTOCOL_VERSION,
      domain: domain.value,
      api: `${options.publicUrl?.replace(/\/+$/, "") ?? ""}${API_PREFIX}`,
      openapi: `${options.publicUrl?.replace(/\/+$/, "") ?? ""}/openapi.json`,
      sharing: {
        keys: `${options.publicUrl?.replace(/\/+$/, "") ?? ""}${API_PREFIX}/accounts/{address}/keys`,
        federation: `${options.publicUrl?.replace(/\/+$/, "") ?? ""}${API_PREFIX}/federation/shares`,
      },
      limits: {
        maxRequestBytes: limits.maxRequestBytes,
        maxEventBytes: limits.maxEventBytes,
        maxEventsPerPush: limits.maxEventsPerPush,
        maxSnapshotBytes: limits.maxSnapshotBytes,
      },
    };
    let openapi: Promise<unknown> | undefined;
    const tls = options.tls;
    const readTls = () => {
      if (tls === undefined) throw new ServerStartError("this server was started without TLS");
      try {
        return { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) };
      } catch (error) {
        throw new ServerStartError(
          `cannot read the TLS certificate or key: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    };
    const listener = createRequestListener({
      app,
      handler,
      description,
      openapiDocument: () => (openapi ??= generateOpenApiDocument(options.publicUrl, limits)),
      trustProxy: options.trustProxy ?? 0,
      track: inflight.track,
      ...(options.webRoot === undefined ? {} : { staticFiles: createStaticFiles(options.webRoot) }),
      exposedRange: createExposedRangeRelay(options.exposedRange),
    });
    const httpsServer = tls === undefined ? undefined : createHttpsServer(readTls(), listener);
    const httpServer = httpsServer ?? createHttpServer(listener);
    const reloadTls = (): void => {
      if (httpsServer === undefined)
        throw new ServerStartError("this server was started without TLS");
      // setSecureContext validates the pair: a key that does not match its certificate throws.
      httpsServer.setSecureContext(readTls());
      logger.info("reloaded the TLS certificate");
    };
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
    const { port, address, family } = httpServer.address() as AddressInfo;
    const host = family === "IPv6" ? `[${address}]` : address;
    const url = `${tls === undefined ? "http" : "https"}://${host}:${port}`;
    logger.info("listening", {
      url,
      port,
      domain: domain.value,
      database: database.label,
      migrations: database.migrationsApplied.join(",") || "none",
    });

    const pruneNow = () => pruneAllVaults(app, app.prunePolicy);
    const pruneEveryMs = options.pruneEveryMs ?? 6 * 3_600_000;
    let pruning: Promise<unknown> | undefined;
    const pruneTimer =
      pruneEveryMs > 0
        ? setInterval(() => {
            pruning ??= pruneNow()
              .then((done) => logger.info("pruned", { count: done.eventsPruned }))
              .catch((error: unknown) =>
                logger.error("pruning failed", { error: describeError(error) }),
              )
              .finally(() => (pruning = undefined));
          }, pruneEveryMs).unref()
        : undefined;

    let closing: Promise<void> | undefined;
    const startedHub = hub;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        logger.info("shutting down", { count: inflight.size() });
        // Streams end at once on this abort; other requests get the grace period to finish.
        shutdown.abort();
        await sharing.stop();
        clearInterval(pruneTimer);
        await pruning;
        await closeHttpServer(httpServer, inflight, options.shutdownGraceMs ?? 10_000);
        await startedHub.close();
        await database.close();
        logger.info("stopped");
      })());
    return {
      url,
      apiUrl: `${url}${API_PREFIX}`,
      port,
      domain: domain.value,
      sql,
      pruneNow,
      reloadTls,
      close,
    };
  } catch (error) {
    await hub?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
};
