/** The process around a command: environment, standard streams and Ctrl-C, passed in so tests can run the CLI in-process. */

export interface CliOutputStream {
  readonly write: (text: string) => void;
  readonly isTTY: boolean;
}

export interface CliInputStream extends AsyncIterable<string | Buffer> {
  readonly isTTY?: boolean;
  readonly setRawMode?: (raw: boolean) => unknown;
  readonly setEncoding: (encoding: BufferEncoding) => unknown;
  readonly on: (event: "data", listener: (chunk: string) => void) => unknown;
  readonly off: (event: "data", listener: (chunk: string) => void) => unknown;
  readonly resume: () => unknown;
  readonly pause: () => unknown;
}

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: CliInputStream;
  readonly stdout: CliOutputStream;
  readonly stderr: CliOutputStream;
  /** Calls `handler` on Ctrl-C (SIGINT) or SIGTERM until the returned function is called. */
  readonly onInterrupt: (handler: () => void) => () => void;
}

export const processIo = (): CliIo => {
  // `keypears list | head -1` closes the pipe early: that is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return {
    env: process.env,
    stdin: process.stdin,
    stdout: { write: (text) => process.stdout.write(text), isTTY: process.stdout.isTTY === true },
    stderr: { write: (text) => process.stderr.write(text), isTTY: process.stderr.isTTY === true },
    onInterrupt: (handler) => {
      process.on("SIGINT", handler);
      process.on("SIGTERM", handler);
      return () => {
        process.off("SIGINT", handler);
        process.off("SIGTERM", handler);
      };
    },
  };
};
