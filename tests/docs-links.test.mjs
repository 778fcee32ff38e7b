// The README and docs/ hold together: every relative link reaches a file that exists, every
// `#anchor` names a heading of its page (by GitHub's slug rules), and the README stays a
// front door of at most 400 lines. Plain files only: no build, no worker.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const rootDir = fileURLToPath(new URL('../', import.meta.url));
const README_MAX_LINES = 400;

const PAGES = [
  join(rootDir, 'README.md'),
  ...readdirSync(join(rootDir, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(rootDir, 'docs', name)),
];

/** The page's lines outside fenced code blocks (``` or ~~~), with their line numbers. */
function prose(text) {
  const lines = [];
  let fence = null;
  text.split('\n').forEach((line, index) => {
    const marker = line.match(/^\s{0,3}(`{3,}|~{3,})/);
    if (marker) {
      if (fence === null) fence = marker[1][0];
      else if (marker[1][0] === fence) fence = null;
      return;
    }
    if (fence === null) lines.push({ line, number: index + 1 });
  });
  return lines;
}

/** A heading's text as GitHub renders it: inline code, links and emphasis reduced to their text. */
const headingText = (markdown) =>
  markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(\*\*|__|\*)(.+?)\1/g, '$2')
    .replace(/<[^>]+>/g, '')
    .trim();

/**
 * GitHub's anchor for a heading (github-slugger): lowercase, punctuation and symbols dropped
 * except `-` and `_`, each space a `-`; a slug seen before on the page gets `-1`, `-2`, ...
 */
function slugger() {
  const occurrences = new Map();
  return (heading) => {
    const base = headingText(heading)
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    let slug = base;
    while (occurrences.has(slug)) {
      occurrences.set(base, occurrences.get(base) + 1);
      slug = `${base}-${occurrences.get(base)}`;
    }
    occurrences.set(slug, 0);
    return slug;
  };
}

/** The anchors of a Markdown page: one per ATX heading outside code. */
function anchorsOf(text) {
  const slug = slugger();
  return new Set(
    prose(text)
      .map(({ line }) => line.match(/^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/))
      .filter(Boolean)
      .map((match) => slug(match[1])),
  );
}

/** The inline links and images of a page outside code: `[text](target)` and `![alt](target)`. */
function linksOf(text) {
  return prose(text).flatMap(({ line, number }) =>
    [...line.replace(/`[^`]*`/g, '').matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => ({
      target: match[1],
      number,
    })),
  );
}

const isExternal = (target) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/** Every problem with the relative links of `page`, one sentence each. */
function brokenLinks(page) {
  const name = relative(rootDir, page);
  const problems = [];
  for (const { target, number } of linksOf(readFileSync(page, 'utf8'))) {
    if (isExternal(target)) continue;
    const [path, anchor] = target.split('#', 2);
    const file = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
    const where = `${name}:${number}: ${target}`;
    if (!existsSync(file)) {
      problems.push(`${where}: no such file`);
      continue;
    }
    if (anchor === undefined || anchor === '' || !file.endsWith('.md') || statSync(file).isDirectory()) continue;
    if (!anchorsOf(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor).toLowerCase())) {
      problems.push(`${where}: no heading of ${relative(rootDir, file)} has the anchor #${anchor}`);
    }
  }
  return problems;
}

describe('README and docs/', () => {
  it('GitHub slugs are lowercase, without punctuation, hyphenated, and numbered when repeated', () => {
    const slug = slugger();

    assert.equal(slug('What a request costs at 1,000,000 segments'), 'what-a-request-costs-at-1000000-segments');
    assert.equal(slug('Listing: filters, order, paging, GeoJSON'), 'listing-filters-order-paging-geojson');
    assert.equal(slug('OGC API - Features (GIS clients)'), 'ogc-api---features-gis-clients');
    assert.equal(slug('`npm start` and **the edit loop**'), 'npm-start-and-the-edit-loop');
    assert.equal(slug('snake_case stays'), 'snake_case-stays');
    assert.equal(slug('Errors'), 'errors');
    assert.equal(slug('Errors'), 'errors-1');
    assert.equal(slug('Errors'), 'errors-2');
  });

  it('a link to a missing file or heading is reported, and an external one is not checked', () => {
    const text = '# Top\n\n## A heading\n\n[ok](#a-heading) [bad](#nowhere) [web](https://example.com/x#y)\n'
      + '```\n[in code](missing.md)\n```\n[gone](missing.md) `[code span](missing.md)`\n';
    const anchors = anchorsOf(text);
    const links = linksOf(text).map(({ target }) => target);

    assert.deepEqual([...anchors], ['top', 'a-heading']);
    assert.deepEqual(links, ['#a-heading', '#nowhere', 'https://example.com/x#y', 'missing.md']);
    assert.ok(isExternal('https://example.com/x#y'));
  });

  it('docs/ holds the reference pages the README maps', () => {
    for (const page of ['api', 'sync', 'ogc', 'security', 'operations', 'performance', 'development']) {
      assert.ok(PAGES.includes(join(rootDir, 'docs', `${page}.md`)), `docs/${page}.md`);
    }
  });

  for (const page of PAGES) {
    it(`every relative link of ${relative(rootDir, page)} reaches a file, and every anchor a heading`, () => {
      assert.deepEqual(brokenLinks(page), []);
    });
  }

  it(`README.md is a front door of at most ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(join(rootDir, 'README.md'), 'utf8').replace(/\n$/, '').split('\n').length;

    assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines`);
  });

  it("every size budget the docs state is scripts/size.sh's GZIP_BUDGET_BYTES", () => {
    const budget = Number(readFileSync(join(rootDir, 'scripts/size.sh'), 'utf8').match(/^GZIP_BUDGET_BYTES=(\d+)$/m)[1]);
    const stated = PAGES.flatMap((page) =>
      prose(readFileSync(page, 'utf8'))
        .filter(({ line }) => /budget/i.test(line))
        .flatMap(({ line, number }) =>
          [...line.matchAll(/\b\d{1,3}(?:,\d{3})+\b/g)].map(([figure]) => ({
            where: `${relative(rootDir, page)}:${number}`,
            bytes: Number(figure.replaceAll(',', '')),
          }))));

    assert.deepEqual(stated.filter(({ bytes }) => bytes !== budget), [], `the budget is ${budget} bytes`);
  });

  it('README.md gives npm test as the test command, which CI runs', () => {
    const readme = readFileSync(join(rootDir, 'README.md'), 'utf8');

    assert.match(readme, /^npm test\b/m);
    assert.match(readFileSync(join(rootDir, '.ci/run'), 'utf8'), /^npm test$/m);
  });
});
