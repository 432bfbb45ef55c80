// Scheduling priority for a benchmark's server over its browsers (caucus and join).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Gives the process that hosts the server (the jiefen server process, or this one for the
 * baseline) and its mediasoup workers — every thread — scheduling priority over the three
 * browsers, which on 2 cores stand in for three remote devices and keep the CPU busy. Without
 * it, server figures measure how long the server waits for a core behind a browser's video
 * encoder, not the server. `nice` alone is not enough: it shares CPU time by weight but does not
 * make a waking thread run at once (measured: break p95 111 ms with nice -10, the pause round
 * trip to the worker ~40 ms at the moment of a switch while pings at other times take 0.8 ms).
 * `rtPriority` > 0 puts the threads in SCHED_RR (chrt) — the server preempts the browsers when
 * it wakes, as it would on a machine of its own. Returns the threads changed. With `rtPriority`
 * 0, processes forked later (browsers) inherit `nice`.
 */
export function prioritiseServer(nice: number, rtPriority: number, serverPid: number = process.pid): number {
  const pids = [serverPid, ...childPids(serverPid).filter((pid) => commOf(pid).startsWith('mediasoup'))];
  let changed = 0;
  for (const pid of pids) {
    for (const tid of safeList(`/proc/${pid}/task`)) {
      try {
        if (nice !== 0) setPriority(Number(tid), nice);
        // Reset on fork: a browser this process launches later (join: one set per run) starts as usual.
        if (rtPriority > 0) execFileSync('chrt', ['-r', '-R', '-p', String(rtPriority), tid], { stdio: 'ignore' });
        changed++;
      } catch {
        // the thread ended, or no permission: leave it
      }
    }
  }
  return changed;
}

function childPids(parent: number): number[] {
  const out: number[] = [];
  for (const name of safeList('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(Number(name));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
