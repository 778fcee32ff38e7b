// Browser tests: Debian's headless Chromium driven by playwright-core (no browser download),
// with every request to another origin aborted, so the pages are tested offline exactly as
// they must work without a CDN or map tiles.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { rootDir } from '../../scripts/lib/paths.mjs';

const SCREENSHOTS = join(rootDir, 'test-output', 'screenshots');

/** Headless Chromium with a fresh temporary profile that talks to nothing on its own. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A new page in its own context, closed when test `t` ends. `blocked` lists the requests to
 * other origins (aborted); `problems` lists page errors and console errors, except the
 * "failed to load" errors Chromium logs for those aborted requests.
 */
export async function openPage(t, browser, worker) {
  const { origin } = new URL(worker.url);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  t.after(() => context.close());
  // Every wait is on a condition that holds within a second or two when the page works.
  context.setDefaultTimeout(10_000);
  const blocked = [];
  await context.route(
    (url) => url.protocol.startsWith('http') && url.origin !== origin,
    (route) => {
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !blocked.includes(message.location().url)) {
      problems.push(`console error: ${message.text()} (${message.location().url})`);
    }
  });
  return {
    page,
    blocked,
    /** Opens `path` on the worker. */
    goto: (path) => page.goto(new URL(path, worker.url).href),
    assertNoProblems: () => assert.deepEqual(problems, [], 'the page logged errors'),
  };
}

/** Saves a full-window screenshot as test-output/screenshots/<name>.png and reports its path. */
export async function saveScreenshot(t, page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  // Fast-forwards transitions such as Leaflet's popup fade-in, so the picture is final.
  await page.screenshot({ path, animations: 'disabled' });
  t.diagnostic(`screenshot: ${path}`);
  return path;
}

/**
 * Asserts that `response` (a page's document) carries a strict Content-Security-Policy and
 * that the browser enforces it: an inline script injected into the page does not run.
 */
export async function assertStrictContentSecurityPolicy(page, response) {
  const policy = response.headers()['content-security-policy'];
  assert.ok(policy, 'a Content-Security-Policy header');
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /script-src 'self'(;|$)/);
  assert.match(policy, /frame-ancestors 'none'/);
  assert.doesNotMatch(policy, /unsafe-|\*(?!\.)/, 'no unsafe-inline, unsafe-eval or bare wildcard');

  const refused = page.waitForEvent('console', (message) => /Content Security Policy/.test(message.text()));
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.injected = true';
    document.body.append(script);
  });
  await refused;
  assert.equal(await page.evaluate(() => window.injected), undefined, 'the injected inline script ran');
}
