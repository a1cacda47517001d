// The pure parts of `backfill`: which days retention keeps in the range, which of them to build
// given the runs already there, where a day ends in a time zone (DST included), and the range
// options. Tables, one row per case.
import { describe, expect, test } from "bun:test";
import { UsageError } from "../../../src/errors.ts";
import { backfillRangeFrom } from "../../../src/settings/run-options.ts";
import { calendar, decideDays, keptDays, type DayRun } from "../../../src/plans/backfill-plan.ts";
import { dayEndUtc } from "../../../src/plans/day-end.ts";
import { addDays, daysBetween } from "../../../src/plans/report-date.ts";
import { isoWeek, isoWeekday } from "../../../src/plans/retention.ts";

describe("dayEndUtc: the next local midnight, in UTC", () => {
  const cases: [date: string, tz: string, end: string, why: string][] = [
    ["2026-01-01", "UTC", "2026-01-02 00:00:00", "UTC: the next midnight itself"],
    ["2026-03-28", "Europe/Berlin", "2026-03-28 23:00:00", "CET (+1): the night before clocks go forward"],
    ["2026-03-29", "Europe/Berlin", "2026-03-29 22:00:00", "a 23-hour day: CEST (+2) at its end"],
    ["2026-10-25", "Europe/Berlin", "2026-10-25 23:00:00", "a 25-hour day: back to CET"],
    ["2026-03-08", "America/New_York", "2026-03-09 04:00:00", "EDT (−4) after the change at 02:00"],
    ["2026-03-07", "America/New_York", "2026-03-08 05:00:00", "EST (−5)"],
    ["2026-01-01", "Asia/Kolkata", "2026-01-01 18:30:00", "half-hour offset (+5:30)"],
    ["2026-01-01", "Pacific/Chatham", "2026-01-01 10:15:00", "quarter-hour offset with DST (+13:45)"],
    // Chile moves clocks at midnight: 2026-09-06 00:00 does not exist, the day begins at 01:00 (−3).
    ["2026-09-05", "America/Santiago", "2026-09-06 04:00:00", "midnight skipped: the day ends at the jump"],
    // …and in April 00:00 happens twice (−3, then −4 an hour later): the later one ends the day.
    ["2026-04-04", "America/Santiago", "2026-04-05 04:00:00", "midnight twice: the later one"],
  ];
  test.each(cases)("%s in %s ends at %s UTC (%s)", (date, tz, end) => {
    expect(dayEndUtc(date, tz)).toBe(end);
  });

  test("every day of a year in Berlin ends 22 or 23 hours after the UTC day began, in order", () => {
    let previous = "";
    for (let i = 0; i < 365; i++) {
      const date = addDays("2026-01-01", i);
      const end = dayEndUtc(date, "Europe/Berlin");
      expect([`${date} 22:00:00`, `${date} 23:00:00`]).toContain(end);
      expect(end > previous).toBe(true);
      previous = end;
    }
  });
});

describe("keptDays: the calendar's days retention keeps", () => {
  test("a year with the defaults: the last 90 days, and one Monday per older week", () => {
    const policy = { keepDaily: 90, keepWeekday: 1 };
    const days = keptDays("2025-07-01", "2026-06-30", undefined, policy, "2026-07-01");
    const daily = days.filter((d) => daysBetween(d, "2026-06-30") < 90);
    const weekly = days.filter((d) => daysBetween(d, "2026-06-30") >= 90);
    expect(daily.length).toBe(90);
    // 2025-07-01 is a Tuesday: its week keeps it (the earliest day present); every later week its Monday.
    expect(weekly[0]).toBe("2025-07-01");
    expect(weekly.slice(1).every((d) => isoWeekday(d) === 1)).toBe(true);
    expect(new Set(weekly.map((d) => isoWeek(d).label)).size).toBe(weekly.length);
    expect(days.length).toBe(90 + weekly.length);
    expect(weekly.length).toBeGreaterThanOrEqual(39);
    expect(weekly.length).toBeLessThanOrEqual(40);
  });

  test("six years: about 90 daily and 300 weekly days, not 2,000", () => {
    const days = keptDays("2020-07-01", "2026-06-30", undefined, { keepDaily: 90, keepWeekday: 1 }, "2026-07-01");
    expect(days.length).toBeGreaterThan(380);
    expect(days.length).toBeLessThan(400);
  });

  test("a warehouse already loaded beyond --to: the daily window counts back from its newest day", () => {
    const policy = { keepDaily: 10, keepWeekday: 1 };
    const alone = keptDays("2026-03-01", "2026-03-31", undefined, policy, "2026-04-06");
    const under = keptDays("2026-03-01", "2026-03-31", "2026-04-05", policy, "2026-04-06");
    expect(alone.filter((d) => d >= "2026-03-22")).toEqual(calendar("2026-03-22", "2026-03-31"));
    // 2026-04-05 − 9 days = 03-27: only 03-27 … 03-31 are daily; 03-23 (a Monday) stays as its week's day.
    expect(under.filter((d) => d >= "2026-03-22")).toEqual(["2026-03-23", ...calendar("2026-03-27", "2026-03-31")]);
    expect(under.every((d) => d <= "2026-03-31")).toBe(true);
  });

  // Regression (issue 13): a typo'd --report-date two years ahead made the window count back from
  // it, so a backfill built only the Mondays of the days an expire would have kept daily.
  test("a newest day after today is not counted: the window counts back from --to", () => {
    const policy = { keepDaily: 10, keepWeekday: 1 };
    const alone = keptDays("2026-03-01", "2026-03-31", undefined, policy, "2026-04-01");
    expect(keptDays("2026-03-01", "2026-03-31", "2028-03-31", policy, "2026-04-01")).toEqual(alone);
    expect(keptDays("2026-03-01", "2026-03-31", "2026-04-02", policy, "2026-04-01")).toEqual(alone);
    expect(alone.filter((d) => d >= "2026-03-22")).toEqual(calendar("2026-03-22", "2026-03-31"));
  });

  test("another kept weekday", () => {
    const days = keptDays("2026-01-01", "2026-03-31", undefined, { keepDaily: 7, keepWeekday: 5 }, "2026-04-01");
    expect(days.filter((d) => d < "2026-03-25").slice(1).every((d) => isoWeekday(d) === 5)).toBe(true);
  });

  test("a reversed or absurd range is a usage error", () => {
    expect(() => calendar("2026-02-02", "2026-02-01")).toThrow(UsageError);
    expect(() => calendar("1900-01-01", "2026-02-01")).toThrow(/more than/);
  });
});

