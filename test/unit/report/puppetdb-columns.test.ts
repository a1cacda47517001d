// The report's PuppetDB section from a column's (value, servers) groups: most servers first, the
// default and NULL together as "unknown", values past the top as one "other" record; and which
// columns are counted (not dates, not expression columns).
import { describe, expect, test } from "bun:test";
import { factExtrasFrom } from "../../../src/extras/declare.ts";
import { TOP_VALUES, countedColumns, valueRecords } from "../../../src/report/puppetdb-columns.ts";

const extras = factExtrasFrom({
  puppetdb: { url: "http://127.0.0.1:8080", match: "name" },
  facts: {
    columns: [
      { name: "os_cpu_count", type: "int", default: -1, puppetdb: "processors.count" },
      { name: "os_release", type: "varchar(16)", default: "<unknown>", puppetdb: "os.release.full" },
      { name: "facts_at", type: "datetime", puppetdb: "producer_timestamp" },
      { name: "rack_unit", type: "int", default: -1, expression: "ra.position" },
    ],
  },
});
const [cpus, release] = extras.columns;

describe("the report's PuppetDB section", () => {
  test("counts PuppetDB columns but dates, never expression columns", () => {
    expect(countedColumns(extras.columns).map((c) => c.name)).toEqual(["os_cpu_count", "os_release"]);
  });

  test("values by servers (ties by value), the default and NULL as unknown", () => {
    expect(valueRecords(cpus!, [{ v: 8, n: 3 }, { v: -1, n: "4" }, { v: 16, n: 3 }, { v: null, n: 1 }, { v: 2, n: 9 }])).toEqual([
      { column: "os_cpu_count", kind: "value", value: "2", servers: 9 },
      { column: "os_cpu_count", kind: "value", value: "16", servers: 3 },
      { column: "os_cpu_count", kind: "value", value: "8", servers: 3 },
      { column: "os_cpu_count", kind: "unknown", value: null, servers: 5 },
    ]);
  });

  test("a flag counts its two values and no unknown (its default is one of them)", () => {
    const flag = factExtrasFrom({ puppetdb: { url: "http://127.0.0.1:8080", match: "name" }, facts: { columns: [{ name: "is_virtual", type: "bool", default: false, puppetdb: "is_virtual" }] } }).columns[0]!;
    expect(valueRecords(flag, [{ v: 0, n: 7 }, { v: 1, n: 3 }])).toEqual([
      { column: "is_virtual", kind: "value", value: "0", servers: 7 },
      { column: "is_virtual", kind: "value", value: "1", servers: 3 },
    ]);
  });

  test(`past ${TOP_VALUES} values the rest is one record; a column without unknowns still says 0`, () => {
    const groups = Array.from({ length: TOP_VALUES + 5 }, (_, i) => ({ v: `12.${String(i).padStart(2, "0")}`, n: 100 - i }));
    const out = valueRecords(release!, groups);
    expect(out).toHaveLength(TOP_VALUES + 2);
    expect(out[TOP_VALUES]).toEqual({ column: "os_release", kind: "other", value: "5 other values", servers: [20, 21, 22, 23, 24].reduce((s, i) => s + 100 - i, 0) });
    expect(out.at(-1)).toEqual({ column: "os_release", kind: "unknown", value: null, servers: 0 });
  });
});
