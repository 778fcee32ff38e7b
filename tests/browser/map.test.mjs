// GET /map: the segment map, in headless Chromium, with no base-map tiles (they are
// external, so blocked): the points must still be drawn.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startWorker } from '../../scripts/lib/worker-harness.mjs';
import { createSegment, SEGMENTOS } from '../support/api.mjs';
import { assertStrictContentSecurityPolicy, launchBrowser, openPage, saveScreenshot } from '../support/browser.mjs';

const CORDOBA = '-64.3,-31.5,-64.1,-31.3';
const MENDOZA = '-69,-33,-68.7,-32.8';
const ACROSS_ANTIMERIDIAN = '179,-10,-179,10';

let worker;
let browser;
let cordoba; // the segments inside CORDOBA, west to east
let hostile; // the only segment inside MENDOZA, with markup in its text
let antimeridian; // one segment on each side of it

before(async () => {
  [worker, browser] = await Promise.all([startWorker(), launchBrowser()]);
  cordoba = [
    await createSegment(worker, {
      nombre: 'Av. Colón',
      descripcion: 'Baches en el carril derecho',
      ubicacion: 'Córdoba',
      longitud: -64.25,
      latitud: -31.42,
    }),
    await createSegment(worker, { nombre: 'Bv. San Juan', longitud: -64.19, latitud: -31.41 }),
    await createSegment(worker, { nombre: 'Av. Sabattini', longitud: -64.15, latitud: -31.43 }),
  ];
  await createSegment(worker, { nombre: 'Gran Vía', ubicacion: 'Madrid', longitud: -3.7038, latitud: 40.4168 });
  await createSegment(worker, { nombre: 'Ginza', ubicacion: 'Tokio', longitud: 139.7671, latitud: 35.6812 });
  hostile = await createSegment(worker, {
    nombre: '<img src=x onerror="window.injected = true">',
    descripcion: '<script>window.injected = true</script>',
    longitud: -68.84,
    latitud: -32.89,
  });
  antimeridian = [
    await createSegment(worker, { nombre: 'Taveuni', longitud: 179.5, latitud: -1 }),
    await createSegment(worker, { nombre: 'Rabi', longitud: -179.5, latitud: 1 }),
  ];
});
after(() => Promise.all([browser?.close(), worker?.close()]));

/** Opens /map at `query` and waits until it has loaded the segments of the view. */
async function openMap(t, query = '') {
  const session = await openPage(t, browser, worker);
  await session.goto(`/map${query}`);
  await session.page.locator('#map-status:not([data-state="loading"])').waitFor();
  return session;
}

/** The centre of every marker, in page pixels. */
function markerCentres(page) {
  return page.locator('.segment-marker').evaluateAll((markers) =>
    markers.map((marker) => {
      const box = marker.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }),
  );
}

/** Asserts that every point lies inside the browser window. */
function assertInWindow(page, points) {
  const { width, height } = page.viewportSize();
  for (const { x, y } of points) {
    assert.ok(x > 0 && x < width && y > 0 && y < height, `marker at ${x},${y} is outside the window`);
  }
}

