/** A TCP port free on 127.0.0.1 right now, for a test server that must know its port before it starts. */

import { createServer } from "node:net";

export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        resolve(typeof address === "object" && address !== null ? address.port : 0),
      );
    });
  });
