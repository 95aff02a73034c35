/**
 * `keypears serve`: parses the command line, starts the server, and stops it cleanly on SIGINT or
 * SIGTERM (a second signal exits at once). Resolves to the process exit code.
 */

import cluster from "node:cluster";
import { parseServeArgs, SERVE_USAGE } from "./config/serve-args.ts";
import { createLogger } from "./log/logger.ts";
import { primaryStopSignal, runPrimary, shareLimits, workerShare } from "./serve-workers.ts";
import { type ServerOptions, ServerStartError, startServer } from "./server.ts";

export interface ServeIo {
  readonly env?: NodeJS.ProcessEnv;
  readonly stdout?: (text: string) => void;
  /** Human-readable messages (usage errors, why the server could not start). */
  readonly stderr?: (text: string) => void;
  /** Log lines (JSON); stderr by default. */
  readonly log?: (line: string) => void;
  /** Stops the server like a signal does (tests, embedding). */
  readonly signal?: AbortSignal;
  /** The web app's folder when neither --web-root nor KEYPEARS_WEB_ROOT names one. */
  readonly defaultWebRoot?: string;
}

export const runServe = async (argv: readonly string[], io: ServeIo = {}): Promise<number> => {
  const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => process.stderr.write(text));
  const config = parseServeArgs(argv, io.env ?? process.env);
  if (!config.ok) {
    stderr(`keypears serve: ${config.error}\n\n${SERVE_USAGE}`);
    return 2;
  }
  if (config.value.help) {
    stdout(SERVE_USAGE);
    return 0;
  }

  if (cluster.isPrimary && config.value.workers > 1) {
    return runPrimary({
      workers: config.value.workers,
      logger: createLogger({
        ...(io.log === undefined ? {} : { write: io.log }),
        level: config.value.options.logLevel ?? "info",
      }),
      reloadsTls: config.value.options.tls !== undefined,
      ...(io.signal === undefined ? {} : { signal: io.signal }),
    });
  }
  const code = await serveHere(config.value.options, io);
  // A worker's channel to the primary would keep it alive.
  if (cluster.isWorker) process.disconnect();
  return code;
};

/** One server in this process, until a signal (or the primary, in a worker) stops it. */
const serveHere = async (options: ServerOptions, io: ServeIo): Promise<number> => {
  const stderr = io.stderr ?? ((text: string) => process.stderr.write(text));
  // In a worker, the primary answers the terminal's Ctrl-C and tells the workers; listen from
  // the start, so a stop that comes while the server is still starting is not lost.
  const fromPrimary = primaryStopSignal();
  let server;
  try {
    server = await startServer({
      ...(io.defaultWebRoot === undefined ? {} : { webRoot: io.defaultWebRoot }),
      ...shareLimits(options, workerShare(io.env ?? process.env)),
      ...(io.log === undefined ? {} : { log: io.log }),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = error instanceof ServerStartError ? "" : " (while starting the server)";
    stderr(`keypears serve: ${message}${hint}\n`);
    return 1;
  }

  let stopping = false;
  let stop = (): void => {};
  const stopped = new Promise<void>((resolve) => {
    stop = () => {
      if (stopping) {
        stderr("keypears serve: second signal, exiting now\n");
        process.exit(130);
      }
      stopping = true;
      resolve();
    };
  });
  fromPrimary?.addEventListener("abort", () => (stopping ? undefined : stop()), { once: true });
  if (fromPrimary?.aborted === true) stop();
  if (fromPrimary === undefined) process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // SIGHUP reloads the TLS certificate and key (after a renewal); a failure keeps the old ones.
  const reload = (): void => {
    try {
      server.reloadTls();
    } catch (error) {
      stderr(`keypears serve: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
  if (options.tls !== undefined) process.on("SIGHUP", reload);
  io.signal?.addEventListener("abort", stop, { once: true });
  if (io.signal?.aborted === true) stop();
  await stopped;
  try {
    await server.close();
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    process.off("SIGHUP", reload);
  }
  return 0;
};
