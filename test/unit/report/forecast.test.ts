// forecastWeekly against computations of the test's own: accuracy and interval coverage on seeded
// linear-trend series (noise-free truth known), a hand-computed drift MASE, a random walk, too
// short and constant series, and the band invariants (ordered, ≥ 0, one per week ahead).
import { describe, expect, test } from "bun:test";
import { forecastWeekly, MIN_FORECAST_WEEKS, WORSE_TOLERANCE, type Band, type ForecastOutcome } from "../../../src/report/forecast.ts";
import { MAX_ORIGINS } from "../../../src/report/backtest.ts";

/** mulberry32: a tiny seeded PRNG, uniform on [0, 1). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box–Muller. */
const gaussian = (u: () => number) => () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

function ok(outcome: ForecastOutcome) {
  if (!outcome.ok) throw new Error(`expected a forecast, got: ${outcome.reason}`);
  return outcome;
}

function expectBands(ahead: Band[], horizon: number): void {
  expect(ahead).toHaveLength(horizon);
  for (const b of ahead) {
    expect([b.lo95, b.lo80, b.point, b.hi80, b.hi95].every(Number.isFinite)).toBe(true);
    expect(b.lo95).toBeGreaterThanOrEqual(0);
    expect(b.lo80).toBeGreaterThanOrEqual(b.lo95);
    expect(b.point).toBeGreaterThanOrEqual(b.lo80);
    expect(b.hi80).toBeGreaterThanOrEqual(b.point);
    expect(b.hi95).toBeGreaterThanOrEqual(b.hi80);
  }
}

describe("forecastWeekly on linear trends with noise", () => {
  // 40 series × 78 weeks: level 100..300, trend +0.5..+5/week, Gaussian noise sd 2..8; fit on the
  // first 65 weeks, forecast the last 13. Measured on these seeds (1..40): MAPE 0.45% (worst series
  // 2.1%), 80% coverage 77.7%, 95% coverage 95.8%; seeds 41..200 in blocks of 40 gave MAPE
  // 0.48-0.61% (worst series up to 5.6%), 80% coverage 75.6-79.0%, 95% coverage 90.6-94.2%.
  const SERIES = 40;
  const WEEKS = 78;
  const FIT = 65;
  const AHEAD = WEEKS - FIT;

  test("the point forecast tracks the noise-free trend and the intervals cover the noisy weeks", async () => {
    let ape = 0;
    let worstSeries = 0;
    let in80 = 0;
    let in95 = 0;
    for (let s = 1; s <= SERIES; s++) {
      const u = prng(s);
      const z = gaussian(u);
      const [level, slope, sd] = [100 + 200 * u(), 0.5 + 4.5 * u(), 2 + 6 * u()];
      const truth = Array.from({ length: WEEKS }, (_, t) => level + slope * t);
      const noisy = truth.map((v) => v + sd * z());
      const { ahead } = ok(await forecastWeekly(noisy.slice(0, FIT), AHEAD));
      expectBands(ahead, AHEAD);
      let seriesApe = 0;
      ahead.forEach((b, h) => {
        const actual = noisy[FIT + h]!;
        seriesApe += Math.abs(b.point - truth[FIT + h]!) / truth[FIT + h]!;
        if (b.lo80 <= actual && actual <= b.hi80) in80++;
        if (b.lo95 <= actual && actual <= b.hi95) in95++;
      });
      ape += seriesApe;
      worstSeries = Math.max(worstSeries, seriesApe / AHEAD);
    }
    const points = SERIES * AHEAD;
    expect(ape / points).toBeLessThan(0.015); // overall MAPE under 1.5% (measured 0.45%)
    expect(worstSeries).toBeLessThan(0.08); // no series worse than 8% (measured 2.1%)
    expect(in95 / points).toBeGreaterThanOrEqual(0.85);
    expect(in80 / points).toBeGreaterThanOrEqual(0.65);
    expect(in80).toBeLessThan(in95); // the 95% band is the wider one
  });
});

