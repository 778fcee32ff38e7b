#!/usr/bin/env node
// A gradual deploy of one environment, as .github/workflows/deploy.yml runs it:
//
//   npm run deploy -- <staging|production> <base-url> [--percent 10]
//
// 1. Applies the pending D1 migrations to the environment's remote database. Migrations
//    only ever expand the schema (docs/operations.md), so the version still serving
//    survives them.
// 2. Uploads the build as a new version (`wrangler versions upload`), serving nothing yet.
// 3. Deploys it to `--percent` of the traffic; the stable version keeps the rest.
// 4. Runs the smoke check (scripts/smoke.mjs) against the new version: the
//    Cloudflare-Workers-Version-Overrides header routes its requests there whatever the
//    split. The key comes from RECWAY_SMOKE_KEY.
// 5. Promotes the new version to 100%, or, when the smoke check fails, gives the stable
//    version its 100% back and exits 1.
//
// The first deploy of a Worker has no stable version: `wrangler deploy` puts it at 100% at
// once, and a failed smoke check can only be reported. Wrangler authenticates with
// CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { smoke } from './smoke.mjs';

const ENVIRONMENTS = ['staging', 'production'];

const say = (line) => console.log(`deploy: ${line}`);

/**
 * Runs wrangler with `args`; returns its standard output, or throws with all it printed. In
 * this process's group (not scripts/lib/process.mjs's run()), so that an operator's Ctrl-C
 * stops the deploy's wrangler too.
 */
function wrangler(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('wrangler', args, { env: { ...process.env, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0
      ? resolve(stdout)
      : reject(new Error(`wrangler ${args.join(' ')} exited with ${code}: ${(stderr || stdout).trim().slice(-500)}`))));
  });
}

/** The version serving most of the environment's traffic now, or null before the first deploy. */
async function stableVersion(environment) {
  let status;
  try {
    status = JSON.parse(await wrangler(['deployments', 'status', '--json', '--env', environment]));
  } catch (error) {
    // A Worker not created yet, or created but never deployed.
    if (/has no deployments|does not exist/.test(error.message)) return null;
    throw error;
  }
  const [stable] = [...status.versions].sort((a, b) => b.percentage - a.percentage);
  return stable.version_id;
}

/** Uploads the build as a version that serves nothing yet; returns its id and Worker name. */
async function uploadVersion(environment, message) {
  const dir = await mkdtemp(join(tmpdir(), 'recway-deploy-'));
  const outputFile = join(dir, 'wrangler-output.ndjson');
  try {
    await wrangler(['versions', 'upload', '--env', environment, '--message', message], { WRANGLER_OUTPUT_FILE_PATH: outputFile });
    const entries = (await readFile(outputFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    const upload = entries.find((entry) => entry.type === 'version-upload');
    if (!upload?.version_id) throw new Error(`wrangler versions upload reported no version id in ${outputFile}`);
    return { id: upload.version_id, worker: upload.worker_name };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Splits the traffic: `[[versionId, percent], ...]`. */
function route(environment, split, message) {
  const specs = split.map(([id, percent]) => `${id}@${percent}%`);
  return wrangler(['versions', 'deploy', ...specs, '--yes', '--env', environment, '--message', message]);
}

/** Runs the whole deploy; resolves when the new version serves 100%, throws otherwise. */
export async function deploy({ environment, baseUrl, percent = 10, key, message = 'recway deploy' }) {
  if (!ENVIRONMENTS.includes(environment)) throw new Error(`unknown environment "${environment}" (${ENVIRONMENTS.join(' or ')})`);
  if (!(Number.isInteger(percent) && percent > 0 && percent < 100)) throw new Error(`--percent must be a whole number from 1 to 99, not ${percent}`);
  const check = (headers = {}) => smoke(baseUrl, { key, headers, log: (line) => say(`smoke: ${line}`) });

  say(`applying D1 migrations to ${environment}'s remote database`);
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--remote', '--env', environment]);

  const stable = await stableVersion(environment);
  if (stable === null) {
    say(`first deploy of ${environment}: nothing to split traffic with, so 100% at once`);
    await wrangler(['deploy', '--env', environment, '--message', message]);
    await check().catch((error) => {
      throw new Error(`smoke check failed on the first deploy (no earlier version to roll back to): ${error.message}`);
    });
    say(`the first version serves 100% of ${environment}`);
    return;
  }

  const version = await uploadVersion(environment, message);
  await route(environment, [[version.id, percent], [stable, 100 - percent]], message);
  say(`version ${version.id} serves ${percent}%, the stable version ${stable} ${100 - percent}%`);
  try {
    await check({ 'cloudflare-workers-version-overrides': `${version.worker}="${version.id}"` });
  } catch (error) {
    say(`smoke check failed; rolling back to ${stable}`);
    await route(environment, [[stable, 100]], `rollback: ${message}`);
    throw new Error(`smoke check failed, rolled back to version ${stable}: ${error.message}`);
  }
  await route(environment, [[version.id, 100]], message);
  say(`version ${version.id} serves 100% of ${environment}`);
}

async function main() {
  const { values, positionals } = parseArgs({
    options: { percent: { type: 'string', default: '10' }, message: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 2) {
    console.error('usage: npm run deploy -- <staging|production> <base-url> [--percent 10] [--message text]  (smoke key in RECWAY_SMOKE_KEY)');
    process.exit(2);
  }
  const [environment, baseUrl] = positionals;
  try {
    await deploy({
      environment,
      baseUrl,
      percent: Number(values.percent),
      key: process.env.RECWAY_SMOKE_KEY || undefined,
      message: values.message,
    });
  } catch (error) {
    console.error(`✖ deploy: ${error.message}`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
