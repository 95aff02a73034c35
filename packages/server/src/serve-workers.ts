/**
 * `keypears serve --workers N`: N server processes behind one port (Node's cluster: the primary
 * accepts connections and hands them to the workers in turn). The server keeps no state between
 * requests that another process needs: the log is in Postgres, and realtime notices reach every
 * process through LISTEN/NOTIFY, so a push through one worker wakes streams held by another.
 *
 * Only on Postgres: the embedded database (PGlite) is Postgres compiled to WASM inside one
 * process, holding its data directory's lock; a second process cannot open it, so the embedded
 * server stays one process.
 *
 * What is per process is divided: each worker enforces 1/N (rounded up) of every rate budget
 * (registrations and sign-ins per address, failed sign-ins server-wide, events per account and
 * minute, exposed-password range requests per client), so N workers together allow what one would, as connections are dealt out in turn.
 * Concurrency slots (requests and streams of an account at once) stay per process: they bound
 * each process's own memory and connections.
 *
 * The primary restarts a worker that dies (a crash, a kill) while the others keep serving; a
 * request in flight on the dead worker fails at the client, which retries it (pushes are
 * idempotent by event id). If workers keep dying at start, the primary gives up and exits 1.
 */

import cluster, { type Worker } from "node:cluster";
import type { Logger } from "./log/logger.ts";
import { DEFAULT_ACCOUNT_QUOTAS, DEFAULT_RATE_LIMITS } from "./limits/limits.ts";
import type { RateLimit } from "./limits/rate-limiter.ts";
import { DEFAULT_EXPOSED_RANGE_PER_CLIENT } from "./http/exposed-range.ts";
import type { ServerOptions } from "./server.ts";

/** Set by the primary in each worker's environment: how many workers share the limits. */
export const WORKERS_ENV = "KEYPEARS_SERVE_WORKERS";

/** Restarts allowed within `RESTART_WINDOW_MS` before the primary gives up. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 10_000;
/** How long the primary waits for workers to stop (each waits 10 s for its requests). */
const STOP_GRACE_MS = 30_000;

/** The worker count this process shares the limits with (1 outside a cluster). */
export const workerShare = (env: NodeJS.ProcessEnv): number => {
  if (!cluster.isWorker) return 1;
  const n = Number(env[WORKERS_ENV]);
  return Number.isSafeInteger(n) && n > 1 ? n : 1;
};

const share = (limit: RateLimit, n: number): RateLimit => ({
  capacity: Math.ceil(limit.capacity / n),
  refillPerMinute: Math.ceil(limit.refillPerMinute / n),
});

/** The options of one of `n` workers: every rate budget divided by `n`. */
export const shareLimits = (options: ServerOptions, n: number): ServerOptions => {
  if (n <= 1) return options;
  const rates = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const eventsPerMinute = options.quotas?.eventsPerMinute ?? DEFAULT_ACCOUNT_QUOTAS.eventsPerMinute;
  return {
    ...options,
    rateLimits: {
      register: share(rates.register, n),
      login: share(rates.login, n),
      failedLogins: share(rates.failedLogins, n),
    },
    quotas: { ...options.quotas, eventsPerMinute: Math.ceil(eventsPerMinute / n) },
    exposedRange: {
      ...options.exposedRange,
      perClient: share(options.exposedRange?.perClient ?? DEFAULT_EXPOSED_RANGE_PER_CLIENT, n),
    },
  };
};

export interface PrimaryOptions {
  readonly workers: number;
  readonly logger: Logger;
  /** Forward SIGHUP (reload the TLS certificate) to the workers. */
  readonly reloadsTls: boolean;
  readonly signal?: AbortSignal;
}

/** Runs the primary until it is told to stop; resolves to the exit code. */
export const runPrimary = (options: PrimaryOptions): Promise<number> => {
  const { workers, logger } = options;
  const live = new Set<Worker>();
  // Workers that have listened: they have registered for the primary's "stop" message (before
  // starting), so they can be asked to finish their requests. One still starting may not have
  // registered yet (a message then is lost), and holds no request: it is terminated instead.
  const listened = new Set<Worker>();
  const terminatedAtStop = new Set<Worker>();
  const restarts: number[] = [];
  let listening = false;
  let stopping = false;
  let failed = false;

  return new Promise<number>((resolve) => {
    const finish = (): void => {
      if (live.size > 0) return;
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      process.off("SIGHUP", reload);
      logger.info("stopped");
      resolve(failed ? 1 : 0);
    };
    const fork = (): void => {
      const worker = cluster.fork({ [WORKERS_ENV]: String(workers) });
      live.add(worker);
      logger.info("worker started", { pid: worker.process.pid ?? 0 });
      worker.on("listening", () => {
        listening = true;
        listened.add(worker);
      });
      worker.on("exit", (code, signal) => {
        live.delete(worker);
        if (stopping) {
          if (code !== 0 && !terminatedAtStop.has(worker)) failed = true;
          finish();
          return;
        }
        logger.warn("worker exited", {
          pid: worker.process.pid ?? 0,
          status: code ?? -1,
          error: signal ?? "no signal",
        });
        const now = Date.now();
        restarts.push(now);
        while ((restarts[0] ?? now) < now - RESTART_WINDOW_MS) restarts.shift();
        if (!listening || restarts.length > MAX_RESTARTS) {
          // Workers that cannot start (no database, port taken) would only fail again.
          logger.error("workers keep failing; stopping", { count: restarts.length });
          failed = true;
          stop();
          finish();
          return;
        }
        fork();
      });
    };
    function stop(): void {
      if (stopping) {
        // A second signal: stop now.
        for (const worker of live) worker.process.kill("SIGKILL");
        process.exit(130);
      }
      stopping = true;
      logger.info("shutting down", { count: live.size });
      // Each worker gives its requests a grace period; past a longer one, it is stopped hard.
      setTimeout(() => {
        for (const worker of live) worker.process.kill("SIGKILL");
      }, STOP_GRACE_MS).unref();
      for (const worker of live) {
        if (listened.has(worker) && worker.isConnected()) worker.send("stop");
        else {
          terminatedAtStop.add(worker);
          worker.process.kill("SIGTERM");
        }
      }
    }
    function reload(): void {
      if (options.reloadsTls) for (const worker of live) worker.process.kill("SIGHUP");
    }
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    process.on("SIGHUP", reload);
    options.signal?.addEventListener("abort", () => (stopping ? undefined : stop()), {
      once: true,
    });
    for (let i = 0; i < workers; i++) fork();
  });
};

/** In a worker: an abort signal that fires when the primary says stop. */
export const primaryStopSignal = (): AbortSignal | undefined => {
  if (!cluster.isWorker) return undefined;
  const stop = new AbortController();
  process.on("message", (message) => {
    if (message === "stop") stop.abort();
  });
  // The terminal's Ctrl-C reaches every process of the group: the primary tells the workers.
  process.on("SIGINT", () => {});
  return stop.signal;
};
