import { readFileSync } from 'node:fs';

/** Where the CPU went while a measured piece of work ran. */
export interface CpuSpent {
  /** CPU time of this process (user and system), in ms. */
  processMs: number;
  /** Share of the whole machine's CPU time that was busy (every core, every process), 0–1. */
  machineBusy: number;
}

/** The machine's busy and total CPU time so far, in clock ticks, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, n) => sum + n, 0);
  // idle and iowait are the fourth and fifth fields.
  return { busy: total - fields[3]! - fields[4]!, total };
}

/**
 * Runs `work` and says how much CPU this process spent on it and how busy the machine was
 * meanwhile: what tells a figure bounded by this process's CPU from one bounded by the cores it
 * shares with PostgreSQL, Temporal and the load generator, or by waiting.
 */
export async function measureCpu<T>(work: () => Promise<T>): Promise<{ result: T; cpu: CpuSpent }> {
  const machineBefore = machineTicks();
  const processBefore = process.cpuUsage();
  const result = await work();
  const spent = process.cpuUsage(processBefore);
  const machineAfter = machineTicks();
  const total = machineAfter.total - machineBefore.total;
  return {
    result,
    cpu: { processMs: (spent.user + spent.system) / 1000, machineBusy: total > 0 ? (machineAfter.busy - machineBefore.busy) / total : 0 },
  };
}
