// Forecast of a weekly series (in-use servers): AutoETS with 80%/95% bands, clamped at 0, and
// its rolling-origin backtest against drift. Never throws on the series; only a bad horizon throws.
import { driftBands, driftPoints } from "./drift.ts";
import { etsBands, etsPoints, ETS_MODEL_NAME, loadEts, type EtsBands } from "./ets.ts";
import { rollingOrigin, type Backtest } from "./backtest.ts";

export type { Backtest } from "./backtest.ts";

/** One week ahead: the point forecast and its 80% and 95% prediction intervals, all ≥ 0. */
export interface Band {
  point: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

export type ForecastOutcome =
  | {
      ok: true;
      /** `AutoETS`, or `drift (ETS failed: …)` when augurs rejected the series. */
      model: string;
      /** One band per week ahead, `horizon` of them. */
      ahead: Band[];
      /**
       * Null when there is no origin to score (exactly MIN_FORECAST_WEEKS weeks) or when the
       * series never changes (MASE's scale is 0; the forecast is then flat and exact in-sample).
       */
      backtest: Backtest | null;
      /** backtest.mase > backtest.mase_naive (by more than float noise, WORSE_TOLERANCE); false without a backtest. */
      worse_than_drift: boolean;
    }
  | { ok: false; reason: string };

/** Minimum weekly points for a forecast. */
export const MIN_FORECAST_WEEKS = 12;
/** Longest horizon accepted: two years of weeks. */
export const MAX_HORIZON_WEEKS = 104;

/**
 * MASE units below which "worse" is float noise: a series that falls to 0 and stays there gives
 * drift (clamped) exactly 0 and ETS ~1e-15, which must not read as "worse than drift".
 */
export const WORSE_TOLERANCE = 1e-9;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** ETS, or drift for the window augurs rejects: the backtest scores what the report would show. */
const pointsOrDrift = (train: readonly number[], horizon: number) => {
  try {
    return etsPoints(train, horizon);
  } catch {
    return driftPoints(train, horizon);
  }
};

/**
 * values: a regular weekly series (oldest first, no gaps; the caller fills them). horizon: weeks ahead (1..104).
 * Too short a series or a non-finite value gives `ok: false` with the reason. When AutoETS fails
 * on the series, the outcome is the drift method, named so in `model` (and `ok: false` if even
 * drift's bands overflow, as only absurd magnitudes make them). Counts cannot be negative:
 * every bound and point is clamped at 0 (which keeps lo95 ≤ lo80 ≤ point ≤ hi80 ≤ hi95).
 * Throws RangeError for a horizon outside 1..104 (a caller's bug, not the data's).
 */
export async function forecastWeekly(values: readonly number[], horizon: number): Promise<ForecastOutcome> {
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > MAX_HORIZON_WEEKS) {
    throw new RangeError(`forecast horizon ${horizon} is not a whole number of weeks from 1 to ${MAX_HORIZON_WEEKS}`);
  }
  if (values.length < MIN_FORECAST_WEEKS) {
    return { ok: false, reason: `only ${values.length} weeks of history; a forecast needs at least ${MIN_FORECAST_WEEKS}` };
  }
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) return { ok: false, reason: `week ${bad + 1} of ${values.length} is not a number (${values[bad]})` };

  await loadEts();
  let model = ETS_MODEL_NAME;
  let bands: EtsBands;
  try {
    bands = etsBands(values, horizon);
  } catch (err) {
    model = `drift (ETS failed: ${message(err)})`;
    bands = driftBands(values, horizon);
  }
  const ahead = toBands(bands);
  if (!ahead.every((b) => Object.values(b).every(Number.isFinite))) {
    return { ok: false, reason: `${model}: the bands overflow (values up to ${Math.max(...values)})` };
  }
  const backtest = rollingOrigin(values, MIN_FORECAST_WEEKS, model === ETS_MODEL_NAME ? pointsOrDrift : driftPoints);
  return { ok: true, model, ahead, backtest, worse_than_drift: backtest !== null && backtest.mase > backtest.mase_naive + WORSE_TOLERANCE };
}

/** Columns to rows, clamped at 0; min/max only absorb float rounding between the two predict calls. */
function toBands(b: EtsBands): Band[] {
  return b.point.map((raw, i) => {
    const point = Math.max(0, raw);
    const lo80 = Math.max(0, Math.min(b.lo80[i]!, raw));
    const hi80 = Math.max(point, b.hi80[i]!);
    return { point, lo80, hi80, lo95: Math.max(0, Math.min(b.lo95[i]!, lo80)), hi95: Math.max(hi80, b.hi95[i]!) };
  });
}
