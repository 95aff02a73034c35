/** A promise-chain mutex: PGlite is one Postgres session, so its users must take turns. */

export interface Mutex {
  readonly run: <T>(work: () => Promise<T>) => Promise<T>;
  /** Resolves when everything queued so far has finished. */
  readonly idle: () => Promise<void>;
}

export const createMutex = (): Mutex => {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run: <T>(work: () => Promise<T>): Promise<T> => {
      const result = tail.then(() => work());
      tail = result.catch(() => undefined);
      return result;
    },
    idle: async () => {
      await tail;
    },
  };
};
