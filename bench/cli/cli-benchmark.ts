/**
 * The `keypears` command as a person runs it: a fresh process each time, through `bin/keypears.js`
 * on the built JavaScript. Start-up (`--version`), and get, list, add and edit on a vault of many
 * items, with the agent (`keypears unlock`) and without it (each command unlocking by itself).
 */

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createAccount, describeVaultError } from "@keypears/vault";
import type { Benchmark } from "../lib/benchmark.ts";
import { runRounds } from "../lib/rounds.ts";
import { summarize } from "../lib/stats.ts";
import { medianOf, quantity, type Table } from "../lib/table.ts";
import type { Target } from "../lib/targets.ts";
import { withTempDir } from "../lib/temp-dir.ts";

const CLI_DIR = join(import.meta.dirname, "..", "..", "apps", "cli");
const BIN = join(CLI_DIR, "bin", "keypears.js");
const PASSWORD = "bench password for the cli";
const FULL_ITEMS = 10_000;
const SMOKE_ITEMS = 100;

export const CLI_COMMANDS = ["get", "list", "add", "edit"] as const;

const LABELS: Readonly<Record<(typeof CLI_COMMANDS)[number], string>> = {
  get: "`keypears get <title> --field username`",
  list: "`keypears list` (every item)",
  add: "`keypears add --title <new> --username <name>`",
  edit: "`keypears edit <title> --username <name>`",
};

