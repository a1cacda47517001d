// [facts] declarations without a server: the expression grammar (what it renders, what it
// refuses and why), the types and defaults, and the one-line errors for broken declarations.
import { describe, expect, test } from "bun:test";
import { factExtrasFrom, type FactExtras } from "../../../src/extras/declare.ts";
import { ExpressionError, parseExpression, references, renderExpression } from "../../../src/extras/expression.ts";
import { withExtraSelect } from "../../../src/extras/extract-sql.ts";
import { cleanExtra } from "../../../src/extras/clean.ts";
import { configProblems } from "../../../src/settings/config-schema.ts";
import { usageMessage } from "../../support/usage-error.ts";

const render = (text: string) => {
  const params: unknown[] = [];
  return { sql: renderExpression(parseExpression(text), params), params };
};

describe("expressions", () => {
  test("references, literals and functions render quoted, with every literal a placeholder", () => {
    expect(render("rp.row_name")).toEqual({ sql: "`rp`.`row_name`", params: [] });
    expect(render("UPPER(COALESCE(rp.room, 'none'))")).toEqual({ sql: "UPPER(COALESCE(`rp`.`room`, ?))", params: ["none"] });
    expect(render("CASE WHEN mp.rated_watts >= 1000 THEN TRUE ELSE FALSE END")).toEqual({
      sql: "(CASE WHEN (`mp`.`rated_watts` >= ?) THEN ? ELSE ? END)",
      params: [1000, 1, 0],
    });
    expect(render("ROUND(mp.rated_watts * 1.15, 2) - -1")).toEqual({ sql: "(ROUND((`mp`.`rated_watts` * ?), ?) - (-?))", params: [1.15, 2, 1] });
    expect(render("s.memory IS NOT NULL AND NOT a.status = 'it''s'")).toEqual({
      sql: "((`s`.`memory` IS NOT NULL) AND (NOT (`a`.`status` = ?)))",
      params: ["it's"],
    });
    expect(references(parseExpression("COALESCE(rp.room, rk.name, 'x')"))).toEqual([{ alias: "rp", column: "room" }, { alias: "rk", column: "name" }]);
  });

  const refused: [string, RegExp][] = [
    ["rp.room; DROP TABLE servers_asset", /';' is not allowed/],
    ["rp.room -- comment", /a comment/],
    ["rp.room /* x */", /a comment/],
    ["rp.room # x", /a comment/],
    ["(SELECT password FROM auth_user)", /a subquery is not allowed/],
    ["SLEEP(10)", /the function SLEEP is not allowed/],
    ["LOAD_FILE('/etc/passwd')", /the function LOAD_FILE is not allowed/],
    ["room", /not a column reference: write alias\.column/],
    ["`rp`.`room`", /quoted identifiers/],
    ["mp.rated_watts / 1000", /'\/' is not allowed/],
    ["'a\\'b'", /backslashes are not allowed/],
    ["rp.room ||", /"\|" is not allowed/],
    ["NULLIF(rp.room)", /NULLIF takes 2 arguments, not 1/],
    ["rp.room rp.row_name", /unexpected "rp"/],
    ["'open", /not closed/],
    ["", /empty/],
    ["CASE END", /CASE needs at least one WHEN/],
    ["@@version", /"@" is not allowed/],
  ];
  for (const [text, why] of refused) {
    test(`refused: ${JSON.stringify(text)}`, () => {
      expect(() => parseExpression(text)).toThrow(ExpressionError);
      expect(() => parseExpression(text)).toThrow(why);
    });
  }
});

const facts = (columns: Record<string, unknown>[], joins: Record<string, unknown>[] = []) => factExtrasFrom({ facts: { columns, joins } });
const col = (over: Record<string, unknown> = {}) => ({ name: "rack_row", type: "varchar(16)", default: "", expression: "rk.name", ...over });

const usage = usageMessage;

