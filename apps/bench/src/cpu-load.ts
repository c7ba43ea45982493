/**
 * Who kept the CPUs busy during a measurement: this process (process.cpuUsage) and everything else on the
 * machine (the busy time of /proc/stat minus ours; Linux only). The second is what marks a cell noisy.
 */
import { readFileSync } from 'node:fs';

export interface CpuSnapshot {
  wallMs: number;
  ownMs: number;
  /** Busy time of all CPUs since boot, when /proc/stat can be read. */
  machineBusyMs?: number;
}

// /proc/stat counts in USER_HZ, which Linux fixes at 100 for user space.
const USER_HZ = 100;

function machineBusyMs(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const [label, ...fields] = line.trim().split(/\s+/);
    if (label !== 'cpu') return undefined;
    const ticks = fields.map(Number);
    // user nice system idle iowait irq softirq steal ...: idle and iowait are not busy.
    const total = ticks.slice(0, 8).reduce((s, v) => s + v, 0);
    return ((total - ticks[3] - ticks[4]) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

export function cpuSnapshot(): CpuSnapshot {
  const usage = process.cpuUsage();
  return { wallMs: performance.now(), ownMs: (usage.user + usage.system) / 1000, machineBusyMs: machineBusyMs() };
}

/** Cores kept busy between two snapshots: by this process, and by everything else (undefined off Linux). */
export function coresBusy(before: CpuSnapshot, after: CpuSnapshot): { own: number; foreign?: number } {
  const wall = after.wallMs - before.wallMs;
  if (!(wall > 0)) return { own: 0 };
  const own = (after.ownMs - before.ownMs) / wall;
  if (before.machineBusyMs === undefined || after.machineBusyMs === undefined) return { own };
  // Tick granularity (10 ms) can make the difference slightly negative on short cells.
  return { own, foreign: Math.max(0, (after.machineBusyMs - before.machineBusyMs) / wall - own) };
}
