/**
 * CPU time of the whole machine and of processes by name, from Linux's /proc (undefined
 * elsewhere), so a benchmark can say which process a saturated machine spent its cores on: the
 * server, its database, or the load generators beside them.
 */

import { readdirSync, readFileSync } from "node:fs";

/** Linux reports these times in clock ticks of 1/100 s on every common architecture. */
const TICK_MS = 10;

export interface CpuSnapshot {
  /** Busy time of all cores (user, nice, system, irq, softirq, steal), in ms. */
  readonly busyMs: number;
  /** Busy and idle time of all cores, in ms. */
  readonly totalMs: number;
  /** User and system time of the processes named `postgres`, in ms. */
  readonly postgresMs: number;
}

const readMachine = (): { busyMs: number; totalMs: number } => {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const ticks = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map((field) => Number(field));
  const at = (index: number): number => ticks[index] ?? 0;
  // user, nice, system, idle, iowait, irq, softirq, steal
  const busy = at(0) + at(1) + at(2) + at(5) + at(6) + at(7);
  return { busyMs: busy * TICK_MS, totalMs: (busy + at(3) + at(4)) * TICK_MS };
};

/** User and system time of every process whose command is `name` (its children's not included). */
const readProcesses = (name: string): number => {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      if (stat.slice(stat.indexOf("(") + 1, close) !== name) continue;
      const fields = stat.slice(close + 2).split(" ");
      // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command.
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks * TICK_MS;
};

export const cpuSnapshot = (): CpuSnapshot | undefined => {
  try {
    return { ...readMachine(), postgresMs: readProcesses("postgres") };
  } catch {
    return undefined;
  }
};

export interface CpuBetween {
  /** Share of all cores busy, 0..1. */
  readonly machineBusy: number;
  readonly cores: number;
  /** Postgres's CPU time over the wall time: 1 is one core. */
  readonly postgresCores: number;
}

export const cpuBetween = (
  before: CpuSnapshot | undefined,
  after: CpuSnapshot | undefined,
  wallMs: number,
  cores: number,
): CpuBetween | undefined => {
  if (before === undefined || after === undefined || wallMs <= 0) return undefined;
  const total = after.totalMs - before.totalMs;
  return {
    machineBusy: total <= 0 ? 0 : (after.busyMs - before.busyMs) / total,
    cores,
    // Processes that ended in between (a closed connection's backend) drop out: a lower bound.
    postgresCores: Math.max(0, after.postgresMs - before.postgresMs) / wallMs,
  };
};

/** User and system time of each of `pids` that is still running, in ms (Linux; empty elsewhere). */
export const processCpuMs = (pids: readonly number[]): ReadonlyMap<number, number> => {
  const cpuByPid = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      cpuByPid.set(pid, (Number(fields[11]) + Number(fields[12])) * TICK_MS);
    } catch {
      // Ended, or not Linux.
    }
  }
  return cpuByPid;
};

/**
 * CPU spent by processes between two readings: a process in both counts its difference, one only
 * in the second counts all of its time (it started in between); one that ended is lost.
 */
export const cpuSpentBetween = (
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
): number => {
  let spent = 0;
  for (const [pid, ms] of after) spent += ms - (before.get(pid) ?? 0);
  return Math.max(0, spent);
};
