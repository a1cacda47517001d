// The pure parts of --site-extras: the warranty date arithmetic, and rows that depend on
// (seed, id) alone (no hidden state between calls, which the streamed writer relies on).
import { describe, expect, test } from "bun:test";
import { buildCatalog } from "../../../src/generate/catalog.ts";
import { addYears, modelPowerRows, rackPlacement } from "../../../src/generate/site-extras.ts";

describe("addYears", () => {
  const cases: Array<[string, number, string]> = [
    ["2024-03-15", 3, "2027-03-15"],
    ["2023-12-31", 5, "2028-12-31"],
    // A 29 February lands on the 28th in a year without one (MySQL's DATE_ADD), not on 1 March (SQLite's date()).
    ["2024-02-29", 3, "2027-02-28"],
    ["2024-02-29", 4, "2028-02-29"],
    ["2096-02-29", 5, "2101-02-28"],
    ["2023-02-28", 5, "2028-02-28"],
  ];
  for (const [date, years, expected] of cases) test(`${date} + ${years} years`, () => expect(addYears(date, years)).toBe(expected));
});

describe("site-extra rows", () => {
  const catalog = buildCatalog(7, 20_000);

  test("a rack's placement is the same whatever was computed before it", () => {
    const forward = Array.from({ length: catalog.rackCount }, (_, i) => rackPlacement(7, catalog, i + 1));
    const backward = Array.from({ length: catalog.rackCount }, (_, i) => rackPlacement(7, catalog, catalog.rackCount - i)).reverse();
    expect(backward).toEqual(forward);
  });

  test("model power: exactly round(10%) of models without a row, at least one NULL, ids 1..n", () => {
    const rows = modelPowerRows(7, catalog);
    expect(rows.length).toBe(catalog.models.length - Math.round(catalog.models.length * 0.1));
    expect(rows.map((r) => r[0])).toEqual(rows.map((_, i) => i + 1));
    expect(rows.filter((r) => r[2] === null).length).toBeGreaterThanOrEqual(1);
    expect(modelPowerRows(7, catalog)).toEqual(rows);
    expect(modelPowerRows(8, catalog)).not.toEqual(rows);
  });
});
