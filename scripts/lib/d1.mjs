// The local or remote D1 of a command-line script, through `wrangler d1` (which takes no
// bound parameters). Target options, as for `wrangler d1 execute`: --local (the default;
// add --persist-to <dir> for a database outside .wrangler/state) or --remote, and
// --env <staging|production> for an environment's database.
import { spawnSync } from 'node:child_process';

/** `--flag value` and `--flag` options, and the positional arguments. */
export function parseArgs(argv) {
  const options = {};
  const positional = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
    } else if (['--local', '--remote'].includes(arg)) {
      options[arg.slice(2)] = true;
    } else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`);
      options[arg.slice(2)] = value;
      i += 1;
    }
  }
  return { options, positional };
}

/** `wrangler d1 <command> DB` with the target's options and `args`; its stdout. */
export function wrangler(command, args, options, { persists = true } = {}) {
  if (options.local && options.remote) throw new Error('choose --local or --remote, not both');
  const all = ['d1', command, 'DB', options.remote ? '--remote' : '--local', ...args];
  if (options.env) all.push('--env', options.env);
  if (persists && options['persist-to']) all.push('--persist-to', options['persist-to']);
  if (options.config) all.push('--config', options.config);
  const result = spawnSync('wrangler', all, { encoding: 'utf8', env: { ...process.env, CI: '1' }, maxBuffer: 1 << 28 });
  if (result.status !== 0) {
    throw new Error(`wrangler d1 ${command} failed:\n${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

/** Runs SQL (one statement or several, in one transaction) and returns each one's rows. */
export function executeAll(sql, options) {
  // `--command=`: a statement that starts with a comment (`--`) is not an option.
  return JSON.parse(wrangler('execute', ['--json', `--command=${sql}`], options)).map(({ results }) => results);
}

/** Runs one statement and returns its rows. */
export function execute(sql, options) {
  return executeAll(sql, options)[0];
}
