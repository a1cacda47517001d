// aggregate-day.ts without a server: the registry's keys are the DDL's, every statement splits
// into its table, columns and SELECT, the slice statements carry exactly the placeholders their
// callers pass (mysql2 fills every `?`, comments included, so none may hide in a comment), the
// widest aggregate row fits AGGREGATE_ROW_BYTES, and the budget follows the write-set limits.
import { describe, expect, test } from "bun:test";
import { AGGREGATE_ROW_BYTES, nextSliceCount, sliceBudget, sliceStatements } from "../../../src/stages/aggregate-day.ts";
import { AGGREGATE_TABLES, insertParts, placeholderCount } from "../../../src/stages/aggregate-tables.ts";
import { warehouseTables } from "../../../src/engine/mysql/catalog.ts";
import type { DbCapabilities } from "../../../src/engine/db.ts";

const schemaOf = (name: string) => warehouseTables().find((t) => t.schema.name === name)!.schema;
const rawMarks = (sql: string) => (sql.match(/\?/g) ?? []).length;

/** Bytes of one value at most, from the column type (utf8mb4: 4 bytes a character, plus the length). */
function widthOf(type: string): number {
  const v = /^varchar\((\d+)\)$/.exec(type);
  if (v) return 4 * Number(v[1]) + 2;
  const d = /^decimal\((\d+),(\d+)\)$/.exec(type);
  if (d) return Math.ceil(Number(d[1]) / 2) + 1;
  const fixed: Record<string, number> = { date: 3, tinyint: 1, int: 4, "int unsigned": 4, bigint: 8, "bigint unsigned": 8 };
  if (!(type in fixed)) throw new Error(`no width for ${type}`);
  return fixed[type]!;
}