describe("decideDays: build, skip as done, or leave to etl", () => {
  const run = (report_date: string, id: number, kind: string, status: string): DayRun => ({ report_date, id, kind, status });
  const days = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05", "2026-01-06"];
  const runs = [
    run("2026-01-02", 1, "backfill", "success"), // done
    run("2026-01-03", 2, "backfill", "running"), // died mid-day: redo
    run("2026-01-04", 3, "etl", "success"), // the nightly etl's day
    run("2026-01-05", 4, "etl", "failed"), // etl tried and failed: still etl's day
    run("2026-01-06", 5, "etl", "success"),
    run("2026-01-06", 6, "backfill", "failed"), // a forced backfill over etl's day, interrupted: resume it
  ];

  test("without --force", () => {
    const d = decideDays(days, runs, false);
    expect(d.build).toEqual(["2026-01-01", "2026-01-03", "2026-01-06"]);
    expect(d.skipped.map((s) => [s.date, s.because])).toEqual([
      ["2026-01-02", "done"],
      ["2026-01-04", "etl"],
      ["2026-01-05", "etl"],
    ]);
    expect(d.skipped[1]!.reason).toContain("etl run 3");
    expect(d.skipped[2]!.reason).toContain("'failed'");
  });

  test("with --force every day is built", () => {
    expect(decideDays(days, runs, true)).toEqual({ build: days, skipped: [] });
  });

  test("the newest run decides, by id, whatever order the rows come in", () => {
    const d = decideDays(["2026-01-01"], [run("2026-01-01", 9, "backfill", "success"), run("2026-01-01", 8, "etl", "success")], false);
    expect(d.skipped.map((s) => s.because)).toEqual(["done"]);
  });
});

describe("backfillRangeFrom", () => {
  const now = new Date("2026-11-27T23:30:00Z");
  test("--to defaults to yesterday in the time zone", () => {
    expect(backfillRangeFrom({ from: "2026-01-01", timezone: "UTC" }, {}, now)).toEqual({ from: "2026-01-01", to: "2026-11-26", today: "2026-11-27", timezone: "UTC" });
    // 23:30 UTC is already the 28th in Berlin.
    expect(backfillRangeFrom({ from: "2026-01-01", timezone: "Europe/Berlin" }, {}, now).to).toBe("2026-11-27");
  });
  test("config [etl] timezone when there is no flag", () => {
    expect(backfillRangeFrom({ from: "2026-01-01" }, { etl: { timezone: "Asia/Tokyo" } }, now).timezone).toBe("Asia/Tokyo");
  });
  const bad: [args: Record<string, string>, message: RegExp][] = [
    [{}, /needs --from/],
    [{ from: "2026-02-30" }, /invalid --from/],
    [{ from: "2026-02-02", to: "2026-02-01" }, /is after --to/],
    [{ from: "2026-01-01", timezone: "Nowhere/Land" }, /unknown time zone/],
    // Regression (issue 13): days after today, which the history cannot know, were accepted with a warning.
    [{ from: "2026-11-01", to: "2028-11-27" }, /^--to 2028-11-27 is after today \(2026-11-27 in UTC\): the change history cannot know that day; pass --to 2026-11-26, or leave --to out \(yesterday\)$/],
    [{ from: "2026-11-01", to: "2026-11-28" }, /--to 2026-11-28 is after today/],
    // Regression: with --to left out, a --from ahead was only "after --to".
    [{ from: "2028-11-27" }, /^--from 2028-11-27 is after today \(2026-11-27 in UTC\)/],
    [{ from: "2026-11-01", to: "2026-11-31" }, /invalid --to "2026-11-31"/],
  ];
  test.each(bad)("%o is a usage error", (args, message) => {
    expect(() => backfillRangeFrom({ timezone: "UTC", ...args }, {}, now)).toThrow(message);
    expect(() => backfillRangeFrom({ timezone: "UTC", ...args }, {}, now)).toThrow(UsageError);
  });
  test("--to today is allowed (the day so far), in the zone's today", () => {
    expect(backfillRangeFrom({ from: "2026-11-01", to: "2026-11-27", timezone: "UTC" }, {}, now).to).toBe("2026-11-27");
    // 23:30 UTC is the 28th in Berlin: --to 2026-11-28 is today there.
    expect(backfillRangeFrom({ from: "2026-11-01", to: "2026-11-28", timezone: "Europe/Berlin" }, {}, now).to).toBe("2026-11-28");
  });
});
