// The numbers a person and a journal see: percentage, rate over a recent window, ETA, durations.
import { describe, expect, test } from "bun:test";
import { addSample, formatDuration, formatRate, oneLine, phaseFigures, type Sample } from "../../../src/progress/figures.ts";

describe("phaseFigures", () => {
  test("ETA is the rows left at the recent rate", () => {
    // 2,000 rows in the last 2 s (1,000/s), 6,000 of 10,000 done: 4 s left.
    const samples: Sample[] = [
      { atMs: 8_000, done: 4_000 },
      { atMs: 10_000, done: 6_000 },
    ];
    const f = phaseFigures(0, 10_000, 6_000, 10_000, samples);
    expect(f.percent).toBe(60);
    expect(f.perSecond).toBe(1_000);
    expect(f.etaMs).toBe(4_000);
    expect(f.total).toBe(10_000);
  });

  test("the recent window follows a phase that slowed down, the average would not", () => {
    // 9,000 rows in the first 9 s, then 100 in the last 5 s.
    const samples: Sample[] = [
      { atMs: 9_000, done: 9_000 },
      { atMs: 14_000, done: 9_100 },
    ];
    const f = phaseFigures(0, 14_000, 9_100, 10_000, samples);
    expect(f.perSecond).toBe(20);
    expect(f.etaMs).toBe(45_000);
  });

  test("samples older than the window are ignored; a short window falls back to the whole-phase average", () => {
    const f = phaseFigures(0, 20_000, 5_000, 10_000, [{ atMs: 1_000, done: 100 }]);
    expect(f.perSecond).toBe(250); // 5,000 rows / 20 s
    expect(f.etaMs).toBe(20_000);
    const g = phaseFigures(0, 4_000, 2_000, undefined, [{ atMs: 3_800, done: 1_900 }]);
    expect(g.perSecond).toBe(500); // 200 ms of samples is too short to trust
  });

  test("nothing done yet: no rate, no ETA (never Infinity or NaN)", () => {
    const f = phaseFigures(0, 5_000, 0, 10_000, [{ atMs: 1_000, done: 0 }]);
    expect(f.perSecond).toBe(0);
    expect(f.etaMs).toBeUndefined();
    expect(f.percent).toBe(0);
    const early = phaseFigures(0, 50, 0, 10_000);
    expect(early.perSecond).toBeUndefined();
  });

  test("more rows than the COUNT taken before: 100% and ETA 0, not negative", () => {
    const f = phaseFigures(0, 10_000, 10_050, 10_000, [{ atMs: 5_000, done: 5_000 }]);
    expect(f.percent).toBe(100);
    expect(f.etaMs).toBe(0);
  });

  test("no total: no percentage and no ETA, still a rate", () => {
    const f = phaseFigures(0, 2_000, 300, undefined, [{ atMs: 0, done: 0 }]);
    expect(f.percent).toBeUndefined();
    expect(f.etaMs).toBeUndefined();
    expect(f.perSecond).toBe(150);
  });
});

describe("addSample", () => {
  test("keeps one sample per 100 ms and only the window's worth", () => {
    const s: Sample[] = [];
    for (let t = 0; t <= 20_000; t += 10) addSample(s, { atMs: t, done: t });
    expect(s.length).toBeLessThanOrEqual(52); // 5 s of 100 ms steps, plus the one to measure from
    expect(s[s.length - 1]!.done).toBe(20_000);
    expect(20_000 - s[1]!.atMs).toBeLessThanOrEqual(5_000);
  });
});

describe("formatting", () => {
  test.each([
    [0, "0.0 s"],
    [1_340, "1.3 s"],
    [59_900, "59.9 s"],
    [65_000, "1m05s"],
    [3_600_000 + 3 * 60_000, "1h03m"],
    [-5, "0.0 s"],
  ])("formatDuration(%d) = %s", (ms, text) => expect(formatDuration(ms)).toBe(text));

  test("rates: whole numbers, one decimal below 10", () => {
    expect(formatRate(6_412.7)).toBe("6413");
    expect(formatRate(3.25)).toBe("3.3");
  });

  test("oneLine removes escape sequences and newlines from text that came from a server", () => {
    expect(oneLine("Last_SQL_Error: a\nb\x1b[2Kc\tz")).toBe("Last_SQL_Error: a b [2Kc z");
  });
});
