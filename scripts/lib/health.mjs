// Waiting for a server that is starting: bounded, and when it does not come up, the error
// says why (the time ran out, or the process serving it ended) with what that process printed.

// Enough of a child's output to hold its error, not a whole build log.
const OUTPUT_SHOWN = 20_000;

/**
 * Polls `url` every `intervalMs` until `accept(response)` (sync or async) holds, by default
 * a 2xx answer. Throws when `timeoutMs` pass first, or when `child` (a process from
 * process.mjs's run(), which serves `url`) ends first; `expected` names what was awaited
 * ("no <expected> within 3 s").
 */
export async function waitUntilServing(url, {
  child, timeoutMs = 180_000, intervalMs = 200, accept = (response) => response.ok, expected = '2xx answer',
} = {}) {
  const deadline = Date.now() + timeoutMs;
  let ended;
  child?.exited.then((exit) => (ended = exit));
  const failure = (reason) => {
    const output = child ? `:\n${child.output.slice(-OUTPUT_SHOWN)}` : '';
    return new Error(`${url}: no ${expected} ${reason}${output}`);
  };
  for (;;) {
    if (ended) throw failure(`before the process serving it ended (${ended.error?.code ?? ended.signal ?? ended.code})`);
    const left = deadline - Date.now();
    if (left <= 0) throw failure(`within ${timeoutMs / 1000} s`);
    try {
      // The request's own time counts against the deadline: a server that accepts and
      // never answers must not hold the wait past it. (Whole milliseconds: a fraction,
      // as a time left from performance.now() has, makes AbortSignal.timeout throw.)
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.ceil(left)) });
      if (await accept(response)) return;
    } catch {
      // not listening yet, or restarting
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
