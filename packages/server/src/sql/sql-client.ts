/**
 * The small driver interface the server's SQL runs on, so the same statements serve PGlite (in
 * process) and a Postgres server (`pg`). Values come back as the driver returns them; `values.ts`
 * normalizes them at the edge.
 */

import type { Result } from "@keypears/base";

export type SqlParam = string | number | boolean | null | Uint8Array | Date | readonly string[];
export type SqlRow = Readonly<Record<string, unknown>>;

export interface SqlQueryable {
  readonly query: <R extends SqlRow = SqlRow>(
    text: string,
    params?: readonly SqlParam[],
  ) => Promise<readonly R[]>;
  /** Runs a script of several statements, without parameters (migrations). */
  readonly exec: (script: string) => Promise<void>;
}

export interface SqlClient extends SqlQueryable {
  readonly dialect: "pglite" | "postgres";
  /** Runs `work` in one transaction: commits if it resolves, rolls back if it throws. */
  readonly transaction: <T>(work: (tx: SqlQueryable) => Promise<T>) => Promise<T>;
  /**
   * Calls `onNotify` with each payload NOTIFY sends on `channel` (after the sending transaction
   * commits), and `onReconnect` when the connection was lost and notifications may have been
   * missed. Resolves to a function that stops listening.
   */
  readonly listen: (
    channel: string,
    onNotify: (payload: string) => void,
    onReconnect?: () => void,
  ) => Promise<() => Promise<void>>;
  /** Waits for running work, then releases connections (or the embedded database). */
  readonly close: () => Promise<void>;
}

class RollbackSignal<E> extends Error {
  constructor(readonly error: E) {
    super("transaction rolled back on an expected failure");
  }
}

/**
 * A transaction whose work returns a `Result`: an `Err` rolls back everything written so far
 * and is returned as is, so expected failures need no exceptions.
 */
export const transactionResult = async <T, E>(
  sql: SqlClient,
  work: (tx: SqlQueryable) => Promise<Result<T, E>>,
): Promise<Result<T, E>> => {
  try {
    return await sql.transaction(async (tx) => {
      const result = await work(tx);
      if (!result.ok) throw new RollbackSignal(result.error);
      return result;
    });
  } catch (error) {
    if (error instanceof RollbackSignal) return { ok: false, error: error.error as E };
    throw error;
  }
};

/** Postgres's SQLSTATE for a unique violation, raised by both drivers as `error.code`. */
export const isUniqueViolation = (error: unknown): boolean =>
  typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
