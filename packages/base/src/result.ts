/** Expected failures are values: a `Result` is either `{ ok: true, value }` or `{ ok: false, error }`. */

export type Result<T, E> = Ok<T> | Err<E>;

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });

export const err = <E>(error: E): Err<E> => ({ ok: false, error });

/** Returns the value of an `Ok`, or throws with the error attached (for tests and for misuse). */
export const unwrap = <T, E>(result: Result<T, E>): T => {
  if (result.ok) return result.value;
  throw new Error(`unwrap of an error result: ${JSON.stringify(result.error)}`, {
    cause: result.error,
  });
};
