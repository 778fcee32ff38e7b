// CPU time and peak memory of the processes that serve a target, read from /proc (Linux).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // `getconf CLK_TCK` on Linux

function stat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { parent: Number(fields[1]), userTicks: Number(fields[11]), systemTicks: Number(fields[12]) };
}

/** `root` and every process below it. */
export function processTree(root) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      parents.set(Number(entry), stat(entry).parent);
    } catch {
      // ended while we looked
    }
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index += 1) {
    for (const [pid, parent] of parents) if (parent === tree[index]) tree.push(pid);
  }
  return tree.filter((pid) => parents.has(pid));
}

/** User + system CPU seconds the processes have used so far. */
export function cpuSeconds(pids) {
  return pids.reduce((total, pid) => {
    const { userTicks, systemTicks } = stat(pid);
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
