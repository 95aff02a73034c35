/**
 * CPU time of the calling thread alone (Linux's /proc/thread-self; undefined elsewhere): with the
 * import's signatures on a worker thread, the process's CPU time counts both threads, while the
 * main thread's is what its wall time is made of on an idle machine.
 */

import { readFileSync } from "node:fs";

/** Linux reports these times in clock ticks of 1/100 s on every common architecture. */
const TICK_MS = 10;

/** User and system time of this thread so far, in ms (10 ms resolution), or undefined off Linux. */
export const threadCpuMs = (): number | undefined => {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command.
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
};
