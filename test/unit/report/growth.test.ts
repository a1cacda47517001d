// The calendar and weekly series of the report: representative days, gaps, quarters.
import { describe, expect, test } from "bun:test";
import { inUseSeries, weeklyDays, growthRates } from "../../../src/report/growth.ts";
import { mondayOf, quarterEnd, quarterOf, quartersFrom } from "../../../src/report/calendar.ts";
import type { GrowthRecord } from "../../../src/report/types.ts";

describe("calendar", () => {
  test.each([
    ["2026-12-03", "2026-11-30"], ["2026-11-30", "2026-11-30"], ["2026-12-06", "2026-11-30"], ["2027-01-01", "2026-12-28"],
  ])("mondayOf(%s) = %s", (day, monday) => expect(mondayOf(day)).toBe(monday));
  test("quarters", () => {
    expect([quarterOf("2026-12-31"), quarterOf("2027-01-01"), quarterEnd("2027-Q1"), quarterEnd("2024-Q1"), quarterEnd("2026-Q4")]).toEqual(["2026-Q4", "2027-Q1", "2027-03-31", "2024-03-31", "2026-12-31"]);
    expect(quartersFrom("2026-12-03", 3)).toEqual(["2026-Q4", "2027-Q1", "2027-Q2"]);
  });
});

describe("weekly series", () => {
  test("one day per week: the Monday when present, else the week's first day", () => {
    expect(weeklyDays(["2026-11-18", "2026-11-16", "2026-11-25", "2026-11-24", "2026-12-03"])).toEqual([
      { week: "2026-11-16", day: "2026-11-16" },
      { week: "2026-11-23", day: "2026-11-24" },
      { week: "2026-11-30", day: "2026-12-03" },
    ]);
  });

  test("a nightly day beats a backfilled one in its week", () => {
    const kinds = new Map([["2026-11-16", "backfill"], ["2026-11-18", "etl"], ["2026-11-19", "etl"], ["2026-11-23", "backfill"]]);
    expect(weeklyDays(["2026-11-16", "2026-11-18", "2026-11-19", "2026-11-23"], kinds)).toEqual([
      { week: "2026-11-16", day: "2026-11-18" },
      { week: "2026-11-23", day: "2026-11-23" },
    ]);
  });

  const rec = (week: string, in_use: number): GrowthRecord => ({ dimension: "site", key: "FRA1", week, servers: in_use, in_use, in_use_cores: 0 });

  test("missing weeks are interpolated linearly and counted; after the last known week it holds", () => {
    const s = inUseSeries([rec("2026-11-02", 10), rec("2026-11-23", 16)], "2026-12-07");
    expect(s).toEqual({ weeks: ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30", "2026-12-07"], values: [10, 12, 14, 16, 16, 16], filled: 4 });
  });

  test("growth per quarter: first and last week of the quarter", () => {
    const rates = growthRates([rec("2026-10-05", 100), rec("2026-11-02", 90), rec("2026-12-28", 110), rec("2027-01-04", 0)]);
    expect(rates).toEqual([
      { dimension: "site", key: "FRA1", quarter: "2026-Q4", in_use_start: 100, in_use_end: 110, rate: 0.1 },
      { dimension: "site", key: "FRA1", quarter: "2027-Q1", in_use_start: 0, in_use_end: 0, rate: null },
    ]);
  });
});

describe("csv columns", () => {
  test("every section's columns are exactly its records' fields (a record type change must update the csv)", async () => {
    const { CSV_COLUMNS } = await import("../../../src/report/render/csv.ts");
    const { fixtureReport } = await import("../../support/report-fixture.ts");
    const report = fixtureReport();
    for (const [section, cols] of Object.entries(CSV_COLUMNS)) {
      const records = (report as unknown as Record<string, object[]>)[section]!;
      expect([section, records.length > 0]).toEqual([section, true]);
      const fields = new Set(records.flatMap((r) => Object.keys(r)));
      expect([section, [...fields].sort()]).toEqual([section, [...cols].filter((c) => fields.has(c) || c !== "virtual").sort()]);
    }
  });
});
