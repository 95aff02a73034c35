/** What the numbers were measured on: CPU, cores, memory, Node version, date. */

import { availableParallelism, cpus, platform, arch, release, totalmem } from "node:os";

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly ramBytes: number;
  readonly os: string;
  readonly node: string;
  /** When the suite started, as an ISO 8601 timestamp. */
  readonly date: string;
}

export const machineInfo = (now: Date = new Date()): MachineInfo => ({
  cpu: cpus()[0]?.model.trim() ?? "unknown",
  cores: availableParallelism(),
  ramBytes: totalmem(),
  os: `${platform()} ${release()} ${arch()}`,
  node: process.version,
  date: now.toISOString(),
});
