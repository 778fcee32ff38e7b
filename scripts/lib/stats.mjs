// The summary statistics of every report here (the benchmarks, their A/Bs, the scale run):
// one definition, so that two reports of the same samples agree.

/**
 * The `p`th percentile (0 to 100) of `values`, interpolated linearly between the two closest
 * ranks (NumPy's default, "linear"): rank p/100 × (n − 1) of the sorted values, counted from 0.
 * NaN for no values, so that a report shows the gap rather than a long run failing at its end.
 */
export function percentile(values, p) {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`a percentile is from 0 to 100, not ${p}`);
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const [low, high] = [Math.floor(rank), Math.ceil(rank)];
  return low === high ? sorted[low] : sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/**
 * The middle value of `values`; of an even count, the mean of the two middle values (the
 * 50th percentile above, which interpolates half-way between them).
 */
export const median = (values) => percentile(values, 50);
