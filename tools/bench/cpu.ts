// CPU time of the machine's processes (Linux /proc): where the CPU goes during a benchmark phase.
// Per-ticket CPU does not depend on what else the machine runs, so it is the figure to compare
// runs by; the rate does.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** CPU readings of processes by part, and of the whole machine. */
export interface CpuReading {
  /** Milliseconds of CPU by part. */
  ms: Record<string, number>;
  machine: { busy: number; total: number };
}

/** CPU time so far, in ms, of a process (Linux /proc); null elsewhere or when it is gone. */
export function processCpuMs(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // utime and stime are fields 14 and 15: 12 and 13 after the parenthesised command name.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks * 10 : null; // USER_HZ = 100
}

/** Processes whose command name starts with `name` (e.g. `redis-server`). */
export function pidsNamed(name: string): number[] {
  if (!existsSync('/proc')) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith(name);
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
}

/** Reads the CPU time of each part's processes (from /proc) and of the machine. */
export function readCpu(processes: Record<string, readonly number[]>): CpuReading {
  const ms: Record<string, number> = {};
  for (const [part, pids] of Object.entries(processes)) {
    for (const pid of pids) {
      const used = processCpuMs(pid);
      if (used !== null) ms[`${part}:${pid}`] = used;
    }
  }
  const times = cpus().map((c) => c.times);
  const total = times.reduce((s, t) => s + t.user + t.nice + t.sys + t.idle + t.irq, 0);
  const idle = times.reduce((s, t) => s + t.idle, 0);
  return { ms, machine: { busy: total - idle, total } };
}

/** CPU ms per part between two readings (processes that appeared meanwhile count from zero). */
export function cpuBetween(before: CpuReading, after: CpuReading) {
  const ms: Record<string, number> = {};
  for (const [key, value] of Object.entries(after.ms)) {
    const part = key.split(':', 1)[0] ?? key;
    ms[part] = (ms[part] ?? 0) + value - (before.ms[key] ?? 0);
  }
  const total = after.machine.total - before.machine.total;
  return { ms, machineBusy: total === 0 ? 0 : (after.machine.busy - before.machine.busy) / total };
}
