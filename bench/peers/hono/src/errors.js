// Every way a request can fail, in the shapes RecWay clients parse: FastAPI's `{"detail": ...}`,
// with a pydantic v2 list of `{type, loc, msg, ctx?}` entries for a 422.
import { HTTPException } from 'hono/http-exception';

/** One kind of invalid value: pydantic's `type` code, its message and, for some, its `ctx`. */
export const Kind = {
  missing: () => ({ type: 'missing', msg: 'Field required' }),
  stringType: () => ({ type: 'string_type', msg: 'Input should be a valid string' }),
  numberType: () => ({ type: 'float_type', msg: 'Input should be a valid number' }),
  intParsing: () => ({
    type: 'int_parsing',
    msg: 'Input should be a valid integer, unable to parse string as an integer',
  }),
  floatParsing: () => ({
    type: 'float_parsing',
    msg: 'Input should be a valid number, unable to parse string as a number',
  }),
  stringTooLong: (max) => ({
    type: 'string_too_long',
    msg: `String should have at most ${max} character${max === 1 ? '' : 's'}`,
    ctx: { max_length: max },
  }),
  blank: () => ({ type: 'string_blank', msg: 'String should not be blank' }),
  greaterThanEqual: (min) => ({
    type: 'greater_than_equal',
    msg: `Input should be greater than or equal to ${min}`,
    ctx: { ge: min },
  }),
  greaterThan: (min) => ({ type: 'greater_than', msg: `Input should be greater than ${min}`, ctx: { gt: min } }),
  lessThanEqual: (max) => ({
    type: 'less_than_equal',
    msg: `Input should be less than or equal to ${max}`,
    ctx: { le: max },
  }),
  extraForbidden: () => ({ type: 'extra_forbidden', msg: 'Extra inputs are not permitted' }),
  jsonInvalid: (error) => ({ type: 'json_invalid', msg: 'JSON decode error', ctx: { error } }),
  objectType: () => ({
    type: 'model_attributes_type',
    msg: 'Input should be a valid dictionary or object to extract fields from',
  }),
  valueError: (reason) => ({ type: 'value_error', msg: `Value error, ${reason}`, ctx: { error: reason } }),
};

/** A 422 entry: `loc` first names the source (`body`, `query`, `path`, `header`). */
export function fieldError(loc, { type, msg, ctx }) {
  return ctx === undefined ? { type, loc, msg } : { type, loc, msg, ctx };
}

/** An API failure with its status, `detail` and the headers some statuses carry. */
export class ApiError extends HTTPException {
  constructor(status, detail, headers = {}) {
    super(status, { message: typeof detail === 'string' ? detail : 'Validation error' });
    this.detail = detail;
    this.headers = headers;
  }

  getResponse() {
    return Response.json({ detail: this.detail }, { status: this.status, headers: this.headers });
  }

  /** 422: every problem with the request's input, in the order found. */
  static validation(errors) {
    return new ApiError(422, errors);
  }

  static segmentoNotFound(id) {
    return new ApiError(404, `Segmento ${id} not found`);
  }

  static methodNotAllowed(allow) {
    return new ApiError(405, 'Method Not Allowed', { allow });
  }

  /** 412, with the segment's current tag so the client can re-read and retry. */
  static preconditionFailed(etag) {
    return new ApiError(412, 'Precondition Failed: the segment is not at the version the request names', { etag });
  }

  static payloadTooLarge(limit) {
    return new ApiError(413, `Request body is larger than ${limit} bytes`);
  }

  static unsupportedMediaType() {
    return new ApiError(415, 'Unsupported Media Type: send the body as application/json');
  }

  /** 503: D1 is overloaded; retrying at once would only lengthen its queue. */
  static databaseBusy() {
    return new ApiError(503, 'Service Unavailable: the database is busy; retry later', { 'retry-after': '1' });
  }
}

/** The answer to anything a handler throws. Only unexpected failures reach the log's `error`. */
export function errorResponse(err) {
  if (err instanceof HTTPException) return err.getResponse();
  if (String(err?.message).includes('D1 DB is overloaded')) return ApiError.databaseBusy().getResponse();
  return Response.json({ detail: 'Internal Server Error' }, { status: 500 });
}