export const cliBenchmark: Benchmark = {
  name: "cli",
  summary: "keypears start-up, and get/list/add/edit with and without the agent",
  run: async ({ smoke, runs, log }) => {
    // The numbers are for the built JavaScript, not the sources through a TypeScript loader.
    const built = spawnSync(
      process.execPath,
      [join(CLI_DIR, "scripts", "build.mjs"), "--if-stale"],
      {
        encoding: "utf8",
      },
    );
    if (built.status !== 0) throw new Error(`the CLI build failed: ${built.stderr}`);
    const items = smoke ? SMOKE_ITEMS : FULL_ITEMS;
    return withTempDir("cli", async (dir) => {
      const home = join(dir, "home");
      const address = "bench@localhost";
      const created = await createAccount({ home, address, password: PASSWORD });
      if (!created.ok) throw new Error(describeVaultError(created.error));
      const { vault } = created.value;
      vault.transact(() => {
        for (let i = 0; i < items; i++) {
          const added = vault.add({
            type: "login",
            fields: {
              title: `Site ${i}`,
              username: `user${i}@example.com`,
              password: `pw-${i}-${"x".repeat(16)}`,
              urls: [`https://site${i}.example.com`],
            },
          });
          if (!added.ok) throw new Error(describeVaultError(added.error));
        }
      });
      vault.lock();
      log(`  ${items} items`);

      // Two environments: one finds the agent (its socket under the home), one never does.
      const base: Record<string, string> = {};
      for (const [name, value] of Object.entries(process.env))
        if (value !== undefined && !name.startsWith("KEYPEARS_")) base[name] = value;
      const withAgent = { ...base, KEYPEARS_HOME: home, XDG_RUNTIME_DIR: "" };
      const withoutAgent = {
        ...withAgent,
        KEYPEARS_PASSWORD: PASSWORD,
        XDG_RUNTIME_DIR: join(dir, "no-agent-here"),
      };
      let counter = 0;
      const argsFor = (command: (typeof CLI_COMMANDS)[number]): string[] => {
        const n = counter++;
        switch (command) {
          case "get":
            return ["get", `Site ${n % items}`, "--field", "username"];
          case "list":
            return ["list"];
          case "add":
            return ["add", "--title", `Added ${n}`, "--username", "someone"];
          case "edit":
            return ["edit", `Site ${n % items}`, "--username", `edited${n}`];
        }
      };
      const time = (args: readonly string[], env: Record<string, string>): number => {
        const started = performance.now();
        const result = spawnSync(process.execPath, [BIN, ...args], {
          env,
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
        });
        const ms = performance.now() - started;
        if (result.status !== 0)
          throw new Error(`keypears ${args.join(" ")} failed: ${result.stderr}`);
        return ms;
      };

      /** Node alone (`node -e 0`): the floor under every command, on this machine, in this run. */
      const timeNode = (env: Record<string, string>): number => {
        const started = performance.now();
        spawnSync(process.execPath, ["-e", "0"], { env });
        return performance.now() - started;
      };

      const unlocked = spawnSync(process.execPath, [BIN, "unlock", "--timeout", "1h", "--json"], {
        env: { ...withAgent, KEYPEARS_PASSWORD: PASSWORD },
        encoding: "utf8",
      });
      if (unlocked.status !== 0) throw new Error(`unlock failed: ${unlocked.stderr}`);
      const agentPid = (JSON.parse(unlocked.stdout) as { pid: number }).pid;
      try {
        const samples = await runRounds(
          [
            { key: "node", runOnce: async () => timeNode(withoutAgent) },
            { key: "version", runOnce: async () => time(["--version"], withoutAgent) },
            ...CLI_COMMANDS.flatMap((command) => [
              { key: `${command}-agent`, runOnce: async () => time(argsFor(command), withAgent) },
              {
                key: `${command}-alone`,
                runOnce: async () => time(argsFor(command), withoutAgent),
              },
            ]),
          ],
          { warmups: 1, runs, log },
        );
        const rssMb = agentRssMb(agentPid);
        const median = (key: string) => summarize(samples.get(key) ?? []);
        const table: Table = {
          columns: [
            { header: "Command", align: "left" },
            { header: "With the agent, ms (median, min–max)", align: "right" },
            { header: "Unlocking itself, ms", align: "right" },
            { header: "Runs", align: "right" },
          ],
          rows: [
            {
              key: "node",
              cells: [
                "`node -e 0` (Node's own start: the floor)",
                medianOf(median("node"), "ms"),
                "—",
                quantity(median("node").n, "count"),
              ],
            },
            {
              key: "version",
              cells: [
                "`keypears --version` (start-up)",
                medianOf(median("version"), "ms"),
                "—",
                quantity(median("version").n, "count"),
              ],
            },
            ...CLI_COMMANDS.map((command) => ({
              key: command,
              cells: [
                LABELS[command],
                medianOf(median(`${command}-agent`), "ms"),
                medianOf(median(`${command}-alone`), "ms"),
                quantity(median(`${command}-agent`).n, "count"),
              ],
            })),
            {
              key: "agent-memory",
              cells: [
                "Agent's resident memory after the runs",
                quantity(rssMb, "mb"),
                "—",
                quantity(1, "count"),
              ],
            },
          ],
          notes: [
            `A vault of ${items} login items (title, user name, password, URL). Each command is a new \`node bin/keypears.js\` process on the built JavaScript (apps/cli/dist), timed from spawn to exit; \`list\` prints all ${items} rows.`,
            "With the agent: `keypears unlock` ran first and the command runs in the agent over its Unix socket. Unlocking itself: `KEYPEARS_PASSWORD` set, no agent: one Argon2id (64 MiB, t=3) per command.",
            "The commands are interleaved round by round after one warm-up round.",
          ],
        };
        const targets: Target[] = [
          {
            label: "`keypears --version`",
            goal: "< 100 ms",
            measured: { value: median("version").median, unit: "ms" },
            reference: 100,
            better: "lower",
          },
          ...CLI_COMMANDS.map((command): Target => ({
            label: `\`${command}\` with the agent, ${items} items`,
            goal: "< 150 ms",
            measured: { value: median(`${command}-agent`).median, unit: "ms" },
            reference: 150,
            better: "lower",
          })),
        ];
        return {
          title: "CLI: start-up and the agent",
          description: `Start-up of the \`keypears\` command, and the everyday commands with the agent holding the vault unlocked against the same commands unlocking by themselves (${items} items).`,
          tables: [table],
          targets,
          diagnosis: [
            `Each command pays Node's own start (\`node -e 0\`: ${median("node").median.toFixed(0)} ms in this run, about 40 ms on an idle machine) plus loading its code; with the agent, the client loads no vault code and the vault work runs in the agent's memory (no Argon2id, cached item views). On a loaded machine every row scales with the Node floor.`,
          ],
        };
      } finally {
        spawnSync(process.execPath, [BIN, "lock"], { env: withAgent });
      }
    });
  },
};

/** The agent's resident set size (Linux `/proc`); 0 where there is none. */
const agentRssMb = (pid: number): number => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kib / 1024;
  } catch {
    return 0;
  }
};
