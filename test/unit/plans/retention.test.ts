// The retention plan (docs/data-contract.md "Retention") against an independent brute-force oracle on a
// 400-day calendar with gaps, plus hand-checked rows, ISO weeks around New Year, weekday names
// and the policy's flags/config precedence.
import { describe, expect, test } from "bun:test";
import { isoWeek, isoWeekday, parseWeekday, planOrphanDays, planRetention, retentionAnchor, weekdayName } from "../../../src/plans/retention.ts";
import { addDays, daysBetween } from "../../../src/plans/report-date.ts";
import { retentionFrom } from "../../../src/settings/run-options.ts";
import { UsageError } from "../../../src/errors.ts";
import { CALENDAR_TODAY, oracleDecisions, oracleIsoWeek, syntheticCalendar } from "../../support/retention-oracle.ts";

const MON = 1;
const SUN = 7;

describe("isoWeek / isoWeekday", () => {
  // [date, ISO week, ISO weekday]; checked against Python's date.isocalendar().
  const cases: Array<[string, string, number]> = [
    ["2026-12-31", "2026-W53", 4], // 2026 starts on a Thursday: 53 weeks
    ["2027-01-01", "2026-W53", 5], // January days in the previous ISO year
    ["2027-01-03", "2026-W53", 7],
    ["2027-01-04", "2027-W01", 1],
    ["2024-12-29", "2024-W52", 7],
    ["2024-12-30", "2025-W01", 1], // week 1 starting in December
    ["2025-01-01", "2025-W01", 3],
    ["2020-12-31", "2020-W53", 4],
    ["2021-01-03", "2020-W53", 7],
    ["2021-01-04", "2021-W01", 1],
    ["2008-12-29", "2009-W01", 1],
    ["2010-01-03", "2009-W53", 7],
    ["2016-01-01", "2015-W53", 5],
    ["1970-01-01", "1970-W01", 4],
    ["2000-02-29", "2000-W09", 2], // leap day
    ["2027-06-29", "2027-W26", 2],
  ];
  for (const [date, week, weekday] of cases) {
    test(`${date} is ${week}, weekday ${weekday}`, () => {
      expect(isoWeek(date).label).toBe(week);
      expect(isoWeekday(date)).toBe(weekday);
      expect(oracleIsoWeek(date)).toBe(week); // the oracle is right too
    });
  }

  test("agrees with the oracle on every day of 1999-12-01 … 2031-01-31", () => {
    const mismatches: string[] = [];
    for (let t = Date.UTC(1999, 11, 1); t <= Date.UTC(2031, 0, 31); t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (isoWeek(date).label !== oracleIsoWeek(date)) mismatches.push(date);
    }
    expect(mismatches).toEqual([]);
  });

  test("is independent of the process time zone", () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = "Pacific/Kiritimati"; // UTC+14: local midnight is the previous UTC day
      expect(isoWeek("2027-01-04").label).toBe("2027-W01");
      expect(isoWeekday("2027-01-04")).toBe(1);
      process.env.TZ = "Pacific/Pago_Pago"; // UTC-11
      expect(isoWeek("2026-12-28").label).toBe("2026-W53");
      expect(isoWeekday("2026-12-28")).toBe(1);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});

describe("planRetention on the 400-day calendar with gaps", () => {
  const dates = syntheticCalendar();

  test("the calendar has the gaps the tests rely on", () => {
    expect(dates.length).toBeGreaterThan(250);
    expect(dates.length).toBeLessThan(400);
    expect(dates).not.toContain(CALENDAR_TODAY);
    expect(dates[dates.length - 1]).toBe("2027-06-29");
    expect(dates).not.toContain("2026-12-28");
    expect(dates.filter((d) => oracleIsoWeek(d) === "2026-W30")).toEqual([]);
    expect(dates.filter((d) => oracleIsoWeek(d) === "2026-W45")).toEqual(["2026-11-08"]);
  });

  // [keepDaily, keepWeekday, weekday name, protect]
  const policies: Array<[number, number, string, string[]]> = [
    [90, MON, "monday", []],
    [1, MON, "monday", []],
    [7, SUN, "sunday", []],
    [30, 3, "wednesday", []],
    [90, MON, "monday", ["2026-06-02", "2027-01-01", "2025-01-01"]],
    [400, MON, "monday", []],
  ];
  for (const [keepDaily, keepWeekday, name, protect] of policies) {
    test(`keepDaily ${keepDaily}, ${name}${protect.length ? `, protect ${protect.join(",")}` : ""}: every decision equals the oracle's`, () => {
      const plan = planRetention(dates, { keepDaily, keepWeekday }, CALENDAR_TODAY, protect);
      expect(plan).toEqual(oracleDecisions(dates, keepDaily, name, CALENDAR_TODAY, protect));
      // The newest day is always kept.
      expect(plan[plan.length - 1]).toEqual({ date: "2027-06-29", keep: true, reason: "daily" });
    });
  }

  test("hand-checked rows, default policy (90 days, monday)", () => {
    const plan = new Map(planRetention(dates, { keepDaily: 90, keepWeekday: MON }, CALENDAR_TODAY).map((d) => [d.date, d]));
    const row = (date: string) => {
      const d = plan.get(date)!;
      return `${d.keep ? "keep" : "delete"} ${d.reason}`;
    };
    expect(row("2027-06-29")).toBe("keep daily"); // newest present (today is missing)
    expect(row("2027-04-01")).toBe("keep daily"); // newest − 89 days
    expect(row("2027-03-31")).toBe("delete expired"); // newest − 90 days, a Wednesday
    expect(row("2027-03-29")).toBe("keep weekly: monday");
    // 2026-W53 runs 2026-12-28 … 2027-01-03; its Monday is missing, so the Tuesday stands for it.
    expect(row("2026-12-29")).toBe("keep weekly: earliest in week 2026-W53");
    expect(row("2027-01-01")).toBe("delete expired");
    expect(row("2027-01-04")).toBe("keep weekly: monday");
    // 2026-W45 has only its Sunday.
    expect(row("2026-11-08")).toBe("keep weekly: earliest in week 2026-W45");
    // Exactly one kept day per ISO week older than the window, and every week with a day keeps one.
    const old = [...plan.values()].filter((d) => d.reason !== "daily");
    const keptPerWeek = new Map<string, number>();
    for (const d of old) if (d.keep) keptPerWeek.set(isoWeek(d.date).label, (keptPerWeek.get(isoWeek(d.date).label) ?? 0) + 1);
    expect([...keptPerWeek.values()].every((n) => n === 1)).toBe(true);
    expect(keptPerWeek.size).toBe(new Set(old.map((d) => isoWeek(d.date).label)).size);
  });
});

describe("planRetention edge cases", () => {
  /** A today after every date of these cases: the anchor is the newest day present, as before issue 13. */
  const T = "2030-01-01";
  test("no dates, no decisions", () => {
    expect(planRetention([], { keepDaily: 90, keepWeekday: MON }, T)).toEqual([]);
  });

  test("input order and duplicates do not matter; output is one decision per day, oldest first", () => {
    const plan = planRetention(["2026-03-04", "2026-03-02", "2026-03-04", "2026-03-03"], { keepDaily: 1, keepWeekday: MON }, T);
    expect(plan).toEqual([
      { date: "2026-03-02", keep: true, reason: "weekly: monday" },
      { date: "2026-03-03", keep: false, reason: "expired" },
      { date: "2026-03-04", keep: true, reason: "daily" },
    ]);
  });

  test("keepDaily 1 keeps only the newest day daily, even mid-week", () => {
    const plan = planRetention(["2026-04-08", "2026-04-07"], { keepDaily: 1, keepWeekday: MON }, T);
    expect(plan).toEqual([
      { date: "2026-04-07", keep: true, reason: "weekly: earliest in week 2026-W15" },
      { date: "2026-04-08", keep: true, reason: "daily" },
    ]);
  });

  test("a week that starts in December and belongs to the next ISO year", () => {
    const plan = planRetention(["2024-12-31", "2025-01-02", "2025-03-01"], { keepDaily: 1, keepWeekday: MON }, T);
    expect(plan[0]).toEqual({ date: "2024-12-31", keep: true, reason: "weekly: earliest in week 2025-W01" });
    expect(plan[1]).toEqual({ date: "2025-01-02", keep: false, reason: "expired" });
  });

  test("days on both sides of New Year in one ISO week 53", () => {
    const plan = planRetention(["2020-12-30", "2021-01-02", "2021-01-03", "2021-02-01"], { keepDaily: 1, keepWeekday: SUN }, T);
    expect(plan.slice(0, 3)).toEqual([
      { date: "2020-12-30", keep: false, reason: "expired" },
      { date: "2021-01-02", keep: false, reason: "expired" },
      { date: "2021-01-03", keep: true, reason: "weekly: sunday" },
    ]);
  });

  test("a Sunday keep-weekday wins over the earlier days of its week", () => {
    const plan = planRetention(["2026-04-06", "2026-04-12", "2026-06-01"], { keepDaily: 1, keepWeekday: SUN }, T);
    expect(plan.slice(0, 2)).toEqual([
      { date: "2026-04-06", keep: false, reason: "expired" },
      { date: "2026-04-12", keep: true, reason: "weekly: sunday" },
    ]);
  });

  test("protect keeps a day the policy would delete; a protected day not present adds nothing", () => {
    const policy = { keepDaily: 1, keepWeekday: MON };
    const dates = ["2026-04-06", "2026-04-07", "2026-06-01"];
    expect(planRetention(dates, policy, T).map((d) => d.keep)).toEqual([true, false, true]);
    expect(planRetention(dates, policy, T, ["2026-04-07", "2026-05-05"])).toEqual([
      { date: "2026-04-06", keep: true, reason: "weekly: monday" },
      { date: "2026-04-07", keep: true, reason: "protected" },
      { date: "2026-06-01", keep: true, reason: "daily" },
    ]);
  });

  test("the daily window counts calendar days from the newest present, not present days", () => {
    // Three days present, but the oldest is 3 calendar days before the newest: outside keepDaily 3.
    const plan = planRetention(["2026-04-08", "2026-04-10", "2026-04-11"], { keepDaily: 3, keepWeekday: MON }, T);
    expect(plan.map((d) => d.reason)).toEqual(["weekly: earliest in week 2026-W15", "daily", "daily"]);
    const plan2 = planRetention(["2026-04-07", "2026-04-08", "2026-04-11"], { keepDaily: 4, keepWeekday: MON }, T);
    expect(plan2.map((d) => `${d.keep} ${d.reason}`)).toEqual(["true weekly: earliest in week 2026-W15", "true daily", "true daily"]);
  });

  // Regression guard: a bad policy would otherwise delete the newest day.
  for (const policy of [{ keepDaily: 0, keepWeekday: MON }, { keepDaily: 1.5, keepWeekday: MON }, { keepDaily: 90, keepWeekday: 0 }, { keepDaily: 90, keepWeekday: 8 }]) {
    test(`rejects ${JSON.stringify(policy)}`, () => {
      expect(() => planRetention(["2026-04-06"], policy, T)).toThrow(/retention/);
    });
  }

  test("rejects a date that is not YYYY-MM-DD", () => {
    expect(() => planRetention(["2026-4-6"], { keepDaily: 90, keepWeekday: MON }, T)).toThrow(/not a YYYY-MM-DD/);
  });
});

describe("planRetention counts from today, never from a day after it (issue 13)", () => {
  const policy = { keepDaily: 90, keepWeekday: MON };
  /** 2026-12-03, a Thursday, and the 93 days before it (from Tuesday 2026-09-01): a warehouse with its daily window full. */
  const TODAY = "2026-12-03";
  const window = Array.from({ length: 94 }, (_, i) => addDays(TODAY, -i)).reverse();
  const doomed = (dates: string[], today: string) => planRetention(dates, policy, today).filter((d) => !d.keep).map((d) => d.date);

  // [what, dates, today, days deleted]
  const cases: Array<[string, string[], string, string[]]> = [
    // 2026-09-05 … 12-03 are the window; 2026-W36's Monday is missing, so its Tuesday 09-01 stays.
    ["no future day: the days before the window but their week's earliest", window, TODAY, ["2026-09-02", "2026-09-03", "2026-09-04"]],
    // Regression: the issue's typo. The anchor used to be 2028-12-02, and 80 of these days went.
    ["a day two years ahead changes nothing", [...window, "2028-12-02"], TODAY, ["2026-09-02", "2026-09-03", "2026-09-04"]],
    // Regression: tomorrow as well (the same rule, no tolerance).
    ["tomorrow changes nothing", [...window, "2026-12-04"], TODAY, ["2026-09-02", "2026-09-03", "2026-09-04"]],
    // An outage: the newest day present is 30 days old, and the 90 days before it stay.
    ["the nightly job stopped 30 days ago: the window ends at its last day", window.slice(0, -30), TODAY, []],
  ];
  test.each(cases)("%s", (_what, dates, today, expected) => {
    expect(doomed(dates, today)).toEqual(expected);
  });

  test("a day after today is kept with its reason, and stands for no week", () => {
    const plan = planRetention(["2026-11-30", "2026-12-01", "2026-12-04"], { keepDaily: 1, keepWeekday: 5 }, "2026-12-01");
    // 2026-12-04 is the Friday of the same ISO week: it would have been the week's day and let 11-30 go.
    expect(plan).toEqual([
      { date: "2026-11-30", keep: true, reason: "weekly: earliest in week 2026-W49" },
      { date: "2026-12-01", keep: true, reason: "daily" },
      { date: "2026-12-04", keep: true, reason: "after today (never expired)" },
    ]);
  });

  // [dates, today, anchor]
  const anchors: Array<[string[], string, string]> = [
    [["2026-01-01", "2026-01-05"], "2026-01-05", "2026-01-05"],
    [["2026-01-01", "2026-01-05"], "2026-03-01", "2026-01-05"], // the newest day present
    [["2026-01-01", "2026-01-05", "2028-01-05"], "2026-03-01", "2026-01-05"], // not the day after today
    [["2028-01-05"], "2026-03-01", "2026-03-01"], // only future days: today
    [[], "2026-03-01", "2026-03-01"],
  ];
  test.each(anchors)("retentionAnchor(%p, %s) is %s", (dates, today, anchor) => {
    expect(retentionAnchor(dates, today)).toBe(anchor);
  });

  test("on the 400-day calendar, for todays before, inside and after it: the oracle's decisions, no day of the window ending today deleted, none after today", () => {
    const dates = syntheticCalendar();
    const todays = Array.from({ length: 70 }, (_, i) => addDays(dates[0]!, 100 + i * 7));
    let future = 0;
    for (const today of todays) {
      for (const [keepDaily, keepWeekday, name] of [[90, MON, "monday"], [7, SUN, "sunday"], [1, 3, "wednesday"]] as const) {
        const plan = planRetention(dates, { keepDaily, keepWeekday }, today);
        expect(plan).toEqual(oracleDecisions(dates, keepDaily, name, today));
        for (const d of plan.filter((p) => !p.keep)) {
          expect([d.date, daysBetween(d.date, today) >= keepDaily]).toEqual([d.date, true]);
        }
        future += plan.filter((p) => p.date > today).length;
      }
    }
    expect(future).toBeGreaterThan(1000); // most todays lie inside the calendar
  });
});

describe("planOrphanDays (bridge rows without facts)", () => {
  const policy = { keepDaily: 10, keepWeekday: MON };
  test("kept inside the daily window of the newest fact day, deleted before it, kept when protected", () => {
    expect(planOrphanDays(["2026-04-20", "2026-04-01", "2026-04-02"], "2026-04-20", policy, "2026-04-21", ["2026-04-02"])).toEqual([
      { date: "2026-04-01", keep: false, reason: "expired (bridge rows only, no facts)" },
      { date: "2026-04-02", keep: true, reason: "protected (bridge rows only, no facts)" },
      { date: "2026-04-20", keep: true, reason: "daily (bridge rows only, no facts)" },
    ]);
  });
  test("with no facts at all nothing is measured, so nothing goes", () => {
    expect(planOrphanDays(["2020-01-01"], undefined, policy, "2026-04-21").map((d) => d.keep)).toEqual([true]);
  });
  test("after today they are kept, whatever the anchor", () => {
    expect(planOrphanDays(["2028-04-20"], "2026-04-20", policy, "2026-04-21")).toEqual([
      { date: "2028-04-20", keep: true, reason: "after today (never expired; bridge rows only, no facts)" },
    ]);
  });
});

describe("weekday names", () => {
  // [input, ISO weekday or undefined]
  const cases: Array<[string, number | undefined]> = [
    ["monday", 1],
    ["Monday", 1],
    ["MON", 1],
    ["tue", 2],
    ["Wednesday", 3],
    ["thu", 4],
    ["fri", 5],
    ["SATURDAY", 6],
    ["sun", 7],
    [" sunday ", 7],
    ["tues", undefined], // only full names and three letters
    ["mo", undefined],
    ["funday", undefined],
    ["", undefined],
    ["1", undefined],
  ];
  for (const [text, n] of cases) {
    test(`${JSON.stringify(text)} → ${n}`, () => expect(parseWeekday(text)).toBe(n));
  }
  test("names round-trip", () => {
    for (let n = 1; n <= 7; n++) expect(parseWeekday(weekdayName(n))).toBe(n);
  });
});

describe("retentionFrom: flags > config [expire] > defaults", () => {
  test("defaults are 90 days and monday", () => {
    expect(retentionFrom({}, {})).toEqual({ keepDaily: 90, keepWeekday: 1 });
  });
  test("config is used when no flag is given; flags win", () => {
    const config = { expire: { keep_daily: 30, keep_weekday: "Fri" } };
    expect(retentionFrom({}, config)).toEqual({ keepDaily: 30, keepWeekday: 5 });
    expect(retentionFrom({ "keep-daily": "7", "keep-weekday": "sunday" }, config)).toEqual({ keepDaily: 7, keepWeekday: 7 });
  });
  // [args, config, message pattern]
  const bad: Array<[Record<string, string>, Record<string, unknown>, RegExp]> = [
    [{ "keep-weekday": "funday" }, {}, /--keep-weekday "funday": use a day name/],
    [{}, { expire: { keep_weekday: 1 } }, /config: \[expire\] keep_weekday 1/],
    [{ "keep-daily": "0" }, {}, /--keep-daily must be a positive whole number/],
    [{ "keep-daily": "2.5" }, {}, /--keep-daily must be a positive whole number/],
    [{}, { expire: { keep_daily: -3 } }, /config: \[expire\] keep_daily must be a positive/],
    [{}, { expire: "weekly" }, /\[expire\] must be a table/],
  ];
  for (const [args, config, message] of bad) {
    test(`usage error for ${JSON.stringify(args)} ${JSON.stringify(config)}`, () => {
      let err: unknown;
      try {
        retentionFrom(args, config);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(message);
    });
  }
});
