// The drift method (FPP3 §5.2): the line from the first to the last observation, extended; with
// its normal prediction intervals (FPP3 §5.5, table 5.2). Pure arithmetic, the benchmark and fallback.

/** z for a central 80% and 95% normal interval. */
const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;

/** Drift's slope over the window: (last − first) / (T − 1). Needs at least two values. */
function slope(values: readonly number[]): number {
  return (values[values.length - 1]! - values[0]!) / (values.length - 1);
}

/** Forecasts for 1..horizon weeks after the window: last + h × slope. */
export function driftPoints(values: readonly number[], horizon: number): number[] {
  const last = values[values.length - 1]!;
  const c = slope(values);
  return Array.from({ length: horizon }, (_, i) => last + (i + 1) * c);
}

/**
 * Drift forecasts with 80%/95% intervals: σ̂_h = σ̂ √(h (1 + h/(T−1))), σ̂ from the T−1 one-step
 * residuals (y_t − y_{t−1} − slope) with one parameter estimated. Needs at least three values.
 */
export function driftBands(values: readonly number[], horizon: number) {
  const T = values.length;
  const c = slope(values);
  let squares = 0;
  for (let t = 1; t < T; t++) squares += (values[t]! - values[t - 1]! - c) ** 2;
  const sigma = Math.sqrt(squares / (T - 2));
  const point = driftPoints(values, horizon);
  const spread = point.map((_, i) => sigma * Math.sqrt((i + 1) * (1 + (i + 1) / (T - 1))));
  return {
    point,
    lo80: point.map((p, i) => p - Z80 * spread[i]!),
    hi80: point.map((p, i) => p + Z80 * spread[i]!),
    lo95: point.map((p, i) => p - Z95 * spread[i]!),
    hi95: point.map((p, i) => p + Z95 * spread[i]!),
  };
}
