// `npm run seed` (scripts/seed.mjs): the demo data, imported through the API of a
// `wrangler dev` as `npm start` runs it, and safe to run twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { freePort } from '../../scripts/lib/ports.mjs';
import { run } from '../../scripts/lib/process.mjs';
import { startWranglerDev } from '../../scripts/lib/wrangler-dev.mjs';
import { demoSegments } from '../../scripts/seed.mjs';
import { SEGMENTOS } from '../support/api.mjs';

async function seed(...args) {
  const child = run('npm', ['run', '--silent', 'seed', '--', ...args]);
  const { code } = await child.exited;
  return { code, output: child.output };
}

describe('npm run seed, against wrangler dev', () => {
  let dev;
  const total = async (query = '') => {
    const response = await dev.fetch(`${SEGMENTOS}?limit=0${query}`);
    assert.equal(response.status, 200);
    return Number(response.headers.get('x-total-count'));
  };

  before(async () => {
    dev = await startWranglerDev({ vars: { ACCESS_MODE: 'open' } });
  });
  after(() => dev?.stop());

  it('the sample is a few hundred valid-looking segments over six cities, the same every time', () => {
    const sample = demoSegments();

    assert.deepEqual(demoSegments(), sample);
    assert.equal(sample.length, 360);
    assert.equal(new Set(sample.map((segment) => segment.ubicacion)).size, 6);
    assert.ok(new Set(sample.map((segment) => segment.nombre)).size > 300);
    assert.ok(sample.some((segment) => segment.descripcion) && sample.some((segment) => !segment.descripcion));
  });

  it('imports the sample through the bulk import and resurveys one in five', async () => {
    const { code, output } = await seed(dev.url);

    assert.equal(code, 0, output);
    assert.match(output, /Imported 360 segments in 6 cities .*resurveyed 72/);
    assert.equal(await total(), 360);
    assert.equal(await total(`&ubicacion=${encodeURIComponent('Córdoba')}`), 60);
    const page = await (await dev.fetch(`${SEGMENTOS}?limit=1000`)).json();
    const resurveyed = page.filter((segment) => segment.version === 2);
    assert.equal(resurveyed.length, 72);
    assert.ok(resurveyed.every((segment) => segment.updated_at > segment.created_at));
  });

  it('run again, it finds the sample and changes nothing', async () => {
    const { code, output } = await seed(dev.url);

    assert.equal(code, 0, output);
    assert.match(output, /already/);
    assert.equal(await total(), 360);
  });

  it('says to start the API when nothing answers', async () => {
    const closed = await freePort();
    const { code, output } = await seed(`http://127.0.0.1:${closed}`);

    assert.equal(code, 1);
    assert.match(output, /nothing answers at .*npm start/);
  });
});
