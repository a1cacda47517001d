// --verbose DEBUG shows statements, never their values.
import { describe, expect, test } from "bun:test";
import { describeSql } from "../../../src/engine/sql-debug.ts";

describe("describeSql", () => {
  test("a 1000-row REPLACE shows its shape: table, column count, one tuple and the row count", () => {
    const cols = Array.from({ length: 29 }, (_, i) => `\`c${i}\``).join(", ");
    const tuple = `(${Array(29).fill("?").join(",")})`;
    const sql = `REPLACE INTO \`server_facts\` (${cols}) VALUES ${Array(1000).fill(tuple).join(",")}`;
    expect(describeSql(sql, Array(29_000).fill("secret"))).toBe("REPLACE INTO `server_facts` (29 columns) VALUES (?,…) ×1000 [29000 bound values]");
  });

  test("short column lists and single rows stay as written", () => {
    expect(describeSql("INSERT INTO etl_runs (kind, report_date) VALUES (?, ?)", ["etl", "2026-01-01"])).toBe(
      "INSERT INTO etl_runs (kind, report_date) VALUES (?,…) [2 bound values]",
    );
    expect(describeSql("SELECT GET_LOCK(?, 0) AS got", ["x"])).toBe("SELECT GET_LOCK(?, 0) AS got [1 bound values]");
  });

  test("comments and line breaks collapse; long statements are cut with their length", () => {
    const sql = `-- the fact select\nSELECT a,\n  b\nFROM t\nWHERE ${"x = 1 AND ".repeat(80)}y = 2`;
    const d = describeSql(sql);
    expect(d).toStartWith("SELECT a, b FROM t WHERE x = 1 AND");
    expect(d).toEndWith(`… (${sql.length} chars)`);
    expect(d).not.toContain("\n");
  });

  test("values never appear, whatever they are", () => {
    const d = describeSql("UPDATE etl_runs SET error = ? WHERE id = ?", ["the password is hunter2", 7]);
    expect(d).not.toContain("hunter2");
    expect(d).not.toContain("7 ");
  });
});
