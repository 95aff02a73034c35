/** Disaster recovery from the devices, on the embedded database (a copy of its data directory). */

import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startServer } from "@keypears/server";
import { DOMAIN } from "./testing/harness.ts";
import { runDisasterRecovery } from "./testing/disaster-recovery.ts";

test("a server restored from a backup of its data directory gets every lost event back from the devices", async () => {
  const root = await mkdtemp(join(tmpdir(), "kp-dr-"));
  const dataDir = join(root, "server");
  const copy = join(root, "backup");
  try {
    await runDisasterRecovery({
      start: (port) =>
        startServer({
          domain: DOMAIN,
          port,
          database: { kind: "embedded", dataDir },
          log: () => {},
          keepAliveMs: 200,
          shutdownGraceMs: 2000,
        }),
      backup: () => cp(dataDir, copy, { recursive: true }),
      restore: async () => {
        await rm(dataDir, { recursive: true, force: true });
        await cp(copy, dataDir, { recursive: true });
      },
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
