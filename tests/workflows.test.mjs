// The GitHub Actions workflows, offline: `scripts/check-workflows.sh` validates them against
// SchemaStore's schemas (npm test runs it on .github/); these tests show that it rejects a
// broken workflow, and check what a schema cannot: the references between files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { rootDir } from '../scripts/lib/paths.mjs';

const WORKFLOWS = join(rootDir, '.github/workflows');
const workflows = readdirSync(WORKFLOWS)
  .filter((name) => name.endsWith('.yml'))
  .map((name) => ({ name, text: readFileSync(join(WORKFLOWS, name), 'utf8') }));
const all = [...workflows, { name: 'actions/setup', text: readFileSync(join(rootDir, '.github/actions/setup/action.yml'), 'utf8') }];

/** The secrets docs/operations.md's "Deploy" section asks for. */
const DOCUMENTED_SECRETS = ['CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_ACCOUNT_ID', 'RECWAY_SMOKE_KEY'];

const matches = (text, pattern) => [...text.matchAll(pattern)].map((match) => match[1]);

describe('GitHub Actions workflows', () => {
  it('are test, deploy and backup', () => {
    assert.deepEqual(workflows.map(({ name }) => name).sort(), ['backup.yml', 'deploy.yml', 'test.yml']);
  });

  it('a workflow with a misspelt key fails the schema check', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'recway-workflow-'));
    try {
      const broken = join(dir, 'broken.yml');
      await writeFile(broken, 'on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    stepz:\n      - run: npm test\n');
      const check = spawnSync('bash', ['scripts/check-workflows.sh', broken], { cwd: rootDir, encoding: 'utf8' });

      assert.equal(check.status, 1, check.stdout + check.stderr);
      assert.match(check.stdout, /'stepz' was unexpected/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('read only the secrets the deploy docs document, and the docs name each', () => {
    const readme = readFileSync(join(rootDir, 'docs/operations.md'), 'utf8');
    const used = new Set(all.flatMap(({ text }) => matches(text, /secrets\.([A-Za-z_]+)/g)));

    assert.deepEqual([...used].sort(), [...DOCUMENTED_SECRETS].sort());
    for (const secret of DOCUMENTED_SECRETS) assert.ok(readme.includes(`\`${secret}\``), secret);
  });

  it('use local actions and workflows that exist', () => {
    const local = all.flatMap(({ text }) => matches(text, /uses: \.\/(\S+)/g));

    assert.ok(local.length > 0);
    for (const path of local) {
      const file = path.endsWith('.yml') ? path : join(path, 'action.yml');
      assert.ok(existsSync(join(rootDir, file)), `${path} does not exist`);
    }
  });

  it('need only jobs of their own workflow', () => {
    for (const { name, text } of workflows) {
      const jobs = matches(text.slice(text.indexOf('\njobs:')), /^ {2}([a-z][\w-]*):/gm);
      for (const needed of matches(text, /^ {4}needs: (\S+)/gm)) {
        assert.ok(jobs.includes(needed), `${name}: needs "${needed}", jobs are ${jobs}`);
      }
    }
  });

  it('deploy with npm run deploy, after the tests', () => {
    const deploy = workflows.find(({ name }) => name === 'deploy.yml').text;

    assert.match(deploy, /uses: \.\/\.github\/workflows\/test\.yml/);
    assert.match(deploy, /needs: test/);
    assert.match(deploy, /run: npm run deploy -- "\$ENVIRONMENT" "\$RECWAY_URL"/);
  });
});