describe("declarations", () => {
  test("[facts] is a known section with columns and joins; nothing declared is no extras", () => {
    expect(configProblems({ facts: { columns: [], joins: [] } })).toEqual([]);
    expect(configProblems({ facts: { column: [] } })[0]!.message).toBe("unknown key column in [facts]; did you mean columns?");
    expect(factExtrasFrom({})).toEqual({ columns: [], joins: [], aggregates: [] });
  });

  test("types and defaults canonical: decimal text, bool as 0/1, a date without default is NULL", () => {
    const x = facts([
      col(),
      col({ name: "budget", type: "Decimal( 8 , 2 )", default: 0, expression: "s.memory" }),
      col({ name: "big", type: "bool", default: false, expression: "s.cpu_count" }),
      col({ name: "warranty", type: "date", default: undefined, expression: "d.delivery_date" }),
      col({ name: "n", type: "bigint", default: -1, expression: "s.cpu_count" }),
    ]);
    expect(x.columns.map((c) => [c.name, c.typeText, c.fallback])).toEqual([
      ["rack_row", "varchar(16)", ""],
      ["budget", "decimal(8,2)", "0.00"],
      ["big", "bool", 0],
      ["warranty", "date", null],
      ["n", "bigint", -1],
    ]);
  });

  const broken: [string, () => unknown, RegExp][] = [
    ["an unknown key", () => facts([col({ expresion: "rk.name" })]), /\[\[facts\.columns\]\] rack_row: unknown key expresion; did you mean expression\?/],
    ["a base column's name", () => facts([col({ name: "rack" })]), /rack is already a column of server_facts/],
    ["a name twice", () => facts([col(), col()]), /rack_row is declared twice/],
    ["a bad name", () => facts([col({ name: "Rack-Row" })]), /name "Rack-Row": use a lower-case name/],
    ["an unknown type", () => facts([col({ type: "text" })]), /type "text" is not one of int, bigint, decimal\(p,s\), varchar\(n\), date, datetime or bool/],
    ["a varchar too wide", () => facts([col({ type: "varchar(5000)" })]), /varchar\(n\) needs 1 ≤ n ≤ 1024/],
    ["no default", () => facts([col({ default: undefined })]), /default is missing: give the value that stands for unknown/],
    ["a default too long", () => facts([col({ type: "varchar(3)", default: "<unknown>" })]), /default "<unknown>" does not fit varchar\(3\): give a string of at most 3 characters/],
    ["a default with a backslash", () => facts([col({ default: "a\\b" })]), /without control characters or backslashes/],
    ["a number default for text", () => facts([col({ default: -1 })]), /does not fit varchar\(16\): give a string/],
    ["an int default out of range", () => facts([col({ type: "int", default: 2 ** 31 })]), /a whole number from -2147483648 to 2147483647/],
    ["a decimal default too precise", () => facts([col({ type: "decimal(5,2)", default: 1.234 })]), /at most 3 digits before the point and 2 after/],
    ["an impossible date", () => facts([col({ type: "date", default: "2026-02-30" })]), /give a real day as "YYYY-MM-DD"/],
    ["an expression refused", () => facts([col({ expression: "SLEEP(1)" })]), /rack_row: expression "SLEEP\(1\)": the function SLEEP is not allowed/],
    ["an unknown alias", () => facts([col({ expression: "rq.room" })]), /no alias rq; did you mean ra\?/],
    ["a join alias taken", () => facts([col({ expression: "rk.name" })], [{ alias: "rk", table: "t", key: "id", references: "a.id" }]), /alias rk is already taken \(servers_rack\)/],
    ["a join referencing an unknown alias", () => facts([col({ expression: "x.name" })], [{ alias: "x", table: "t", key: "id", references: "zz.id" }]), /references zz\.id: no alias zz/],
    ["a join nobody uses", () => facts([col()], [{ alias: "x", table: "t", key: "id", references: "a.id" }]), /no declared column uses the join x \(t\)/],
    ["a join with a bad table name", () => facts([col({ expression: "x.a" })], [{ alias: "x", table: "t;drop", key: "id", references: "a.id" }]), /table "t;drop": use 1-64 characters/],
    ["columns not a list of tables", () => factExtrasFrom({ facts: { columns: "rack_row" } }), /\[facts\] columns: must be a list of tables: \[\[facts\.columns\]\]/],
  ];
  for (const [what, fn, message] of broken) {
    test(`refused in one line: ${what}`, () => {
      expect(usage(fn)).toMatch(message);
    });
  }
});

describe("the extract with declared columns", () => {
  const x: FactExtras = facts(
    [col({ name: "room", expression: "COALESCE(rp.room, 'none')" }), col({ name: "watts", type: "int", default: -1, expression: "mp.rated_watts" })],
    [
      { alias: "rp", table: "servers_rackplacement", key: "rack_id", references: "rk.id" },
      { alias: "mp", table: "servers_modelpower", key: "model_id", references: "m.id" },
    ],
  );
  test("columns go at the {extra_columns} line, joins at {extra_joins}, literals into params in order", () => {
    const params: unknown[] = [];
    const sql = withExtraSelect("SELECT a.id\n  -- {extra_columns}\nFROM t\n-- {extra_joins}\nORDER BY a.id", x, params);
    expect(sql).toBe(
      "SELECT a.id\n  , COALESCE(`rp`.`room`, ?) AS `extra__room`\n  , `mp`.`rated_watts` AS `extra__watts`\nFROM t\n" +
        "LEFT JOIN {schema}.`servers_rackplacement` `rp` ON `rp`.`rack_id` = `rk`.`id`\nLEFT JOIN {schema}.`servers_modelpower` `mp` ON `mp`.`model_id` = `m`.`id`\nORDER BY a.id",
    );
    expect(params).toEqual(["none"]);
  });
});

