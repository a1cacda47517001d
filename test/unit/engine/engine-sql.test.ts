// The engine-specific SQL (src/sql.ts engineSql): both engines have every name, and SQLite's
// day walks return exactly what the plain DISTINCT returns (the MariaDB text), on a SQLite
// warehouse with gaps, at and beyond its bounds, and empty — while seeking, never scanning.
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { SqliteDb } from "../../../src/engine/sqlite/sqlite-db.ts";
import { initWarehouse } from "../../../src/stages/init.ts";
import { engineSql, SQL_FILES, type EngineSqlName } from "../../../src/sql.ts";

const NAMES: EngineSqlName[] = ["create_etl_runs", "create_server_facts", "create_server_fact_roles", "create_aggregates", "expire_days", "fact_days", "range_ids"];

describe("engineSql", () => {
  test("every name is a file of the same name under sql/mysql/ and sql/sqlite/, listed in SQL_FILES", () => {
    for (const name of NAMES) {
      for (const engine of ["mysql", "sqlite"] as const) {
        expect(SQL_FILES).toContain(`${engine}/${name}.sql` as (typeof SQL_FILES)[number]);
        expect(engineSql(engine, name).length).toBeGreaterThan(0);
      }
      expect(engineSql("mysql", name)).not.toBe(engineSql("sqlite", name));
    }
    // And no engine-specific file is left out of the lookup.
    const root = join(import.meta.dir, "../../../sql");
    const mysqlFiles = readdirSync(join(root, "mysql")).map((f) => f.replace(/\.sql$/, "")).sort();
    expect(mysqlFiles).toEqual([...NAMES].sort());
  });
});

async function warehouse(days: readonly string[]): Promise<SqliteDb> {
  const db = SqliteDb.open(":memory:", { create: true });
  await initWarehouse(db);
  for (const [i, d] of days.entries()) {
    for (let id = 1; id <= 3; id++) {
      await db.execute(
        "INSERT INTO server_facts (id, report_date, cpu_count, cpu_cores, cpu_threads, memory, network_speed, wou_id, created_at, last_edit, etl_run_id) VALUES (?, ?, 1, 1, 1, 1, 1, 1, 'x', 'x', 1)",
        [id * 10 + i, d],
      );
    }
    if (i % 2 === 0) await db.execute("INSERT INTO server_fact_roles (report_date, id, role_id, wou_id, etl_run_id) VALUES (?, 1, 1, -1, 1)", [d]);
  }
  return db;
}

const DAYS = ["2025-12-30", "2026-01-01", "2026-01-02", "2026-01-09", "2026-02-28", "2026-03-01"];

describe("SQLite's day walks equal SELECT DISTINCT", () => {
  for (const days of [DAYS, [], ["2026-01-01"]]) {
    test(`expire_days on ${days.length} days, both tables`, async () => {
      const db = await warehouse(days);
      for (const table of ["server_facts", "server_fact_roles"]) {
        const walk = await db.query(engineSql("sqlite", "expire_days").replaceAll("{table}", `\`${table}\``));
        const plain = await db.query(engineSql("mysql", "expire_days").replaceAll("{table}", `\`${table}\``));
        expect({ table, walk }).toEqual({ table, walk: plain });
      }
      await db.close();
    });

    test(`fact_days on ${days.length} days, for bounds inside, on, around and beyond them`, async () => {
      const db = await warehouse(days);
      const bounds: Array<[string, string]> = [
        ["1000-01-01", "9999-12-31"],
        ["2026-01-01", "2026-01-09"],
        ["2026-01-02", "2026-01-02"],
        ["2026-01-03", "2026-01-08"],
        ["2025-01-01", "2025-12-31"],
        ["2026-03-02", "2026-12-31"],
        ["2026-01-05", "2026-03-01"],
      ];
      for (const [from, to] of bounds) {
        const walk = await db.query(engineSql("sqlite", "fact_days"), [from, to]);
        const plain = await db.query(engineSql("mysql", "fact_days"), [from, to]);
        expect({ from, to, walk }).toEqual({ from, to, walk: plain });
      }
      await db.close();
    });
  }

  test("the walks seek an index leading with report_date (one SEARCH per step), never SCAN a table or an index", async () => {
    const db = await warehouse(DAYS);
    const plans = [
      await db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${engineSql("sqlite", "fact_days")}`, ["1000-01-01", "9999-12-31"]),
      ...(await Promise.all(
        ["server_facts", "server_fact_roles"].map((t) => db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${engineSql("sqlite", "expire_days").replaceAll("{table}", t)}`)),
      )),
    ];
    for (const plan of plans) {
      const reads = plan.map((p) => p.detail).filter((d) => /server_fact/.test(d));
      expect(reads.length).toBe(2);
      for (const d of reads) expect(d).toMatch(/^SEARCH server_fact(s|_roles) USING (COVERING INDEX sqlite_autoindex_server_facts_1|COVERING INDEX server_fact_roles_puppet_service|PRIMARY KEY)/);
    }
    await db.close();
  });
});
