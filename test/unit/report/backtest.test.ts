// The rolling-origin backtest and the drift method with stand-in forecasters, against loops and
// formulas written here: which origins are scored, which weeks, MASE's scale, and drift's bands.
import { describe, expect, test } from "bun:test";
import { BACKTEST_WEEKS, backtestOrigins, MAX_ORIGINS, naiveScale, rollingOrigin } from "../../../src/report/backtest.ts";
import { driftBands, driftPoints } from "../../../src/report/drift.ts";

describe("backtestOrigins", () => {
  // [n, minTrain, origins]
  const cases: Array<[number, number, number[]]> = [
    [12, 12, []], // no week left to score
    [13, 12, [12]],
    [20, 12, [12, 13, 14, 15, 16, 17, 18, 19]], // exactly MAX_ORIGINS: all
    [24, 12, [12, 14, 15, 17, 18, 20, 21, 23]], // 12 → 8, first and last kept
    [25, 12, [12, 14, 15, 17, 19, 21, 22, 24]],
    [60, 12, [12, 19, 25, 32, 39, 46, 52, 59]],
  ];
  test.each(cases)("n=%i, from %i", (n, minTrain, origins) => {
    expect(backtestOrigins(n, minTrain)).toEqual(origins);
  });
  test("never more than MAX_ORIGINS, always increasing, all inside the series", () => {
    for (let n = 12; n < 400; n++) {
      const o = backtestOrigins(n, 12);
      expect(o.length).toBe(Math.min(MAX_ORIGINS, n - 12));
      for (let i = 1; i < o.length; i++) expect(o[i]!).toBeGreaterThan(o[i - 1]!);
      if (o.length) expect(o.at(-1)).toBe(n - 1);
    }
  });
});

describe("rollingOrigin", () => {
  const y = Array.from({ length: 40 }, (_, t) => 100 + 2 * t + ((t * 37) % 11) - 5);

  test("scores the naive (last value) forecaster as an independent loop does, on the same origins", () => {
    const naive = (train: readonly number[], h: number) => Array(h).fill(train.at(-1));
    const seen: Array<[number, number]> = [];
    const spy = (train: readonly number[], h: number) => {
      seen.push([train.length, h]);
      return naive(train, h);
    };
    const score = rollingOrigin(y, 12, spy)!;
    const origins = backtestOrigins(y.length, 12);
    expect(seen).toEqual(origins.map((o) => [o, Math.min(BACKTEST_WEEKS, y.length - o)]));
    let err = 0;
    let count = 0;
    let scale = 0;
    for (let t = 1; t < y.length; t++) scale += Math.abs(y[t]! - y[t - 1]!);
    scale /= y.length - 1;
    for (const o of origins)
      for (let h = 0; h < BACKTEST_WEEKS && o + h < y.length; h++) {
        err += Math.abs(y[o - 1]! - y[o + h]!);
        count++;
      }
    expect(score.origins).toBe(origins.length);
    expect(score.mase).toBeCloseTo(err / count / scale, 12);
  });

  test("a forecaster that knows the future scores 0; drift, given drift, scores the same as drift", () => {
    const oracle = (train: readonly number[], h: number) => y.slice(train.length, train.length + h);
    expect(rollingOrigin(y, 12, oracle)!.mase).toBe(0);
    const both = rollingOrigin(y, 12, driftPoints)!;
    expect(both.mase).toBe(both.mase_naive);
  });

  test("negative forecasts are scored as the 0 the report shows", () => {
    const z = [...Array(20).fill(3), ...Array(10).fill(0)];
    expect(rollingOrigin(z, 12, (_, h) => Array(h).fill(-5))!.mase).toBeCloseTo(rollingOrigin(z, 12, (_, h) => Array(h).fill(0))!.mase, 12);
  });

  test("null without an origin, and for a series that never changes", () => {
    expect(rollingOrigin(y.slice(0, 12), 12, driftPoints)).toBeNull();
    expect(rollingOrigin(Array(30).fill(4), 12, driftPoints)).toBeNull();
  });

  test("naiveScale is the mean absolute one-step difference", () => {
    expect(naiveScale([1, 3, 2, 2, 6])).toBe((2 + 1 + 0 + 4) / 4);
  });
});

describe("drift", () => {
  test("points extend the line from the first to the last value", () => {
    expect(driftPoints([10, 13, 11, 16], 3)).toEqual([18, 20, 22]);
  });

  test("bands: σ̂ √(h (1 + h/(T−1))) around the points, σ̂ from the residuals with T−2 degrees of freedom", () => {
    const v = [10, 13, 11, 16, 15, 19];
    const c = (19 - 10) / 5;
    const res = [3, -2, 5, -1, 4].map((d) => d - c);
    const sigma = Math.sqrt(res.reduce((s, e) => s + e * e, 0) / 4);
    const b = driftBands(v, 4);
    for (let h = 1; h <= 4; h++) {
      const sd = sigma * Math.sqrt(h * (1 + h / 5));
      expect(b.point[h - 1]).toBeCloseTo(19 + h * c, 12);
      expect(b.hi95[h - 1]! - b.point[h - 1]!).toBeCloseTo(1.96 * sd, 3);
      expect(b.point[h - 1]! - b.lo80[h - 1]!).toBeCloseTo(1.2816 * sd, 3);
    }
  });

  test("a straight line has zero-width bands", () => {
    const b = driftBands([5, 7, 9, 11], 2);
    expect(b.lo95).toEqual(b.point);
    expect(b.hi95).toEqual(b.point);
  });
});
