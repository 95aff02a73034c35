/**
 * Unlock: the key derivation at the parameters KeyPears uses (Argon2id, 64 MiB, three passes),
 * alone and as part of unlocking a vault and of signing a new device in. A security cost, reported
 * so it is known, not a number to make smaller.
 */

import { join } from "node:path";
import { DEFAULT_KDF_PARAMS, deriveArgon2id, parseSecretKey } from "@keypears/crypto";
import { createFreshPostgresDatabase } from "@keypears/server/testing";
import {
  describeSyncError,
  discoverServer,
  loginNewDevice,
  registerAccount,
} from "@keypears/sync-client";
import { systemDeps } from "@keypears/sync-core";
import { createAccount, describeVaultError, unlockVault } from "@keypears/vault";
import { benchAddress, BENCH_PASSWORD } from "../fixtures/bench-account.ts";
import type { Benchmark } from "../lib/benchmark.ts";
import { packageVersion } from "../lib/package-version.ts";
import { runRounds } from "../lib/rounds.ts";
import { BENCH_DOMAIN, startServerProcess } from "../lib/server-process.ts";
import { summarize } from "../lib/stats.ts";
import { type Table, timedStepRow } from "../lib/table.ts";
import { withTempDir } from "../lib/temp-dir.ts";

const { memoryKiB, iterations, parallelism } = DEFAULT_KDF_PARAMS;
const params = `${memoryKiB / 1024} MiB, ${iterations} passes, ${parallelism} lane`;

export const unlockBenchmark: Benchmark = {
  name: "unlock",
  summary: "the key derivation at KeyPears's parameters (Argon2id 64 MiB, t=3): a security cost",
  run: async ({ runs, log }) => {
    const database = await createFreshPostgresDatabase();
    try {
      return await withTempDir("unlock", async (dir) => {
        const server = await startServerProcess({ kind: "postgres", url: database.url });
        try {
          const discovered = await discoverServer(BENCH_DOMAIN, server.url);
          if (!discovered.ok) throw new Error(describeSyncError(discovered.error));
          const endpoint = discovered.value;
          const home = join(dir, "a");
          const address = benchAddress("unlock");
          const created = await createAccount({
            home,
            address,
            password: BENCH_PASSWORD,
            serverUrl: endpoint.url,
          });
          if (!created.ok) throw new Error(describeVaultError(created.error));
          const registered = await registerAccount(
            created.value.vault,
            created.value.registration,
            endpoint,
            "A",
          );
          if (!registered.ok) throw new Error(describeSyncError(registered.error));
          created.value.vault.lock();
          const secretKey = parseSecretKey(created.value.secretKey);
          if (!secretKey.ok) throw new Error("unparseable Secret Key");
          let device = 0;
          const samples = await runRounds(
            [
              {
                key: "argon2id",
                runOnce: async () => {
                  const password = systemDeps.randomBytes(16).slice(0, 16);
                  const salt = systemDeps.randomBytes(16).slice(0, 16);
                  const started = performance.now();
                  const key = await deriveArgon2id(password, salt, DEFAULT_KDF_PARAMS);
                  if (!key.ok) throw new Error(key.error.message);
                  return performance.now() - started;
                },
              },
              {
                key: "unlock",
                runOnce: async () => {
                  const started = performance.now();
                  const vault = await unlockVault({ home, address, password: BENCH_PASSWORD });
                  const ms = performance.now() - started;
                  if (!vault.ok) throw new Error(describeVaultError(vault.error));
                  vault.value.lock();
                  return ms;
                },
              },
              {
                key: "login",
                runOnce: async () => {
                  const started = performance.now();
                  const vault = await loginNewDevice({
                    home: join(dir, `device-${++device}`),
                    address,
                    password: BENCH_PASSWORD,
                    secretKey: secretKey.value,
                    server: endpoint,
                    deviceName: `device ${device}`,
                  });
                  const ms = performance.now() - started;
                  if (!vault.ok) throw new Error(`sign-in failed: ${vault.error.kind}`);
                  vault.value.lock();
                  return ms;
                },
              },
            ],
            { warmups: 1, runs, log },
          );
          const argon = summarize(samples.get("argon2id") ?? []);
          const row = (key: string, label: string) => timedStepRow(samples, argon, key, label);
          const table: Table = {
            columns: [
              { header: "Step", align: "left" },
              { header: "Time, ms (median, min–max)", align: "right" },
              { header: "vs one Argon2id", align: "right" },
              { header: "Runs", align: "right" },
            ],
            rows: [
              row("argon2id", `Argon2id alone (${params})`),
              row("unlock", "Unlock a vault (`unlockVault`)"),
              row("login", "Sign a new device in (`loginNewDevice`)"),
            ],
            notes: [
              `Argon2id alone: \`deriveArgon2id\` (hash-wasm ${packageVersion("hash-wasm")}, WebAssembly) at KeyPears's default and floor parameters (${params}), on a 16-byte password and salt.`,
              "Unlock a vault: `unlockVault` on a vault file of an account created with the defaults: open the file, one Argon2id over the password, then HKDF, open the sealed Secret Key and unwrap the vault key.",
              "Sign a new device in: `loginNewDevice` against a KeyPears server on Postgres on loopback: pre-login, the password key, sign-in, then the new vault file. It derives the password key three times (once to sign in, again in `joinAccount`, and again to seal the new file's credentials): a cost the owners may want to cut to one.",
              "The three steps are interleaved run by run, after one warm-up round; the benchmark runs in the suite's process.",
            ],
          };
          return {
            title: "Unlock: the key derivation",
            description: `The cost of deriving keys from the master password at the parameters every account uses (Argon2id, ${params}): a deliberate security cost, reported, not minimised.`,
            tables: [table],
          };
        } finally {
          await server.stop();
        }
      });
    } finally {
      await database.drop();
    }
  },
};