describe("declared values", () => {
  const [text, int, dec, flag, day, at] = facts([
    col({ name: "t", type: "varchar(4)" }),
    col({ name: "i", type: "int", default: -1 }),
    col({ name: "d", type: "decimal(5,2)", default: 0 }),
    col({ name: "b", type: "bool", default: false }),
    col({ name: "day", type: "date", default: undefined }),
    col({ name: "at", type: "datetime", default: "1000-01-01 00:00:00" }),
  ]).columns;
  test("NULL is the default; fitting values pass exactly; others fall back with one warning on the column", () => {
    const w: Record<string, number> = {};
    expect([null, "ab ", "abcdef", 42].map((v) => cleanExtra(text!, v, w))).toEqual(["", "ab ", "abcd", "42"]);
    expect([null, 7, "12", 2 ** 31, 1.5, "x"].map((v) => cleanExtra(int!, v, w))).toEqual([-1, 7, 12, -1, -1, -1]);
    expect([null, "1.005", 2.5, "1234.5", "-0.001"].map((v) => cleanExtra(dec!, v, w))).toEqual(["0.00", "1.01", "2.50", "0.00", "0.00"]);
    expect([null, 1, 0, true, "1", 2].map((v) => cleanExtra(flag!, v, w))).toEqual([0, 1, 0, 1, 1, 0]);
    expect([null, "2026-02-28", "2026-02-28 10:00:00", "0000-00-00", "soon"].map((v) => cleanExtra(day!, v, w))).toEqual([null, "2026-02-28", "2026-02-28", null, null]);
    expect([null, "2026-02-28 10:00:00.5", "2026-02-28", "0000-00-00 00:00:00"].map((v) => cleanExtra(at!, v, w))).toEqual(["1000-01-01 00:00:00", "2026-02-28 10:00:00", "2026-02-28 00:00:00", "1000-01-01 00:00:00"]);
    expect(w).toEqual({ t: 1, i: 3, d: 1, b: 1, day: 1, at: 1 });
  });
});

describe("declared aggregates", () => {
  const cols = [
    col({ name: "room", type: "varchar(32)", default: "<unknown>", expression: "rk.name" }),
    col({ name: "watts", type: "int", default: -1, expression: "s.cpu_count" }),
    col({ name: "budget", type: "decimal(8,2)", default: 0, expression: "s.memory" }),
    col({ name: "warranty", type: "date", default: undefined, expression: "d.delivery_date" }),
    col({ name: "long_note", type: "varchar(600)", default: "", expression: "a.name" }),
  ];
  const agg = (over: Record<string, unknown>) => factExtrasFrom({ facts: { columns: cols, aggregates: [{ name: "server_by_room", dimensions: ["site", "room"], measures: ["watts"], ...over }] } });

  test("status is added as the last dimension; the statement sums known values only, sentinels as placeholders", async () => {
    const { aggregates } = agg({ measures: ["watts", "budget"] });
    expect(aggregates[0]!.dimensions.map((d) => d.name)).toEqual(["site", "room", "status"]);
    const { declaredAggregateInsert } = await import("../../../src/extras/aggregates.ts");
    const { sql, params } = declaredAggregateInsert(aggregates[0]!);
    expect(sql).toContain("SUM(CASE WHEN `watts` = ? THEN 0 ELSE `watts` END)");
    expect(sql).toContain("SUM(CASE WHEN `budget` = ? THEN 0 ELSE ROUND(`budget` * 100) END) / 100");
    expect(sql).toContain("GROUP BY report_date, `site`, `room`, `status`");
    expect(params("2026-12-01")).toEqual([-1, -1, "0.00", "0.00", "2026-12-01"]);
  });

  const broken: [string, Record<string, unknown>, RegExp][] = [
    ["a built-in table's name", { name: "server_by_site" }, /server_by_site is already a table of the warehouse/],
    ["a name outside server_by_", { name: "rooms" }, /a table name server_by_…/],
    ["an unknown dimension", { dimensions: ["site", "rom"] }, /dimension rom is not a text column of server_facts nor a declared column; did you mean room\?/],
    ["a NULL-able dimension", { dimensions: ["warranty"] }, /dimension warranty may be NULL/],
    ["a measure not declared", { measures: ["cpu_count"] }, /measure cpu_count is not a declared column/],
    ["a text measure", { measures: ["room"] }, /measure room is varchar\(32\); a measure is an int, bigint, decimal or bool column/],
    ["no dimension", { dimensions: [] }, /dimensions must name at least one column/],
    ["an unknown key", { measure: ["watts"] }, /unknown key measure; did you mean measures\?/],
    ["too wide a key", { dimensions: ["rack", "long_note", "room"] }, /the dimensions are 776 characters wide together, more than a key can hold \(760\)/],
  ];
  for (const [what, over, message] of broken) {
    test(`refused in one line: ${what}`, () => {
      expect(usage(() => agg(over))).toMatch(message);
    });
  }
});
