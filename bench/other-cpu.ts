/**
 * How busy other processes kept the machine while a row ran. The 1-minute load average counts
 * the bench's own threads too (TensorFlow's and the peer's hold it at ~1.5 on 2 cores once a run
 * is under way), so it cannot say whether anything else ran. This can: the CPU time the whole
 * machine spent busy (`/proc/stat`) minus the CPU time of this process and of its waited-for
 * children — every row's worker and peer process (`/proc/self/stat`: utime, stime, cutime,
 * cstime) — as a share of the CPU time there was (wall time × CPUs). Linux only: elsewhere the
 * snapshot is null and the load average is all there is.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Above this share of the machine's CPU time used by other processes, a row's figures are not publishable. */
export const OTHER_CPU_LIMIT = 0.05;

/** Clock ticks per second of `/proc` (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Busy ticks of the machine and of this process with its reaped children, at a time (ms). */
export interface CpuSnapshot {
  readonly atMs: number;
  readonly machineBusyTicks: number;
  readonly ownTicks: number;
}

/** Busy ticks of all CPUs from `/proc/stat`'s first line: user, nice, system, irq, softirq, steal (not idle, iowait). */
export function machineBusyTicks(procStat: string): number {
  const fields = procStat.split('\n')[0].trim().split(/\s+/);
  if (fields[0] !== 'cpu' || fields.length < 9) throw new Error(`other-cpu: unexpected /proc/stat line '${fields.join(' ')}'`);
  const [user, nice, system, , , irq, softirq, steal] = fields.slice(1, 9).map(Number);
  return user + nice + system + irq + softirq + steal;
}

/** Ticks of a process and its waited-for children from its `/proc/<pid>/stat`: utime + stime + cutime + cstime. */
export function processTicks(procSelfStat: string): number {
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const after = procSelfStat
    .slice(procSelfStat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/);
  // Fields 14–17 of the file are after[11..14] (field 3, the state, is after[0]).
  const ticks = after.slice(11, 15).map(Number);
  if (ticks.length !== 4 || ticks.some((t) => !Number.isFinite(t))) throw new Error('other-cpu: unexpected /proc/self/stat');
  return ticks.reduce((a, b) => a + b, 0);
}

/** The machine's and this process's busy ticks now; null where `/proc` cannot be read (not Linux). */
export function cpuSnapshot(): CpuSnapshot | null {
  try {
    return {
      atMs: performance.now(),
      machineBusyTicks: machineBusyTicks(readFileSync('/proc/stat', 'utf8')),
      ownTicks: processTicks(readFileSync('/proc/self/stat', 'utf8')),
    };
  } catch {
    return null;
  }
}

/**
 * The share (0–1) of the machine's CPU time between two snapshots that other processes used:
 * (machine busy − own) / (wall × CPUs), at least 0 (tick rounding). Null when either is null or
 * no time passed.
 */
export function otherCpuShare(before: CpuSnapshot | null, after: CpuSnapshot | null, cpus = os.cpus().length): number | null {
  if (before === null || after === null) return null;
  const availableTicks = ((after.atMs - before.atMs) / 1000) * TICKS_PER_SECOND * cpus;
  if (availableTicks <= 0) return null;
  const others = after.machineBusyTicks - before.machineBusyTicks - (after.ownTicks - before.ownTicks);
  return Math.max(0, others) / availableTicks;
}
