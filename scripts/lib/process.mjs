// Child processes for the tests, the benchmarks and the scripts. Each starts in its own
// process group with its output captured, so that one signal stops a command and all it
// started (wrangler's workerd, npm's node), and a failure can say what the command printed.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

import { rootDir } from './paths.mjs';

// All a build or a test prints, and a bounded tail of a server that logs every request
// through a benchmark's millions.
const OUTPUT_KEPT = 1_000_000;
// How long stopGroup() waits after its signal before it sends SIGKILL.
const STOP_GRACE_MS = 15_000;

/**
 * Starts `command` in its own process group, in `cwd` (the repository's root unless told),
 * with `env` over this process's environment. The child gains `output`, its stdout and
 * stderr as they came (at least the last OUTPUT_KEPT characters), and `exited`, a promise
 * of `{ code, signal }` (and `error`, with code null, when it could not start at all).
 */
export function run(command, args, { cwd = rootDir, env = {} } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  const append = (text) => {
    child.output += text;
    // Trimmed only at twice the length kept, so that a chunk does not copy the whole tail.
    if (child.output.length > 2 * OUTPUT_KEPT) child.output = child.output.slice(-OUTPUT_KEPT);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    // A command that cannot start (not on PATH) emits 'error', and maybe no 'exit'.
    child.on('error', (error) => {
      append(`${error.message}\n`);
      resolve({ code: null, signal: null, error });
    });
  });
  return child;
}

/** Runs a command (as run() does) to its end; its output, or an error with it if it failed. */
export async function runToEnd(command, args, options) {
  const child = run(command, args, options);
  const { code, signal } = await child.exited;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${signal ?? code}):\n${child.output}`);
  return child.output;
}

/** Sends `signal` to every process in `child`'s group; those already gone are no error. */
function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/**
 * Stops `child` (from run()) and every process in its group with `signal`, then SIGKILL if
 * the child has not ended after a grace period. Resolves to how the child exited.
 */
export async function stopGroup(child, signal = 'SIGTERM') {
  // Once stopped, the group's number is free for another process to take: not signalled again.
  if (child.pid === undefined || child.stopped) return child.exited;
  // Even when the child has ended: what it started may still run in its group.
  signalGroup(child, signal);
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_GRACE_MS);
  try {
    return await child.exited;
  } finally {
    clearTimeout(timer);
    child.stopped = true;
  }
}

/**
 * A process's command name, state (`Z`: a zombie), parent and CPU ticks so far, from
 * /proc/<pid>/stat (Linux). Throws when there is no such process.
 */
export function procStat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command is in parentheses and may hold spaces: the other fields follow the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    command: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')),
    state: fields[0],
    parent: Number(fields[1]),
    userTicks: Number(fields[11]),
    systemTicks: Number(fields[12]),
  };
}

/** Every process running now, by pid, as procStat() reads it. */
function processes() {
  const stats = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.set(Number(entry), procStat(entry));
    } catch {
      // it ended while we looked
    }
  }
  return stats;
}

/** `root` and every process below it (Linux). */
export function processTree(root) {
  const stats = processes();
  const tree = [root];
  for (let index = 0; index < tree.length; index += 1) {
    for (const [pid, { parent }] of stats) if (parent === tree[index]) tree.push(pid);
  }
  return tree.filter((pid) => stats.has(pid));
}

/** The pid of a child of `parent` whose command is `command`, if there is one now. */
export function childNamed(parent, command) {
  return [...processes()].find(([, stat]) => stat.parent === parent && stat.command === command)?.[0];
}
