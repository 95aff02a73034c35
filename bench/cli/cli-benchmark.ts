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
import { startLauncher } from "./launcher.ts";

const CLI_DIR = join(import.meta.dirname, "..", "..", "apps", "cli");
const BIN = join(CLI_DIR, "bin", "keypears.js");
const PASSWORD = "bench password for the cli";
const FULL_ITEMS = 10_000;
const SMOKE_ITEMS = 100;
const WARMUPS = 1;

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
      /** CPU time (ms) of each run, by subject: the command's process and, with the agent, the agent's share. */
      const cpuByKey = new Map<string, number[]>();
      let agentPid = 0;
      // Every timed command starts from a small launcher process, not from this one (see
      // timed-spawn.mjs: a process started from a large one costs more to start).
      const launcher = startLauncher();
      const time = async (
        key: string,
        args: readonly string[],
        env: Record<string, string>,
      ): Promise<number> => {
        const agentCpuBefore = processCpuMs(agentPid);
        const result = await launcher.run([BIN, ...args], env);
        if (result.status !== 0)
          throw new Error(`keypears ${args.join(" ")} failed: ${result.stderr}`);
        const cpu =
          result.cpuMs + (key.endsWith("-agent") ? processCpuMs(agentPid) - agentCpuBefore : 0);
        cpuByKey.set(key, [...(cpuByKey.get(key) ?? []), cpu]);
        return result.ms;
      };

      /** Node alone (`node -e 0`): the floor under every command, on this machine, in this run. */
      const timeNode = async (env: Record<string, string>): Promise<number> => {
        const result = await launcher.run(["-e", "0"], env);
        cpuByKey.set("node", [...(cpuByKey.get("node") ?? []), result.cpuMs]);
        return result.ms;
      };

      const unlocked = spawnSync(process.execPath, [BIN, "unlock", "--timeout", "1h", "--json"], {
        env: { ...withAgent, KEYPEARS_PASSWORD: PASSWORD },
        encoding: "utf8",
      });
      if (unlocked.status !== 0) {
        launcher.close();
        throw new Error(`unlock failed: ${unlocked.stderr}`);
      }
      agentPid = (JSON.parse(unlocked.stdout) as { pid: number }).pid;
      let locked = false;
      const lockAgent = () => {
        if (!locked) spawnSync(process.execPath, [BIN, "lock"], { env: withAgent });
        locked = true;
      };
      try {
        // The agent's rounds first, then the same commands without it: a command that unlocks by
        // itself and writes (add, edit) is another connection's commit, after which the agent
        // opens every item again, which a person using the agent never makes it do.
        const agentSamples = await runRounds(
          [
            { key: "node", runOnce: () => timeNode(withoutAgent) },
            { key: "version", runOnce: () => time("version", ["--version"], withoutAgent) },
            ...CLI_COMMANDS.map((command) => ({
              key: `${command}-agent`,
              runOnce: () => time(`${command}-agent`, argsFor(command), withAgent),
            })),
          ],
          { warmups: WARMUPS, runs, log },
        );
        const rssMb = agentRssMb(agentPid);
        lockAgent();
        const aloneSamples = await runRounds(
          CLI_COMMANDS.map((command) => ({
            key: `${command}-alone`,
            runOnce: () => time(`${command}-alone`, argsFor(command), withoutAgent),
          })),
          { warmups: WARMUPS, runs, log },
        );
        const samples = new Map([...agentSamples, ...aloneSamples]);
        const median = (key: string) => summarize(samples.get(key) ?? []);
        // Each subject's first runs are its warm-ups: left out as runRounds leaves them out.
        const cpu = (key: string) => meanOf((cpuByKey.get(key) ?? []).slice(WARMUPS));
        const table: Table = {
          columns: [
            { header: "Command", align: "left" },
            { header: "With the agent, ms (median, min–max)", align: "right" },
            { header: "With the agent, CPU ms (mean)", align: "right" },
            { header: "Unlocking itself, ms", align: "right" },
            { header: "Runs", align: "right" },
          ],
          rows: [
            {
              key: "node",
              cells: [
                "`node -e 0` (Node's own start: the floor)",
                medianOf(median("node"), "ms"),
                quantity(cpu("node"), "ms"),
                "—",
                quantity(median("node").n, "count"),
              ],
            },
            {
              key: "version",
              cells: [
                "`keypears --version` (start-up)",
                medianOf(median("version"), "ms"),
                quantity(cpu("version"), "ms"),
                "—",
                quantity(median("version").n, "count"),
              ],
            },
            ...CLI_COMMANDS.map((command) => ({
              key: command,
              cells: [
                LABELS[command],
                medianOf(median(`${command}-agent`), "ms"),
                quantity(cpu(`${command}-agent`), "ms"),
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
                "—",
                quantity(1, "count"),
              ],
            },
          ],
          notes: [
            `A vault of ${items} login items (title, user name, password, URL). Each command is a new \`node bin/keypears.js\` process on the built JavaScript (apps/cli/dist), timed from spawn to exit; \`list\` prints all ${items} rows.`,
            "With the agent: `keypears unlock` ran first and the command runs in the agent over its Unix socket. Unlocking itself: `KEYPEARS_PASSWORD` set, no agent: one Argon2id (64 MiB, t=3) per command.",
            "The commands are interleaved round by round after one warm-up round: first those with the agent (and the two start-up rows), then, with the agent locked, those unlocking by themselves.",
            "Each command is started from a small launcher process (`bench/cli/timed-spawn.mjs`), not from the benchmark's own, whose heap is large after the other suites and makes every process it starts slower to start. CPU ms: user and system time of the command's process (from the launcher's children's times in /proc, 10 ms ticks, so a mean over the runs), plus, with the agent, the agent's own time over the same run. Unlike the wall time it hardly grows when other work loads the machine.",
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
          {
            label: "`keypears --version`, CPU time",
            goal: "< 100 ms",
            measured: { value: cpu("version"), unit: "ms" },
            reference: 100,
            better: "lower",
          },
          ...CLI_COMMANDS.map((command): Target => ({
            label: `\`${command}\` with the agent, ${items} items, CPU time (client and agent)`,
            goal: "< 150 ms",
            measured: { value: cpu(`${command}-agent`), unit: "ms" },
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
        lockAgent();
        launcher.close();
      }
    });
  },
};

/** Linux reports process times in clock ticks of 1/100 s on every common architecture. */
const TICK_MS = 10;

/** Fields 14-15 of /proc/<pid>/stat (utime, stime), after the command's name. */
const statTimes = (pid: number): readonly number[] => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .slice(11, 13)
      .map((field) => Number(field) * TICK_MS);
  } catch {
    return [0, 0];
  }
};

/** CPU time of a running process (the agent); 0 where /proc has none. */
const processCpuMs = (pid: number): number => {
  if (pid === 0) return 0;
  const [utime = 0, stime = 0] = statTimes(pid);
  return utime + stime;
};

const meanOf = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;

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