describe("forecastWeekly's backtest", () => {
  test("mase_naive is drift's MASE, here computed by hand (n = 14: origins 12 and 13)", async () => {
    const y = [10, 12, 11, 13, 14, 13, 15, 16, 15, 17, 18, 17, 20, 19];
    // Scale: |diffs| = 2,1,2,1,1,2,1,1,2,1,1,3,1 → 19/13.
    // Origin 12 (train 10..17, slope 7/11): 17+7/11 vs 20 → 26/11; 17+14/11 vs 19 → 8/11.
    // Origin 13 (train 10..20, slope 10/12): 20+5/6 vs 19 → 11/6.
    // MAE = (26/11 + 8/11 + 11/6) / 3 = 325/198; MASE = (325/198) / (19/13) = 4225/3762.
    const { backtest } = ok(await forecastWeekly(y, 1));
    expect(backtest).not.toBeNull();
    expect(backtest!.origins).toBe(2);
    expect(backtest!.mase_naive).toBeCloseTo(4225 / 3762, 12);
  });

  test("mase_naive equals drift's MASE from an independent loop over every origin (n = 20, 8 origins)", async () => {
    const u = prng(77);
    const y = Array.from({ length: 20 }, (_, t) => 50 + 1.5 * t + 6 * (u() - 0.5));
    const scale = y.slice(1).reduce((s, v, i) => s + Math.abs(v - y[i]!), 0) / (y.length - 1);
    let err = 0;
    let count = 0;
    for (let origin = MIN_FORECAST_WEEKS; origin < y.length; origin++) {
      const first = y[0]!;
      const last = y[origin - 1]!;
      for (let h = 1; h <= 13 && origin + h - 1 < y.length; h++) {
        err += Math.abs(last + (h * (last - first)) / (origin - 1) - y[origin + h - 1]!);
        count++;
      }
    }
    const { backtest } = ok(await forecastWeekly(y, 4));
    expect(backtest!.origins).toBe(8);
    expect(backtest!.mase_naive).toBeCloseTo(err / count / scale, 12);
  });

  test("a pure random walk: both MASEs finite and positive, worse_than_drift consistent with them", async () => {
    const z = gaussian(prng(4242));
    const y = [200];
    for (let t = 1; t < 60; t++) y.push(y[t - 1]! + 3 * z());
    const out = ok(await forecastWeekly(y, 13));
    expect(out.backtest!.origins).toBe(MAX_ORIGINS);
    for (const m of [out.backtest!.mase, out.backtest!.mase_naive]) {
      expect(Number.isFinite(m)).toBe(true);
      expect(m).toBeGreaterThan(0);
    }
    expect(out.worse_than_drift).toBe(out.backtest!.mase > out.backtest!.mase_naive + WORSE_TOLERANCE);
  });

  test("exactly MIN_FORECAST_WEEKS weeks: a forecast, but no origin to backtest", async () => {
    const out = ok(await forecastWeekly(Array.from({ length: MIN_FORECAST_WEEKS }, (_, t) => 30 + t), 13));
    expect(out.backtest).toBeNull();
    expect(out.worse_than_drift).toBe(false);
    expectBands(out.ahead, 13);
  });
});

describe("forecastWeekly's edges", () => {
  test("11 weeks is too short, and the reason names the minimum of 12", async () => {
    const out = await forecastWeekly(Array.from({ length: 11 }, (_, t) => 10 + t), 13);
    expect(out).toEqual({ ok: false, reason: "only 11 weeks of history; a forecast needs at least 12" });
  });

  test("a constant series does not throw: AutoETS gives the flat line, and the backtest is null (MASE's scale is 0)", async () => {
    const out = ok(await forecastWeekly(Array(30).fill(7), 5));
    expect(out.model).toBe("AutoETS");
    expectBands(out.ahead, 5);
    for (const b of out.ahead) for (const v of Object.values(b)) expect(v).toBeCloseTo(7, 6);
    expect(out.backtest).toBeNull();
    expect(out.worse_than_drift).toBe(false);
  });

  test("an all-zero series: bands are ≥ 0 (AutoETS returns values like -8e-99)", async () => {
    const out = ok(await forecastWeekly(Array(20).fill(0), 4));
    expectBands(out.ahead, 4);
    for (const b of out.ahead) expect(b.point).toBe(0);
  });

  test("a series falling to 0: points and lower bounds clamp at 0, not below", async () => {
    const y = Array.from({ length: 30 }, (_, t) => Math.max(0, 40 - 2 * t + ((t * 7) % 3)));
    const out = ok(await forecastWeekly(y, 26));
    expectBands(out.ahead, 26);
    expect(out.ahead.at(-1)!.lo95).toBe(0);
    // Falling to 0 and staying: drift (clamped) is exact, ETS off by float noise — not "worse".
    expect(out.worse_than_drift).toBe(false);
  });

  test("a series AutoETS rejects falls back to drift, named so (augurs 0.10.2: \"no model found\")", async () => {
    const out = ok(await forecastWeekly(Array(20).fill(Number.MAX_VALUE), 3));
    expect(out.model).toBe("drift (ETS failed: no model found)");
    expect(out.ahead.map((b) => b.point)).toEqual([Number.MAX_VALUE, Number.MAX_VALUE, Number.MAX_VALUE]);
  });

  test("bands that overflow even for drift give ok:false, not Infinity", async () => {
    const out = await forecastWeekly(Array.from({ length: 20 }, (_, t) => 1e300 * (t + 1)), 3);
    expect(out.ok).toBe(false);
    expect(!out.ok && out.reason).toStartWith("drift (ETS failed: ");
  });

  test.each([1, 13, 52, 104])("horizon %i gives that many ordered bands", async (horizon) => {
    const u = prng(horizon);
    const y = Array.from({ length: 40 }, (_, t) => 80 + 0.8 * t + 5 * u());
    expectBands(ok(await forecastWeekly(y, horizon)).ahead, horizon);
  });

  test.each([0, 105, 2.5, Number.NaN])("horizon %p is a caller's bug: RangeError", async (horizon) => {
    await expect(forecastWeekly(Array(20).fill(5), horizon)).rejects.toBeInstanceOf(RangeError);
  });

  test("a value that is not a number gives ok:false with the week", async () => {
    const y = Array.from({ length: 20 }, (_, t) => 10 + t);
    y[6] = Number.NaN;
    expect(await forecastWeekly(y, 4)).toEqual({ ok: false, reason: "week 7 of 20 is not a number (NaN)" });
  });
});
