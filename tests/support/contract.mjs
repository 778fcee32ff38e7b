// Checks live responses against the published OpenAPI document (/openapi.json): each
// response's status must be documented for its operation, its media type must be one the
// operation declares, its JSON body must match the declared schema (JSON Schema 2020-12, as
// OpenAPI 3.1 uses), and the documented headers must be there.
import assert from 'node:assert/strict';

import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const DOCUMENT_ID = 'openapi.json';

/** `~` and `/` escaped for a JSON pointer segment. */
const pointer = (segment) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** `/api/v1/segmentos/{id_segmento}` as a regular expression for concrete paths. */
function templateRegExp(template) {
  const pattern = template
    .split(/\{[^}]+\}/)
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}/?$`);
}

/**
 * Headers documented as sent only sometimes: `link` when more segments follow,
 * `idempotent-replayed` on a replay, `x-d1-bookmark` when the request reached D1 or sent one,
 * `x-total-count` when the list is unfiltered or asked to count (`preference-applied`).
 */
const CONDITIONAL_HEADERS = new Set(['link', 'idempotent-replayed', 'x-d1-bookmark', 'x-total-count', 'preference-applied']);

export class Contract {
  /** The operations and statuses checked so far, as `GET /path 200`. */
  seen = new Set();

  constructor(document) {
    this.document = document;
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    // OpenAPI's numeric formats are descriptive; the schemas' types and bounds do the checking.
    for (const format of ['int32', 'int64', 'float', 'double']) this.ajv.addFormat(format, true);
    this.ajv.addSchema(document, DOCUMENT_ID);
    // Literal paths first: `/segmentos/bulk` is not `/segmentos/{id_segmento}`, as in
    // OpenAPI's own matching rule.
    const literalFirst = (template) => (template.includes('{') ? 1 : 0);
    this.templates = Object.keys(document.paths)
      .sort((a, b) => literalFirst(a) - literalFirst(b))
      .map((template) => [template, templateRegExp(template)]);
  }

  /** Every documented `METHOD path status`, but 500s (which no correct request causes). */
  documented() {
    const all = [];
    for (const [template, item] of Object.entries(this.document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const status of Object.keys(operation.responses)) {
          if (status !== '500') all.push(`${method.toUpperCase()} ${template} ${status}`);
        }
      }
    }
    return all.sort();
  }

  /** Asserts that one exchange matches the document; returns the parsed body. */
  check(method, url, response, text) {
    const { pathname } = new URL(url);
    const match = this.templates.find(([, regExp]) => regExp.test(pathname));
    assert.ok(match, `${pathname} is not in the document`);
    const [template] = match;
    const operation = this.document.paths[template][method.toLowerCase()];
    assert.ok(operation, `${method} ${template} is not documented`);
    const status = String(response.status);
    const documented = operation.responses[status];
    assert.ok(documented, `${method} ${template} answered ${status}, which is not documented`);
    this.seen.add(`${method} ${template} ${status}`);

    for (const name of Object.keys(documented.headers ?? {})) {
      // Every documented header is always sent, except these, whose descriptions say when.
      if (CONDITIONAL_HEADERS.has(name)) continue;
      assert.ok(response.headers.has(name), `${method} ${template} ${status} lacks ${name}`);
    }
    const content = documented.content ?? {};
    if (Object.keys(content).length === 0) {
      assert.equal(text, '', `${method} ${template} ${status} documents no body`);
      return undefined;
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
    assert.ok(
      mediaType in content,
      `${method} ${template} ${status}: ${mediaType} is not one of ${Object.keys(content)}`,
    );
    if (!content[mediaType].schema || !mediaType.endsWith('json')) return text;
    const body = JSON.parse(text);
    const location = ['paths', template, method.toLowerCase(), 'responses', status, 'content']
      .concat(mediaType, 'schema')
      .map(pointer)
      .join('/');
    const validate = this.ajv.getSchema(`${DOCUMENT_ID}#/${location}`);
    assert.ok(validate, `no schema at ${location}`);
    assert.ok(
      validate(body),
      `${method} ${template} ${status} (${mediaType}) does not match its schema: ` +
        `${this.ajv.errorsText(validate.errors)}\n${text.slice(0, 500)}`,
    );
    return body;
  }
}
