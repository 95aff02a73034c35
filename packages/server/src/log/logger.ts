/**
 * Structured logs: one JSON object per line, with an allowlist of fields. Headers, bodies, tokens,
 * addresses and payloads have no field to go in, so they cannot reach a log by accident; a field
 * not on the list is dropped, and strings are cut short.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Every field a log line may carry besides `time`, `level` and `msg`. */
export interface LogFields {
  readonly requestId?: string;
  readonly method?: string;
  readonly route?: string;
  readonly status?: number;
  readonly ms?: number;
  readonly vaultId?: string;
  readonly error?: string;
  readonly url?: string;
  readonly port?: number;
  readonly domain?: string;
  readonly database?: string;
  readonly dataDir?: string;
  readonly pid?: number;
  readonly migrations?: string;
  readonly count?: number;
}

const allowed: ReadonlySet<string> = new Set<keyof LogFields>([
  "requestId",
  "method",
  "route",
  "status",
  "ms",
  "vaultId",
  "error",
  "url",
  "port",
  "domain",
  "database",
  "dataDir",
  "pid",
  "migrations",
  "count",
]);

const rank: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };
const MAX_STRING = 200;

export interface Logger {
  readonly debug: (msg: string, fields?: LogFields) => void;
  readonly info: (msg: string, fields?: LogFields) => void;
  readonly warn: (msg: string, fields?: LogFields) => void;
  readonly error: (msg: string, fields?: LogFields) => void;
}

export interface LoggerOptions {
  /** Where lines go (without the newline); stderr by default. Tests pass a function that collects. */
  readonly write?: (line: string) => void;
  readonly level?: LogLevel;
  readonly now?: () => number;
}

export const createLogger = (options: LoggerOptions = {}): Logger => {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const threshold = rank[options.level ?? "info"];
  const now = options.now ?? Date.now;
  const log =
    (level: LogLevel) =>
    (msg: string, fields: LogFields = {}): void => {
      if (rank[level] < threshold) return;
      const line: Record<string, string | number | boolean> = {
        time: new Date(now()).toISOString(),
        level,
        msg: msg.slice(0, MAX_STRING),
      };
      for (const [key, value] of Object.entries(fields)) {
        if (!allowed.has(key)) continue;
        if (typeof value === "string") line[key] = value.slice(0, MAX_STRING);
        else if (typeof value === "number" && Number.isFinite(value)) line[key] = value;
      }
      write(JSON.stringify(line));
    };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
};

/** A logger that drops everything. */
export const silentLogger: Logger = createLogger({ write: () => {} });
