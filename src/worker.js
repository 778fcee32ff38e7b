// The Worker's entry module: the Rust worker as worker-build packages it
// (build/index.js), behind a guard for panics.
//
// wasm32 cannot unwind, so a panic aborts the wasm instance in the middle of a request,
// and every request that instance was serving is left with a promise that never settles:
// the runtime would cancel each as hung, with a plain-text 500 and none of the API's
// headers. worker-build's shim makes a new instance for the next request; this guard
// answers the cut-short ones with the API's own 500 (src/http/panic.rs), a fresh request
// id and a request-log line.
import RecWay from '../build/index.js';

/** For each request in flight, what cuts it short if the instance dies under it. */
const inFlight = new Set();

// The abort surfaces as an uncaught WebAssembly.RuntimeError: in a promise job, where
// wasm-bindgen polls Rust futures, it reaches this listener, not the request's promise.
addEventListener('error', (event) => {
  if (!(event.error instanceof WebAssembly.RuntimeError)) return;
  for (const cutShort of inFlight) cutShort();
  inFlight.clear();
});

/** The API's 500 for a request a panic cut short, and its log line. */
function panicAnswer(request, receivedMs) {
  const { status, body, headers: shared } = globalThis[Symbol.for('recway.panicAnswer')];
  const requestId = crypto.randomUUID();
  const headers = new Headers(shared);
  headers.set('x-request-id', requestId);
  // The fields of the worker's request log (src/observability/log.rs).
  console.log(
    JSON.stringify({
      level: 'error',
      request_id: requestId,
      method: request.method,
      path: new URL(request.url).pathname,
      status,
      duration_ms: Date.now() - receivedMs,
      error: 'panic: the wasm instance aborted (its message is logged above it)',
    }),
  );
  return new Response(body, { status, headers });
}

export default class extends RecWay {
  fetch(request) {
    const receivedMs = Date.now();
    let cutShort;
    // The answer is made in a reaction registered here, so that it belongs to this
    // request: a Response made while the error event runs would belong to the request
    // that panicked, and the runtime refuses it to any other.
    const aborted = new Promise((resolve) => {
      cutShort = resolve;
    }).then(() => panicAnswer(request, receivedMs));
    inFlight.add(cutShort);
    // An abort during the call itself is thrown, not left in a promise job: the executor
    // turns it into a rejection.
    const served = new Promise((run) => run(super.fetch(request))).catch((error) => {
      if (!(error instanceof WebAssembly.RuntimeError)) throw error;
      cutShort();
      return aborted;
    });
    return Promise.race([served, aborted]).finally(() => inFlight.delete(cutShort));
  }
}
