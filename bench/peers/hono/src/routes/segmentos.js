// `/api/v1/segmentos` and `/api/v1/segmentos/{id}`: list, create, read, update, delete.
import { Hono } from 'hono';

import { listEtag, noneMatch, segmentEtag, writeConditions } from '../conditions.js';
import { deleteSegment, findSegment, insertSegment, listSegments, updateSegment } from '../db.js';
import { ApiError } from '../errors.js';
import { allowOnly, d1Session, header, rawLastSegment } from '../http.js';
import { parseJsonObject, readBody } from '../json-body.js';
import { cursorAfter, parseListQuery } from '../listing.js';
import { FIELD_NAMES, parseId, validateNew, validatePatch } from '../segmento.js';

export const COLLECTION_PATH = '/api/v1/segmentos';

export const segmentos = new Hono();
segmentos.use(d1Session());
const collection = allowOnly('GET, HEAD, POST');
const item = allowOnly('GET, HEAD, PUT, PATCH, DELETE');

/**
 * A page of segments, filtered and ordered, newest first unless asked otherwise. The total of
 * matches is in `X-Total-Count`; when more follow, `Link: <...>; rel="next"` repeats the query
 * with a keyset cursor, which stays correct while segments are added or removed.
 */
segmentos.get('/', async (c) => {
  const url = c.req.url;
  const queryAt = url.indexOf('?');
  const query = parseListQuery(queryAt === -1 ? '' : url.slice(queryAt + 1));
  const { total, rows, more } = await listSegments(c.get('db'), query);
  // The cursor keeps the last row's exact distance; the body shows it to the millimetre.
  const next = more && rows.length > 0 ? nextPage(url, cursorAfter(rows.at(-1), query.sort)) : undefined;
  if (query.filter.near) {
    for (const row of rows) row.distance_m = Math.round(row.distance_m * 1000) / 1000;
  }
  const body = JSON.stringify(rows);
  const etag = await listEtag(body, total, next);
  c.header('Vary', 'accept');
  c.header('ETag', etag);
  if (noneMatch(header(c, 'if-none-match'), etag)) return c.body(null, 304);
  c.header('X-Total-Count', String(total));
  if (next) c.header('Link', `<${next}>; rel="next"`);
  c.header('Content-Type', 'application/json');
  return c.body(body);
});

/** This list's URL with its position replaced by `cursor` (`skip` too: the cursor holds it). */
function nextPage(url, cursor) {
  const queryAt = url.indexOf('?');
  const params = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
  params.delete('cursor');
  params.delete('skip');
  params.append('cursor', cursor);
  return `${queryAt === -1 ? url : url.slice(0, queryAt)}?${params}`;
}

/** Creates a segment: `201` with it, its `Location` and `ETag`. */
segmentos.post('/', async (c) => {
  const body = parseJsonObject(await readBody(c), FIELD_NAMES);
  const { segment, errors } = body.errors ? body : validateNew(body.value);
  if (errors) throw ApiError.validation(errors);
  const row = await insertSegment(c.get('db'), segment);
  c.header('Location', `${COLLECTION_PATH}/${row.id_segmento}`);
  c.header('ETag', segmentEtag(row.id_segmento, row.version));
  return c.json(row, 201);
});

segmentos.options('/', collection.options);
segmentos.all('/', collection.notAllowed);

/** One segment, with its strong `ETag`; `304` when `If-None-Match` names it. */
segmentos.get('/:id', async (c) => {
  const { id, errors } = parseId(rawLastSegment(c.req.url));
  if (errors) throw ApiError.validation(errors);
  const row = await findSegment(c.get('db'), id);
  if (!row) throw ApiError.segmentoNotFound(id);
  const etag = segmentEtag(row.id_segmento, row.version);
  c.header('Vary', 'accept');
  c.header('ETag', etag);
  if (noneMatch(header(c, 'if-none-match'), etag)) return c.body(null, 304);
  return c.json(row);
});

/**
 * `PUT` and `PATCH` alike change only the fields sent (RecWay clients send partial bodies to
 * both). A bad id and a bad body are reported together; with `If-Match`, the update happens
 * only if the segment is still at a version it names.
 */
segmentos.on(['PUT', 'PATCH'], '/:id', async (c) => {
  const path = parseId(rawLastSegment(c.req.url));
  const body = parseJsonObject(await readBody(c), FIELD_NAMES);
  const patch = body.errors ? body : validatePatch(body.value);
  const errors = [...(path.errors ?? []), ...(patch.errors ?? [])];
  if (errors.length > 0) throw ApiError.validation(errors);
  const conditions = requestConditions(c, path.id);
  const row = settled(path.id, await updateSegment(c.get('db'), path.id, patch.segment, conditions));
  c.header('ETag', segmentEtag(row.id_segmento, row.version));
  return c.json(row);
});

/** Deletes a segment (with `If-Match`, only at a version it names): `204`. */
segmentos.delete('/:id', async (c) => {
  const { id, errors } = parseId(rawLastSegment(c.req.url));
  if (errors) throw ApiError.validation(errors);
  settled(id, await deleteSegment(c.get('db'), id, requestConditions(c, id)));
  return c.body(null, 204);
});

segmentos.options('/:id', item.options);
segmentos.all('/:id', item.notAllowed);

/** The request's `If-Match` and `If-None-Match` for a write to segment `id`; `422` if malformed. */
function requestConditions(c, id) {
  const { conditions, errors } = writeConditions(id, header(c, 'if-match'), header(c, 'if-none-match'));
  if (errors) throw ApiError.validation(errors);
  return conditions;
}

/** The written row, or the error a refused or missing segment is. */
function settled(id, outcome) {
  if (outcome.refused !== undefined) throw ApiError.preconditionFailed(segmentEtag(id, outcome.refused));
  if (outcome.missing) throw ApiError.segmentoNotFound(id);
  return outcome.row;
}
