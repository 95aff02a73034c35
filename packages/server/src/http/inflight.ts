/**
 * Requests in flight, and closing an HTTP server around them: stop accepting connections, let
 * the requests in flight finish until a deadline, then close every connection, and still wait
 * for the handlers that were cut off, so no database work is abandoned halfway.
 */

import { once } from "node:events";
import type { Server, ServerResponse } from "node:http";

export interface Inflight {
  /** A request is in flight until its handler has finished and its response has closed. */
  readonly track: (work: Promise<void>, response: ServerResponse) => void;
  readonly size: () => number;
  /** Resolves when none is left, or at `deadline` (ms since the epoch), whichever is first. */
  readonly drain: (deadline: number) => Promise<void>;
}

export const createInflight = (): Inflight => {
  const pending = new Set<Promise<void>>();
  return {
    track: (work, response) => {
      const done = Promise.all([work, once(response, "close")]).then(() => {});
      pending.add(done);
      void done.finally(() => pending.delete(done));
    },
    size: () => pending.size,
    drain: async (deadline) => {
      // Requests may still arrive on open connections while draining: loop until none is left.
      while (pending.size > 0 && Date.now() < deadline) {
        const wait = deadline - Date.now();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled(pending),
          ...(Number.isFinite(wait)
            ? [new Promise((resolve) => (timer = setTimeout(resolve, wait)))]
            : []),
        ]);
        clearTimeout(timer);
      }
    },
  };
};

export const closeHttpServer = async (
  server: Server,
  inflight: Inflight,
  graceMs: number,
): Promise<void> => {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await inflight.drain(Date.now() + graceMs);
  server.closeAllConnections();
  await closed;
  // Handlers cut off by the deadline run to their end: a transaction commits or rolls back.
  await inflight.drain(Number.POSITIVE_INFINITY);
};
