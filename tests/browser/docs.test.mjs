// GET /docs: Swagger UI rendering the live /openapi.json, in headless Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../../scripts/lib/worker-harness.mjs';
import { assertStrictContentSecurityPolicy, launchBrowser, openPage, saveScreenshot } from '../support/browser.mjs';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let worker;
let browser;

before(async () => {
  [worker, browser] = await Promise.all([startWorker(), launchBrowser()]);
});
after(() => Promise.all([browser?.close(), worker?.close()]));

/** `METHOD /path` for every operation of an OpenAPI document, sorted. */
function documentedOperations(openapi) {
  return Object.entries(openapi.paths)
    .flatMap(([path, item]) =>
      HTTP_METHODS.filter((method) => method in item).map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

describe('the API reference page', () => {
  // The v1 API's page, and OGC API Features' (its service-doc), one Swagger UI page each.
  for (const [pagePath, documentPath, screenshot] of [
    ['/docs', '/openapi.json', 'docs'],
    ['/ogc/docs', '/ogc/openapi.json', 'ogc-docs'],
  ]) {
    it(`${pagePath} lists every operation of the live ${documentPath}, loaded without errors`, async (t) => {
      const openapi = await (await worker.fetch(documentPath)).json();
      const { page, blocked, goto, assertNoProblems } = await openPage(t, browser, worker);
      const documentLoaded = page.waitForResponse((response) => new URL(response.url()).pathname === documentPath);

      await goto(pagePath);
      const documentResponse = await documentLoaded;
      // Swagger UI renders a title once it has parsed the document, or failed to load it.
      await page.locator('.swagger-ui .info .title').waitFor();
      const rendered = await page
        .locator('.opblock')
        .evaluateAll((blocks) =>
          blocks.map((block) => {
            const method = block.querySelector('.opblock-summary-method').textContent;
            return `${method} ${block.querySelector('.opblock-summary-path').dataset.path}`;
          }),
        );

      assert.equal(documentResponse.status(), 200);
      assert.deepEqual(await page.locator('.swagger-ui .errors-wrapper').allInnerTexts(), []);
      // The title is followed by badges with the version and the OpenAPI version.
      const title = await page.locator('.swagger-ui .info .title').innerText();
      assert.ok(title.startsWith(openapi.info.title), title);
      assert.deepEqual(rendered.sort(), documentedOperations(openapi));
      assert.deepEqual(blocked, [], 'the page requested other origins');
      assertNoProblems();
      await saveScreenshot(t, page, screenshot);
    });
  }

  it('is served with a strict Content-Security-Policy that the browser enforces', async (t) => {
    const { page, goto } = await openPage(t, browser, worker);

    const response = await goto('/docs');
    await page.locator('.swagger-ui .info .title').waitFor();

    await assertStrictContentSecurityPolicy(page, response);
  });
});
