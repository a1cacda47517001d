// Rolling-origin backtest (FPP3 §5.10, time series cross-validation) of a forecaster against the
// drift method: MASE of both, scaled by the one-step naive MAE of the whole series. Pure.
import { driftPoints } from "./drift.ts";

/** A forecaster: point forecasts for 1..horizon steps after `train`. May throw; the backtest does not catch. */
export type PointForecaster = (train: readonly number[], horizon: number) => number[];

/** What the backtest found (re-exported by forecast.ts). */
export interface Backtest {
  /** The forecaster's MAE over every scored (origin, week), divided by the series' one-step naive MAE. */
  mase: number;
  /** The same for the drift forecast on the same origins and weeks. */
  mase_naive: number;
  /** Rolling origins scored. */
  origins: number;
}

/** Weeks scored after each origin: a quarter. */
export const BACKTEST_WEEKS = 13;
/** At most this many origins, evenly spaced, to keep a report with many series fast. */
export const MAX_ORIGINS = 8;

/**
 * The origins (lengths of the training window) to score: every one from `minTrain` to n − 1
 * (each leaves at least one week to score), thinned to `MAX_ORIGINS` evenly spaced ones that
 * keep the first and the last.
 */
export function backtestOrigins(n: number, minTrain: number): number[] {
  const count = n - minTrain;
  if (count <= 0) return [];
  if (count <= MAX_ORIGINS) return Array.from({ length: count }, (_, i) => minTrain + i);
  return Array.from({ length: MAX_ORIGINS }, (_, i) => minTrain + Math.round((i * (count - 1)) / (MAX_ORIGINS - 1)));
}

/** Mean absolute one-step naive difference over the whole series: MASE's denominator. */
export function naiveScale(values: readonly number[]): number {
  let sum = 0;
  for (let t = 1; t < values.length; t++) sum += Math.abs(values[t]! - values[t - 1]!);
  return sum / (values.length - 1);
}

/**
 * Score `forecast` and drift on the same origins and weeks: for each origin, fit on
 * values[0..origin) and compare with the up to `BACKTEST_WEEKS` actual weeks that follow; MAE
 * over all (origin, week) pairs, divided by `naiveScale`. Both forecasts are clamped at 0, as
 * the report shows them. Null when there is no origin, or when the series never changes (a
 * naive scale of 0 leaves MASE undefined; any forecast of such a series is exact or not by luck).
 */
export function rollingOrigin(values: readonly number[], minTrain: number, forecast: PointForecaster): Backtest | null {
  const origins = backtestOrigins(values.length, minTrain);
  const scale = naiveScale(values);
  if (origins.length === 0 || !(scale > 0)) return null;
  let modelError = 0;
  let driftError = 0;
  let scored = 0;
  for (const origin of origins) {
    const train = values.slice(0, origin);
    const weeks = Math.min(BACKTEST_WEEKS, values.length - origin);
    const model = forecast(train, weeks);
    const drift = driftPoints(train, weeks);
    for (let h = 0; h < weeks; h++) {
      const actual = values[origin + h]!;
      modelError += Math.abs(Math.max(0, model[h]!) - actual);
      driftError += Math.abs(Math.max(0, drift[h]!) - actual);
      scored++;
    }
  }
  return { mase: modelError / scored / scale, mase_naive: driftError / scored / scale, origins: origins.length };
}
