// Dates (wall-clock text, fractions dropped), memory (exact decimal text) and int sentinels.
import { describe, expect, test } from "bun:test";
import { UNKNOWN_DATETIME, cleanDate, cleanDatetime } from "../../../src/transform/dates.ts";
import { cleanMemory, intOrUnknown } from "../../../src/transform/numbers.ts";
import type { Warnings } from "../../../src/transform/types.ts";

describe("cleanDatetime", () => {
  const cases: [raw: string | null, expected: string, warned: number][] = [
    ["2024-03-01 12:34:56.789012", "2024-03-01 12:34:56", 0],
    ["2024-12-31 23:59:59.999999", "2024-12-31 23:59:59", 0], // dropped, not rounded into next year
    ["2024-03-01 12:34:56", "2024-03-01 12:34:56", 0],
    ["2024-03-01 12:34:56.5", "2024-03-01 12:34:56", 0],
    ["2024-03-31 02:30:00", "2024-03-31 02:30:00", 0], // a DST gap in Europe: text, so no zone can shift it
    ["0000-00-00 00:00:00", UNKNOWN_DATETIME, 1], // zero date from a lax sql_mode
    ["2024-03-01T12:34:56Z", UNKNOWN_DATETIME, 1], // not MySQL's DATETIME text
    ["", UNKNOWN_DATETIME, 1],
    [null, UNKNOWN_DATETIME, 1],
  ];
  test.each(cases)("%p → %p", (raw, expected, warned) => {
    const warnings: Warnings = {};
    expect(cleanDatetime(raw, "created_at", warnings)).toBe(expected);
    expect(warnings.created_at ?? 0).toBe(warned);
  });
});

describe("cleanDate", () => {
  const cases: [raw: string | null, expected: string | null, warned: number][] = [
    ["2021-06-30", "2021-06-30", 0],
    [null, null, 0],
    ["0000-00-00", null, 0], // MySQL's "no date": NULL, not a warning
    ["2021-06-30 00:00:00", "2021-06-30", 0], // a DATETIME-shaped value keeps its date
    ["30.06.2021", null, 1],
    ["", null, 1],
  ];
  test.each(cases)("%p → %p", (raw, expected, warned) => {
    const warnings: Warnings = {};
    expect(cleanDate(raw, "delivery_date", warnings)).toBe(expected);
    expect(warnings.delivery_date ?? 0).toBe(warned);
  });
});

describe("cleanMemory", () => {
  const cases: [raw: string | number | null, expected: string, warned: number][] = [
    ["512.000", "512.000", 0],
    ["512", "512.000", 0],
    ["512.5", "512.500", 0],
    ["0.125", "0.125", 0],
    [".5", "0.500", 0],
    ["007.250", "7.250", 0], // leading zeros go
    ["99999.999", "99999.999", 0], // the largest decimal(8,3)
    ["1.0005", "1.001", 0], // extra digits round half away from zero, as MySQL stores them
    ["1.0004", "1.000", 0],
    ["99.9995", "100.000", 0], // the carry runs into the integer part
    ["-2.5", "-2.500", 0],
    ["-0.000", "0.000", 0], // one spelling of zero
    [null, "0.000", 0],
    [256, "256.000", 0], // mysql2 decimalNumbers
    [0.1 + 0.2, "0.300", 0], // a float's shortest text, rounded on digits
    ["100000.000", "0.000", 1], // does not fit decimal(8,3)
    ["99999.9995", "0.000", 1], // rounds out of range
    ["lots", "0.000", 1],
    ["", "0.000", 1],
    [".", "0.000", 1],
    [1e21, "0.000", 1], // exponent form
  ];
  test.each(cases)("%p → %p", (raw, expected, warned) => {
    const warnings: Warnings = {};
    expect(cleanMemory(raw, "memory", warnings)).toBe(expected);
    expect(warnings.memory ?? 0).toBe(warned);
  });
});

describe("intOrUnknown", () => {
  const cases: [raw: number | null, expected: number, warned: number][] = [
    [2, 2, 0],
    [0, 0, 0],
    [10000, 10000, 0],
    [null, -1, 0], // NULL is unknown, not an error
    [1.5, -1, 1],
    [Number.NaN, -1, 1],
  ];
  test.each(cases)("%p → %p", (raw, expected, warned) => {
    const warnings: Warnings = {};
    expect(intOrUnknown(raw, "cpu_count", warnings)).toBe(expected);
    expect(warnings.cpu_count ?? 0).toBe(warned);
  });
});
