/** A one-line progress display on stderr, drawn only on a terminal and never with --json. */

import type { CliIo } from "./io.ts";
import type { ProgressSink } from "./sync-services.ts";

export interface ProgressLine {
  readonly sink: ProgressSink;
  /** Clears the line. */
  readonly done: () => void;
}

const labels = { push: "sending", pull: "receiving", verify: "verifying" } as const;

export const createProgressLine = (io: CliIo, json: boolean): ProgressLine => {
  if (json || !io.stderr.isTTY) return { sink: () => {}, done: () => {} };
  let drawn = false;
  let lastDraw = 0;
  return {
    sink: ({ phase, done, total }) => {
      const now = Date.now();
      if (now - lastDraw < 80 && done !== total) return;
      lastDraw = now;
      const amount = total === null ? `${done}` : `${done}/${total}`;
      const percent =
        total === null || total === 0 ? "" : ` (${Math.floor((done / total) * 100)}%)`;
      io.stderr.write(`\r\u001b[K${labels[phase]} ${amount} events${percent}`);
      drawn = true;
    },
    done: () => {
      if (drawn) io.stderr.write("\r\u001b[K");
      drawn = false;
    },
  };
};
