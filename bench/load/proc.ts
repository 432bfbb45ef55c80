// CPU time and resident memory of given processes, from /proc (Linux).
import { readFileSync } from 'node:fs';

export const CLOCK_TICKS_PER_S = 100; // USER_HZ

/** utime + stime of the processes, in clock ticks (a process that is gone counts 0). */
export function cpuTicks(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // pid (comm) state ppid … utime(14) stime(15); comm may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended
    }
  }
  return ticks;
}

/** Sum of VmRSS of the processes, in bytes. */
export function rssBytes(pids: readonly number[]): number {
  let bytes = 0;
  for (const pid of pids) {
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) bytes += Number(m[1]) * 1024;
    } catch {
      // ended
    }
  }
  return bytes;
}