/** An XYZ tile URL template as a pattern: each {placeholder} stands for any path segment. */
function tilePattern(template) {
  const literal = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${literal.replace(/\{[^}]*\}/g, '[^/]*')}$`);
}

/** The text of every open popup, once one shows. */
async function popupTexts(page) {
  await page.locator('.leaflet-popup').first().waitFor();
  // Leaflet fades a closed popup out (inline opacity 0) for 200 ms before removing it.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.leaflet-popup')].every((popup) => popup.style.opacity !== '0'),
  );
  return page.locator('.leaflet-popup-content').allInnerTexts();
}

describe('the segment map', () => {
  it('draws one marker per segment in the requested view', async (t) => {
    const { page, assertNoProblems } = await openMap(t, `?bbox=${CORDOBA}`);

    const centres = await markerCentres(page);

    assert.equal(centres.length, cordoba.length);
    assertInWindow(page, centres);
    assert.equal(await page.locator('#map-status').innerText(), `${cordoba.length} segmentos`);
    assertNoProblems();
  });

  it('opens a popup with the clicked segment’s details', async (t) => {
    const { page, assertNoProblems } = await openMap(t, `?bbox=${CORDOBA}`);
    // Screen x grows with longitude, so the leftmost marker is the westernmost segment.
    const centres = await markerCentres(page);
    const westernmost = centres.reduce((left, centre) => (centre.x < left.x ? centre : left));
    const segment = cordoba[0];

    await page.mouse.click(westernmost.x, westernmost.y);
    const [text, ...others] = await popupTexts(page);

    assert.deepEqual(others, []);
    assert.equal(await page.locator('.leaflet-popup-content strong').innerText(), segment.nombre);
    for (const detail of [segment.descripcion, segment.ubicacion, segment.latitud, segment.longitud]) {
      assert.ok(text.includes(String(detail)), `${detail} is not in ${JSON.stringify(text)}`);
    }
    assertNoProblems();
    await saveScreenshot(t, page, 'map');
  });

  it('keeps the open popup when the view moves and reloads', async (t) => {
    const { page, assertNoProblems } = await openMap(t, `?bbox=${CORDOBA}`);
    const [marker] = await markerCentres(page);
    await page.mouse.click(marker.x, marker.y);
    const opened = await popupTexts(page);
    const reloaded = page.waitForResponse((response) => new URL(response.url()).pathname === SEGMENTOS);

    // Drag the map a little by an empty corner: the segment stays in view.
    await page.mouse.move(100, 700);
    await page.mouse.down();
    await page.mouse.move(160, 660, { steps: 5 });
    await page.mouse.up();
    await reloaded;
    await page.locator('#map-status[data-state="ready"]').waitFor();

    assert.equal(opened.length, 1);
    assert.deepEqual(await popupTexts(page), opened);
    assertNoProblems();
  });

  it('shows markup in a segment’s text as text, creating no element', async (t) => {
    const { page, assertNoProblems } = await openMap(t, `?bbox=${MENDOZA}`);

    await page.locator('.segment-marker').click();
    const [text, ...others] = await popupTexts(page);

    assert.deepEqual(others, []);
    assert.equal(await page.locator('.leaflet-popup-content strong').innerText(), hostile.nombre);
    assert.ok(text.includes(hostile.descripcion), text);
    assert.equal(await page.locator('.leaflet-popup-content img, .leaflet-popup-content script').count(), 0);
    assert.equal(await page.evaluate(() => window.injected), undefined);
    assertNoProblems();
  });

  it('shows the segments on both sides of the antimeridian in a view across it', async (t) => {
    const { page, assertNoProblems } = await openMap(t, `?bbox=${ACROSS_ANTIMERIDIAN}`);

    const centres = await markerCentres(page);

    assert.equal(centres.length, antimeridian.length);
    assertInWindow(page, centres);
    assertNoProblems();
  });

  it('requests nothing from other origins but the configured base-map tiles', async (t) => {
    const { page, blocked, assertNoProblems } = await openMap(t);
    const template = await page.locator('#map').getAttribute('data-tile-url');

    if (template === '') {
      assert.deepEqual(blocked, []);
    } else {
      const tile = tilePattern(template);
      assert.ok(blocked.length > 0, 'no tile was requested');
      assert.deepEqual(blocked.filter((url) => !tile.test(url)), []);
    }
    assertNoProblems();
  });

  it('is served with a strict Content-Security-Policy that the browser enforces', async (t) => {
    const { page, goto } = await openPage(t, browser, worker);

    const response = await goto('/map');
    await page.locator('#map-status:not([data-state="loading"])').waitFor();

    await assertStrictContentSecurityPolicy(page, response);
  });
});
