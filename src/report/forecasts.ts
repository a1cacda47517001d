// The forecast section: each team's and site's weekly in-use series forecast `weeks` ahead with
// 80% and 95% intervals (forecast.ts), each backtested on its own history (backtest records);
// series too short or empty get no forecast and say why.
import type { BacktestRecord, Dimension, ForecastRecord, GrowthRecord } from "./types.ts";
import { MIN_FORECAST_WEEKS, type Band } from "./forecast.ts";
import { forecastMany, type PoolStats } from "./forecast-pool.ts";
import { logger } from "../log.ts";
import { inUseSeries } from "./growth.ts";
import { addDays } from "./calendar.ts";

export interface KeyForecast {
  dimension: Dimension;
  key: string;
  /** The series' last week and value: the origin the forecast grows from. */
  lastWeek: string;
  lastValue: number;
  /** Week dates and bands ahead; empty without a forecast. */
  ahead: Array<Band & { week: string }>;
  note: string | null;
}

export interface ForecastOutcomes {
  forecast: ForecastRecord[];
  backtest: BacktestRecord[];
  byKey: Map<string, KeyForecast>;
}

/** Why a forecast has no backtest: no week to score after the shortest fit, or a series that never moves (MASE undefined). */
function noBacktest(values: readonly number[]): string {
  return values.length <= MIN_FORECAST_WEEKS
    ? `no backtest: ${values.length} weeks leave none to score after the shortest fit (${MIN_FORECAST_WEEKS} weeks)`
    : "no backtest: the series never changes from one week to the next, so MASE is undefined";
}

const log = logger("report");

export const keyId = (dimension: Dimension, key: string) => `${dimension}\u0000${key}`;

/** `joinAfter`: work of the caller's that this thread finishes before it fits too (forecast-pool.ts). */
export async function forecastAll(growth: readonly GrowthRecord[], dimensions: readonly Dimension[], lastWeek: string, weeks: number, joinAfter?: Promise<unknown>): Promise<ForecastOutcomes> {
  const groups = new Map<string, GrowthRecord[]>();
  for (const r of growth) {
    if (!dimensions.includes(r.dimension)) continue;
    const id = keyId(r.dimension, r.key);
    const list = groups.get(id);
    if (list) list.push(r);
    else groups.set(id, [r]);
  }
  const out: ForecastOutcomes = { forecast: [], backtest: [], byKey: new Map() };
  // Series first (cheap), then every forecast at once (forecast-pool.ts spreads them over the cores).
  const prepared = [...groups.values()].map((records) => {
    const { dimension, key } = records[0]!;
    return { dimension, key, series: inUseSeries(records, lastWeek) };
  });
  const wanted = prepared.filter((p) => !p.series.values.every((v) => v === 0));
  const outcomes = new Map(wanted.map((p, i) => [p, i] as const));
  const stats: PoolStats = { worker: 0, here: 0 };
  const results = await forecastMany(wanted.map((p) => ({ values: p.series.values, horizon: weeks })), joinAfter, stats);
  log.debug(`forecasts of ${wanted.length} series: ${stats.worker} fitted by the worker thread, ${stats.here} by the main thread`);
  for (const p of prepared) {
    const { dimension, key, series } = p;
    const lastValue = series.values[series.values.length - 1] ?? 0;
    const kf: KeyForecast = { dimension, key, lastWeek, lastValue, ahead: [], note: null };
    const none = (note: string) => {
      kf.note = note;
      out.backtest.push({ dimension, key, mase: null, mase_naive: null, origins: 0, model: null, worse_than_drift: false, note });
    };
    if (!outcomes.has(p)) none("no servers in use in any week");
    else {
      const result = results[outcomes.get(p)!]!;
      if (!result.ok) none(result.reason);
      else {
        kf.ahead = result.ahead.map((b, i) => ({ ...b, week: addDays(lastWeek, 7 * (i + 1)) }));
        for (const b of kf.ahead) out.forecast.push({ dimension, key, week: b.week, point: b.point, lo80: b.lo80, hi80: b.hi80, lo95: b.lo95, hi95: b.hi95 });
        const bt = result.backtest;
        const filled = series.filled ? `${series.filled} of ${series.values.length} weeks interpolated (no day of theirs in the warehouse)` : null;
        out.backtest.push({
          dimension, key, mase: bt?.mase ?? null, mase_naive: bt?.mase_naive ?? null, origins: bt?.origins ?? 0, model: result.model,
          worse_than_drift: result.worse_than_drift, note: bt ? filled : [noBacktest(series.values), filled].filter(Boolean).join("; "),
        });
      }
    }
    out.byKey.set(keyId(dimension, key), kf);
  }
  return out;
}
