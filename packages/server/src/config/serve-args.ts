/**
 * Reads `keypears serve` flags and environment variables into server options. Flags win over the
 * environment; without either, the server runs on the embedded database in
 * `$KEYPEARS_HOME/server`, on 127.0.0.1:7420, for this machine's host name.
 */

import { err, ok, type Result } from "@keypears/base";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { defaultServerDataDir } from "../data-dir/paths.ts";
import type { LogLevel } from "../log/logger.ts";
import type { ServerOptions } from "../server.ts";
import { DEFAULT_HOST, DEFAULT_PORT } from "../server.ts";
import { defaultServerDomain, parseServerDomain } from "./domain.ts";
import { parseRangeSource } from "../http/exposed-range.ts";

export const SERVE_USAGE = `Usage: keypears serve [options]

Runs a KeyPears sync server for one domain. With no options it keeps its data in an embedded
Postgres (PGlite) under $KEYPEARS_HOME/server (default ~/.keypears/server), needs no setup, and
listens on ${DEFAULT_HOST}:${DEFAULT_PORT}.

Options:
  --domain <domain>        the domain of the addresses it holds, e.g. example.com or host:7420
                           (env KEYPEARS_DOMAIN; default: this machine's host name)
  --port <port>            port to listen on; 0 picks a free one (env KEYPEARS_PORT; default ${DEFAULT_PORT})
  --host <address>         address to listen on; 0.0.0.0 for the network (env KEYPEARS_HOST; default ${DEFAULT_HOST})
  --data-dir <dir>         embedded database directory (default $KEYPEARS_HOME/server)
  --database-url <url>     use a Postgres server instead: postgres://user:pass@host:5432/db
                           (env KEYPEARS_DATABASE_URL or DATABASE_URL)
  --public-url <url>       the URL clients reach the server at, if behind a proxy (env KEYPEARS_PUBLIC_URL)
  --tls-cert <file>        serve HTTPS with this PEM certificate (chain); needs --tls-key.
  --tls-key <file>         its PEM private key. Both are read again on SIGHUP.
  --trust-proxy <hops>     behind <hops> proxies of yours: the client address is the
                           X-Forwarded-For entry <hops> from the right (default 0: the socket's)
  --web-root <dir>         the built web app to serve at / (env KEYPEARS_WEB_ROOT; default: the
                           app built in this checkout, apps/web/dist, when run through the CLI)
  --exposed-source <url>   the range API the web app's exposed-password check is relayed to
                           (env KEYPEARS_EXPOSED_SOURCE; default https://api.pwnedpasswords.com/range/)
  --exposed-source-private allow that source on a private network or this machine, and over
                           plain HTTP (a mirror on your network; env KEYPEARS_EXPOSED_SOURCE_PRIVATE=1)
  --quota-storage-mib <n>  payload MiB one account may store (default 256)
  --quota-events-per-minute <n>
                           events one account may push a minute, five minutes' worth at once
                           (default 50000)
  --quota-streams <n>      head streams one account may hold open (default 16)
  --quota-requests <n>     pushes, pulls and snapshot transfers of one account at once (default 8)
  --max-pull-mib <n>       payload MiB in one pull page (default 4)
  --prune-every <minutes>  how often the server prunes every vault; 0: never (default 360)
  --workers <n>            server processes behind the one port, on Postgres (default: one per
                           core; the embedded database runs in one process, so 1 without
                           --database-url)
  --log-level <level>      debug, info, warn or error (default info)
  -h, --help               show this help
`;

export interface ServeConfig {
  readonly help: boolean;
  readonly options: ServerOptions;
  /** Server processes (`serve-workers.ts`); 1 runs the server in this process. */
  readonly workers: number;
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === "" ? undefined : value.trim();

export const parseServeArgs = (
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Result<ServeConfig, string> => {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        domain: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        "data-dir": { type: "string" },
        "database-url": { type: "string" },
        "public-url": { type: "string" },
        "trust-proxy": { type: "string" },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        "log-level": { type: "string" },
        "quota-storage-mib": { type: "string" },
        "quota-events-per-minute": { type: "string" },
        "quota-streams": { type: "string" },
        "quota-requests": { type: "string" },
        "max-pull-mib": { type: "string" },
        "prune-every": { type: "string" },
        "web-root": { type: "string" },
        "exposed-source": { type: "string" },
        "exposed-source-private": { type: "boolean" },
        workers: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return err((error as Error).message);
  }
  if (values.help === true) return ok({ help: true, options: { domain: "unused" }, workers: 1 });

  const domain = parseServerDomain(
    values.domain ?? nonEmpty(env.KEYPEARS_DOMAIN) ?? defaultServerDomain(),
  );
  if (!domain.ok) return err(domain.error);

  const portText = values.port ?? nonEmpty(env.KEYPEARS_PORT) ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) {
    return err(`--port expects a number from 0 to 65535, got ${JSON.stringify(portText)}`);
  }

