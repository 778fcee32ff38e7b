// A small, fast, well-known 32-bit PRNG (mulberry32): the same seed gives the same numbers on
// every machine, for data that must be deterministic (the demo data, the benchmark's).

/** A function returning numbers in [0, 1), from `seed`. */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