describe("the registry and its statements, taken apart", () => {
  for (const t of AGGREGATE_TABLES) {
    test(`${t.table}: key is the primary key after report_date; the statement splits into table, columns and SELECT`, () => {
      const schema = schemaOf(t.table);
      expect(["report_date", ...t.key]).toEqual(schema.primaryKey);
      const parts = insertParts(t.insert);
      expect(parts.table).toBe(t.table);
      expect(parts.columns).toEqual(schema.columns.map((c) => c.name));
      expect(parts.select).toStartWith("SELECT ");
      expect(placeholderCount(parts.select)).toBe(placeholderCount(t.insert));
    });

    test(`${t.table}: the slice statements name the table, hash the RTRIMmed key, and every \`?\` is a parameter`, () => {
      const s = sliceStatements(t);
      const day = placeholderCount(t.insert);
      const key = `CONCAT_WS('|', ${t.key.map((c) => `RTRIM(\`${c}\`)`).join(", ")})`;
      // [statement, parameters its caller passes]
      const cases: [string, number][] = [
        [s.sizesOld, 2], // slices, day
        [s.sizesNew, day + 1], // the SELECT's days, slices
        [s.del, 3], // day, slices, slice
        [s.insert, day + 2], // the SELECT's days, slices, slice
      ];
      for (const [sql, params] of cases) {
        expect(sql).toContain(`MOD(CRC32(${key}), ?)`);
        expect(sql).not.toMatch(/\{\w+\}/);
        expect([sql.slice(0, 60), rawMarks(sql)]).toEqual([sql.slice(0, 60), params]);
        expect(placeholderCount(sql)).toBe(params);
      }
      expect(s.del).toContain(`DELETE FROM \`${t.table}\``);
      expect(s.insert).toContain(`INSERT INTO \`${t.table}\` (${schemaOf(t.table).columns.map((c) => `\`${c.name}\``).join(", ")})`);
    });
  }

  test("no `--` comment of the splittable SELECTs holds a `?` (the slice statements embed them)", () => {
    for (const t of AGGREGATE_TABLES) expect([t.table, rawMarks(insertParts(t.insert).select)]).toEqual([t.table, placeholderCount(t.insert)]);
  });

  test("another shape of statement is refused", () => {
    expect(() => insertParts("DELETE FROM server_by_site WHERE report_date = ?")).toThrow("not an INSERT INTO");
  });

  test(`the widest aggregate row holds at most AGGREGATE_ROW_BYTES (${AGGREGATE_ROW_BYTES}) bytes of values`, () => {
    const widths = AGGREGATE_TABLES.map((t) => schemaOf(t.table).columns.reduce((sum, c) => sum + widthOf(c.type), 0));
    expect(Math.max(...widths)).toBeLessThanOrEqual(AGGREGATE_ROW_BYTES);
    // server_retirements, the widest: within a few bytes, so the constant is no looser than it needs to be.
    expect(Math.max(...widths)).toBeGreaterThan(AGGREGATE_ROW_BYTES - 64);
  });
});

describe("sliceBudget and nextSliceCount", () => {
  const base: DbCapabilities = { gtid: "mariadb", replication: true, snapshotTransactions: true, maxStatementBytes: 64 << 20, maxPlaceholders: 65_535, bulkLoad: true };
  const cases: [string, DbCapabilities["transactionLimit"], number][] = [
    ["no limits (not a Galera node): the day is one transaction", undefined, Infinity],
    // Old and new rows are both counted, so the whole row limit (the load's cap is half of it, for a REPLACE's two).
    ["wsrep_max_ws_rows 100", { rows: 100, bytes: 2 ** 31 - 1 }, 100],
    ["wsrep_max_ws_rows 101: twice the load's 50", { rows: 101, bytes: 2 ** 31 - 1 }, 100],
    ["wsrep_max_ws_rows 1: never above the limit", { rows: 1, bytes: 2 ** 31 - 1 }, 1],
    ["Galera's defaults: the byte cap over the widest row", { rows: 0, bytes: 2 ** 31 - 1 }, Math.floor(Math.floor((2 ** 31 - 1) / 4) / AGGREGATE_ROW_BYTES)],
    ["wsrep_max_ws_size 1 MiB", { rows: 0, bytes: 1 << 20 }, 256],
  ];
  for (const [name, limit, want] of cases) {
    test(name, () => expect(sliceBudget({ ...base, ...(limit ? { transactionLimit: limit } : {}) })).toBe(want));
  }

  test("the slice count grows every try, about in proportion to how far the fullest slice is over", () => {
    expect(nextSliceCount(1, 300, 100)).toBe(4);
    expect(nextSliceCount(4, 101, 100)).toBe(6);
    expect(nextSliceCount(3, 50, 100)).toBe(4);
    for (const [k, worst, budget] of [[1, 2, 1], [7, 8, 8], [100, 1000, 3]] as const) expect(nextSliceCount(k, worst, budget)).toBeGreaterThan(k);
  });
});

describe("a declared aggregate ([[facts.aggregates]]) through the same slicing", () => {
  test("its key is the DDL's, its statement splits (backticked names come back plain), and the slices carry its sentinels before the day", async () => {
    const { factExtrasFrom } = await import("../../../src/extras/declare.ts");
    const { aggregateTables } = await import("../../../src/stages/aggregate-tables.ts");
    const { dayParams } = await import("../../../src/stages/aggregate-day.ts");
    const extras = factExtrasFrom({
      facts: {
        columns: [{ name: "room", type: "varchar(32)", default: "<unknown>", expression: "rk.name" }, { name: "watts", type: "int", default: -1, expression: "s.cpu_count" }],
        aggregates: [{ name: "server_by_room", dimensions: ["site", "room"], measures: ["watts"] }],
      },
    });
    const t = aggregateTables(extras).find((x) => x.table === "server_by_room")!;
    const schema = warehouseTables(extras).find((x) => x.schema.name === "server_by_room")!.schema;
    expect(["report_date", ...t.key]).toEqual(schema.primaryKey);
    const parts = insertParts(t.insert);
    expect(parts.table).toBe("server_by_room");
    expect(parts.columns).toEqual(schema.columns.map((c) => c.name));
    const s = sliceStatements(t);
    expect(rawMarks(s.sizesNew)).toBe(dayParams(t, "2026-12-01").length + 1);
    expect(rawMarks(s.insert)).toBe(dayParams(t, "2026-12-01").length + 2);
    expect(dayParams(t, "2026-12-01")).toEqual([-1, -1, "2026-12-01"]);
  });
});
