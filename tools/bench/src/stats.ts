/** Small statistics helpers: every figure in the report is a median with its min and max. */

/** Median, min and max of a series (plus n), the shape every reported figure takes. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** Linear-interpolated percentile (p in 0..100) of the values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Median/min/max of the values. */
export function summarize(values: readonly number[]): Summary {
  return {
    median: percentile(values, 50),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
    n: values.length,
  };
}

/** Rounds to the given number of decimals (keeps results.json readable). */
export function round(value: number, decimals = 2): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** `12.3 (11.0–15.2)`: the median with its range, as the report prints it. */
export function fmt(summary: Summary, decimals = 1): string {
  return `${summary.median.toFixed(decimals)} (${summary.min.toFixed(decimals)}–${summary.max.toFixed(decimals)})`;
}
