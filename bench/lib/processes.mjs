// CPU time and peak memory of the processes that serve a target, read from /proc (Linux).
// (Which processes serve: scripts/lib/process.mjs's processTree().)
import { readFileSync, writeFileSync } from 'node:fs';

import { procStat } from '../../scripts/lib/process.mjs';

const CLOCK_TICKS_PER_SECOND = 100; // `getconf CLK_TCK` on Linux

/** User + system CPU seconds the processes have used so far. */
export function cpuSeconds(pids) {
  return pids.reduce((total, pid) => {
    const { userTicks, systemTicks } = procStat(pid);
    return total + (userTicks + systemTicks) / CLOCK_TICKS_PER_SECOND;
  }, 0);
}

/** Starts a new peak-memory window: Linux resets VmHWM to the current RSS. */
export function resetPeakMemory(pids) {
  for (const pid of pids) writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** The sum of the processes' peak resident memory (VmHWM) since the last reset, in bytes. */
export function peakMemoryBytes(pids) {
  return pids.reduce((total, pid) => {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB$/m);
    return total + Number(match[1]) * 1024;
  }, 0);
}
