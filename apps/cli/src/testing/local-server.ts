/**
 * A real KeyPears server for CLI tests: in memory, on a free port of 127.0.0.1, its domain
 * `localhost:<port>`, so an address `name@localhost:<port>` finds it by discovery as a user's would.
 */

import { type RunningServer, type ServerOptions, startServer } from "@keypears/server";
import { freePort } from "./free-port.ts";

export const startLocalServer = async (
  limits: ServerOptions["limits"] = {},
): Promise<RunningServer> => {
  const port = await freePort();
  return startServer({
    domain: `localhost:${port}`,
    port,
    host: "127.0.0.1",
    database: { kind: "memory" },
    log: () => {},
    keepAliveMs: 200,
    shutdownGraceMs: 2000,
    limits,
  });
};
