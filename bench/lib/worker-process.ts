/**
 * Benchmark workers: a child Node process (with tsx and `--expose-gc`) that answers requests one at
 * a time over the IPC channel. Each contender runs in its own worker, so its heap, its JIT state and
 * its WASM memory are its own, and the parent can interleave contenders run by run.
 */

import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

type FromWorker =
  | { readonly type: "ready" }
  | { readonly type: "reply"; readonly body: unknown }
  | { readonly type: "error"; readonly message: string };

const isFromWorker = (message: unknown): message is FromWorker =>
  typeof message === "object" &&
  message !== null &&
  "type" in message &&
  (message.type === "ready" || message.type === "reply" || message.type === "error");

export interface WorkerHandle<Request, Reply> {
  readonly name: string;
  /** Resolves once the worker has finished its setup. */
  readonly ready: Promise<void>;
  /** Sends a request and resolves with the reply; requests are queued, one in flight at a time. */
  readonly request: (message: Request) => Promise<Reply>;
  /** Closes the channel and waits for the worker to exit. */
  readonly stop: () => Promise<void>;
}

/** Starts `script` in a child process; its stdout and stderr go to our stderr, keeping our stdout for results. */
export const startWorker = <Request, Reply>(
  name: string,
  script: URL,
  args: readonly string[],
): WorkerHandle<Request, Reply> => {
  const child = fork(fileURLToPath(script), args, {
    execArgv: ["--import", "tsx", "--expose-gc"],
    stdio: ["ignore", 2, 2, "ipc"],
  });
  let exited: Error | undefined;
  let waiting: { resolve: (body: unknown) => void; reject: (error: Error) => void } | undefined;
  let readyCallbacks: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    readyCallbacks = { resolve, reject };
  });
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const fail = (error: Error): void => {
    exited ??= error;
    readyCallbacks?.reject(error);
    waiting?.reject(error);
    waiting = undefined;
  };
  child.on("error", fail);
  child.on("exit", (code, signal) => fail(new Error(`worker ${name} exited (${code ?? signal})`)));
  child.on("message", (message: unknown) => {
    if (!isFromWorker(message)) return fail(new Error(`worker ${name} sent ${String(message)}`));
    if (message.type === "ready") return readyCallbacks?.resolve();
    const current = waiting;
    waiting = undefined;
    if (message.type === "reply") current?.resolve(message.body);
    else current?.reject(new Error(`worker ${name}: ${message.message}`));
  });

  let queue: Promise<unknown> = ready;
  const request = (message: Request): Promise<Reply> => {
    const reply = queue.then(
      () =>
        new Promise<Reply>((resolve, reject) => {
          if (exited !== undefined) return reject(exited);
          waiting = { resolve: (body) => resolve(body as Reply), reject };
          child.send(message as object);
        }),
    );
    queue = reply.catch(() => undefined);
    return reply;
  };

  const stop = async (): Promise<void> => {
    if (exited === undefined && child.connected) child.disconnect();
    await exit;
  };

  return { name, ready, request, stop };
};

/** The worker side: sends `ready`, then answers each request with `handle`, errors included. */
export const serveRequests = <Request, Reply>(
  handle: (request: Request) => Reply | Promise<Reply>,
): void => {
  const send = (message: FromWorker): void => {
    if (process.send === undefined) throw new Error("not started as a worker: no IPC channel");
    process.send(message);
  };
  process.on("message", (message: unknown) => {
    void Promise.resolve()
      .then(() => handle(message as Request))
      .then(
        (body) => send({ type: "reply", body }),
        (error: unknown) =>
          send({
            type: "error",
            message: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready" });
};
