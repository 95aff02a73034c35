/** Follows a vault's head stream in the background, collecting heads, for tests to wait on. */

import type { KeypearsClient, WireCheckpoint } from "@keypears/api";

export interface FollowedStream {
  readonly heads: WireCheckpoint[];
  readonly error: () => unknown;
  readonly ended: () => boolean;
  /**
   * Resolves (with the ms waited) once a head at `position` or later arrived; rejects after
   * `timeoutMs`, 10 s by default: heads come in ms, and nothing but a notice moves a stream, so a
   * generous bound only makes room for a loaded machine (1 s could be missed there).
   */
  readonly waitForPosition: (position: number, timeoutMs?: number) => Promise<number>;
  readonly waitForEnd: (timeoutMs?: number) => Promise<void>;
  readonly stop: () => Promise<void>;
}

const poll = async (done: () => boolean, timeoutMs: number, what: string): Promise<number> => {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - started;
};

export const followStream = async (
  client: KeypearsClient,
  vaultId: string,
): Promise<FollowedStream> => {
  const stream = await client.vaults.stream({ vaultId });
  const heads: WireCheckpoint[] = [];
  let failure: unknown;
  let ended = false;
  void (async () => {
    try {
      for await (const head of stream) heads.push(head);
    } catch (error) {
      failure = error;
    } finally {
      ended = true;
    }
  })();
  return {
    heads,
    error: () => failure,
    ended: () => ended,
    waitForPosition: (position, timeoutMs = 10_000) =>
      poll(() => (heads.at(-1)?.position ?? -1) >= position, timeoutMs, `head ${position}`),
    waitForEnd: async (timeoutMs = 10_000) => {
      await poll(() => ended, timeoutMs, "the stream to end");
    },
    stop: async () => {
      await stream.return?.(undefined);
    },
  };
};