  const logLevel = values["log-level"] ?? "info";
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    return err(
      `--log-level expects one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(logLevel)}`,
    );
  }

  const databaseUrl =
    values["database-url"] ?? nonEmpty(env.KEYPEARS_DATABASE_URL) ?? nonEmpty(env.DATABASE_URL);
  if (values["database-url"] !== undefined && values["data-dir"] !== undefined) {
    return err("--data-dir is for the embedded database; it cannot go with --database-url");
  }
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    return err("--database-url expects a postgres:// URL");
  }
  const database =
    databaseUrl !== undefined && values["data-dir"] === undefined
      ? { kind: "postgres" as const, url: databaseUrl }
      : {
          kind: "embedded" as const,
          dataDir: resolve(values["data-dir"] ?? defaultServerDataDir(env)),
        };

  const workersText = values.workers;
  if (workersText !== undefined && (!/^\d{1,3}$/.test(workersText) || Number(workersText) < 1)) {
    return err(
      `--workers expects a whole number of at least 1, got ${JSON.stringify(workersText)}`,
    );
  }
  if (workersText !== undefined && Number(workersText) > 1 && database.kind === "embedded") {
    return err(
      "--workers needs --database-url: the embedded database runs inside one process and cannot be shared",
    );
  }
  const workers =
    workersText !== undefined
      ? Number(workersText)
      : database.kind === "postgres"
        ? availableParallelism()
        : 1;

  const publicUrl = values["public-url"] ?? nonEmpty(env.KEYPEARS_PUBLIC_URL);
  if (publicUrl !== undefined && !URL.canParse(publicUrl)) {
    return err(`--public-url expects an absolute URL, got ${JSON.stringify(publicUrl)}`);
  }

  const webRoot = values["web-root"] ?? nonEmpty(env.KEYPEARS_WEB_ROOT);

  const exposedText = values["exposed-source"] ?? nonEmpty(env.KEYPEARS_EXPOSED_SOURCE);
  const exposedSource = exposedText === undefined ? undefined : parseRangeSource(exposedText);
  if (exposedSource !== undefined && !exposedSource.ok) return err(exposedSource.error);
  const exposedPrivate =
    values["exposed-source-private"] === true || env.KEYPEARS_EXPOSED_SOURCE_PRIVATE === "1";

  const certFile = values["tls-cert"];
  const keyFile = values["tls-key"];
  if ((certFile === undefined) !== (keyFile === undefined)) {
    return err("--tls-cert and --tls-key go together");
  }

  const numbers: Record<string, number> = {};
  for (const [flag, min] of [
    ["quota-storage-mib", 1],
    ["quota-events-per-minute", 1],
    ["quota-streams", 1],
    ["quota-requests", 1],
    ["max-pull-mib", 1],
    ["prune-every", 0],
    ["trust-proxy", 0],
  ] as const) {
    const text = values[flag];
    if (text === undefined) continue;
    const value = Number(text);
    if (!/^\d{1,9}$/.test(text) || value < min) {
      return err(
        `--${flag} expects a whole number of at least ${min}, got ${JSON.stringify(text)}`,
      );
    }
    numbers[flag] = value;
  }
  const MIB = 1024 * 1024;
  const quotas = {
    ...(numbers["quota-storage-mib"] === undefined
      ? {}
      : { maxStoredBytes: numbers["quota-storage-mib"] * MIB }),
    ...(numbers["quota-events-per-minute"] === undefined
      ? {}
      : { eventsPerMinute: numbers["quota-events-per-minute"] }),
    ...(numbers["quota-streams"] === undefined ? {} : { maxOpenStreams: numbers["quota-streams"] }),
    ...(numbers["quota-requests"] === undefined
      ? {}
      : { maxConcurrentRequests: numbers["quota-requests"] }),
  };

  return ok({
    help: false,
    workers,
    options: {
      domain: domain.value,
      port,
      host: values.host ?? nonEmpty(env.KEYPEARS_HOST) ?? DEFAULT_HOST,
      database,
      ...(publicUrl === undefined ? {} : { publicUrl }),
      trustProxy: numbers["trust-proxy"] ?? 0,
      ...(webRoot === undefined ? {} : { webRoot: resolve(webRoot) }),
      exposedRange: {
        ...(exposedSource === undefined ? {} : { source: exposedSource.value }),
        ...(exposedPrivate ? { allowPrivate: true } : {}),
      },
      quotas,
      ...(certFile === undefined || keyFile === undefined
        ? {}
        : { tls: { certFile: resolve(certFile), keyFile: resolve(keyFile) } }),
      ...(numbers["max-pull-mib"] === undefined
        ? {}
        : { limits: { maxPullBytes: numbers["max-pull-mib"] * MIB } }),
      ...(numbers["prune-every"] === undefined
        ? {}
        : { pruneEveryMs: numbers["prune-every"] * 60_000 }),
      logLevel: logLevel as LogLevel,
    },
  });
};
