#!/usr/bin/env node
// Smoke check of a running RecWay API: `npm run smoke -- <base-url> [--key <api-key>]`.
//
// Health, database health, then one segment's whole life: create it (tagged, so it can be
// told apart from real data), read it, find it in a list, delete it, and check it is gone.
// Each step is printed with its latency. The first failure stops the check with a clear
// message and exit code 1; the segment is deleted whatever happened, so the check never
// leaves data behind. The key may also come from RECWAY_SMOKE_KEY (as a deploy pipeline
// passes a secret), which keeps it out of the process list.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import { SEGMENTOS } from './lib/api.mjs';

const TIMEOUT_MS = 10_000;

/** A failed step: what was expected and what came back. */
class StepFailure extends Error {}

/**
 * Runs the check against `baseUrl`; `log` receives one line per step. `headers` go with
 * every request (a deploy routes them to the version it checks).
 */
export async function smoke(baseUrl, { key, headers: common = {}, log = console.log } = {}) {
  const base = new URL(baseUrl);
  const tag = `smoke-${randomUUID().slice(0, 8)}`;
  const auth = key ? { authorization: `Bearer ${key}` } : {};
  const call = async (method, path, { body, headers = {} } = {}) => {
    const response = await fetch(new URL(path, base), {
      method,
      headers: { ...common, ...auth, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    return { response, text, json: () => JSON.parse(text) };
  };
  const expect = (answer, status, what) => {
    if (answer.response.status !== status) {
      throw new StepFailure(`${what}: expected ${status}, got ${answer.response.status}: ${answer.text.slice(0, 300)}`);
    }
    return answer;
  };
  const step = async (name, run) => {
    const started = performance.now();
    try {
      const detail = await run();
      log(`✔ ${name} (${(performance.now() - started).toFixed(0)} ms)${detail ? `: ${detail}` : ''}`);
    } catch (error) {
      const reason = error instanceof StepFailure ? error.message : `${error.name}: ${error.message}`;
      throw new StepFailure(`${name} failed: ${reason}`);
    }
  };

  let created;
  let deleted = false;
  try {
    await step('health', async () => {
      expect(await call('GET', '/health'), 200, 'GET /health');
    });
    await step('database health', async () => {
      const answer = expect(await call('GET', '/health/database'), 200, 'GET /health/database');
      return `${answer.json().database?.latency_ms ?? '?'} ms to D1`;
    });
    await step('create a segment', async () => {
      const segment = { nombre: `Smoke check ${tag}`, descripcion: 'Deleted by the smoke check', longitud: 0, latitud: 0, ubicacion: tag };
      const answer = expect(await call('POST', SEGMENTOS, { body: segment, headers: { 'idempotency-key': tag } }), 201, `POST ${SEGMENTOS}`);
      created = { ...answer.json(), etag: answer.response.headers.get('etag') };
      return `id ${created.id_segmento}`;
    });
    const item = `${SEGMENTOS}/${created.id_segmento}`;
    await step('read it', async () => {
      const answer = expect(await call('GET', item), 200, `GET ${item}`);
      if (answer.json().ubicacion !== tag) throw new StepFailure(`GET ${item} answered another segment: ${answer.text}`);
    });
    await step('find it in a list', async () => {
      const path = `${SEGMENTOS}?ubicacion=${encodeURIComponent(tag)}`;
      const listed = expect(await call('GET', path), 200, `GET ${path}`).json();
      if (!listed.some((segment) => segment.id_segmento === created.id_segmento)) {
        throw new StepFailure(`GET ${path} does not list segment ${created.id_segmento}`);
      }
    });
    await step('delete it', async () => {
      expect(await call('DELETE', item, { headers: { 'if-match': created.etag } }), 204, `DELETE ${item}`);
      deleted = true;
    });
    await step('it is gone', async () => {
      expect(await call('GET', item), 404, `GET ${item} after the delete`);
    });
  } finally {
    if (created && !deleted) {
      // Best effort: the check must not leave its segment behind, even when it failed.
      const left = await call('DELETE', `${SEGMENTOS}/${created.id_segmento}`).catch((error) => ({ text: error.message }));
      log(left.response?.status === 204
        ? `✔ cleaned up segment ${created.id_segmento}`
        : `✖ could not delete segment ${created.id_segmento} (tag ${tag}): ${left.text}`);
    }
  }
}

async function main() {
  const { values, positionals } = parseArgs({ options: { key: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) {
    console.error('usage: npm run smoke -- <base-url> [--key <api-key>]  (or RECWAY_SMOKE_KEY)');
    process.exit(2);
  }
  const started = performance.now();
  try {
    await smoke(positionals[0], { key: values.key ?? process.env.RECWAY_SMOKE_KEY });
    console.log(`smoke check passed against ${positionals[0]} in ${(performance.now() - started).toFixed(0)} ms`);
  } catch (error) {
    console.error(`✖ ${error.message}`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
