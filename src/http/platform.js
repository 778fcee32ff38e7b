// Header work done in one call from wasm rather than one call per header: each call
// across the wasm boundary copies its strings in and out, and header reads and writes
// were a fifth of the isolate's time on /health (bench/profile-worker.mjs). NUL separates
// names and values: no header name or value can hold it (RFC 9110 §5.5).

/**
 * The values of `names` (an array) in `headers`, in order, as one string: each present
 * value prefixed with "=", every entry ended by NUL.
 */
export function headerValues(headers, names) {
  let text = '';
  for (const name of names) {
    const value = headers.get(name);
    text += value === null ? '\0' : `=${value}\0`;
  }
  return text;
}

/** Sets `name\0value\0name\0value...` on `headers`. */
export function setHeaders(headers, pairs) {
  const parts = pairs.split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) headers.set(parts[i], parts[i + 1]);
}

/** Sets each of `name\0value\0...` that `headers` does not have yet. */
export function setMissingHeaders(headers, pairs) {
  const parts = pairs.split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    if (!headers.has(parts[i])) headers.set(parts[i], parts[i + 1]);
  }
}

/**
 * Keeps the parts of the answer to a request a panic cuts short (src/http/panic.rs) where
 * src/worker.js finds them: a global, because worker.js wraps the bundle this module is in.
 */
export function keepPanicAnswer(status, body, headers) {
  globalThis[Symbol.for('recway.panicAnswer')] = { status, body, headers };
}
