// The aggregate SQL without a server: the registry, the DDL of create_aggregates.sql and the
// sql/aggregate statements agree with each other and with docs/data-contract.md; and every statement runs
// unchanged on SQLite (bun:sqlite), giving what the independent oracle computes.
import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { AGGREGATE_TABLES, AGGREGATE_TABLE_NAMES, placeholderCount } from "../../../src/stages/aggregate-tables.ts";
import { warehouseTables } from "../../../src/engine/mysql/catalog.ts";
import type { TableSchema } from "../../../src/warehouse/schema-model.ts";
import { SQL } from "../../../src/sql.ts";
import { EXPECTED_DIMENSIONS, EXPECTED_TABLES, RETIREMENTS, aggregateLine, expectedAggregates } from "../../support/expected-aggregates.ts";

const schemaOf = (name: string): TableSchema | undefined => warehouseTables().find((t) => t.schema.name === name)?.schema;
const MEASURES = [
  ["servers", "int unsigned"],
  ["cpu_sockets", "bigint"],
  ["cpu_cores", "bigint"],
  ["memory_gib", "decimal(14,3)"],
] as const;

describe("registry, DDL and statements agree", () => {
  test("the registry holds exactly the aggregate tables of the warehouse DDL (server_by_*, server_retirements), which are the data contract's", () => {
    const inDdl = warehouseTables()
      .map((t) => t.schema.name)
      .filter((n) => !["etl_runs", "server_facts", "server_fact_roles"].includes(n));
    expect(inDdl.filter((n) => !n.startsWith("server_by_"))).toEqual([RETIREMENTS]);
    expect([...AGGREGATE_TABLE_NAMES].sort()).toEqual(inDdl.sort());
    expect([...AGGREGATE_TABLE_NAMES].sort()).toEqual([...EXPECTED_TABLES].sort());
    // Only server_retirements may have no rows on a day with facts (backfill's "aggregated?" check skips it).
    expect(AGGREGATE_TABLES.filter((t) => t.sparse).map((t) => t.table)).toEqual([RETIREMENTS]);
  });

  test("server_retirements: primary key (report_date, id), key (id, report_date); copied columns have the fact columns' types and collation", () => {
    const t = schemaOf(RETIREMENTS)!;
    const facts = schemaOf("server_facts")!;
    expect(t.primaryKey).toEqual(["report_date", "id"]);
    expect(t.indexes).toEqual([{ name: "id", columns: ["id", "report_date"], unique: false }]);
    expect(t.columns.map((c) => c.name)).toEqual([
      "report_date", "id", "previous_day", "manufacturer", "model", "asset_type", "site", "wou_name", "in_service_since", "delivery_known",
    ]);
    for (const name of ["report_date", "id", "manufacturer", "model", "asset_type", "site", "wou_name"]) {
      const want = facts.columns.find((c) => c.name === name)!;
      const got = t.columns.find((c) => c.name === name)!;
      expect({ name, type: got.type, nullable: got.nullable, collation: got.collation }).toEqual({ name, type: want.type, nullable: false, collation: want.collation });
    }
    for (const name of ["previous_day", "in_service_since"]) expect([name, t.columns.find((c) => c.name === name)!.type]).toEqual([name, "date"]);
  });

  test("server_retirements: the statement inserts the table's columns in order and reads one day and the fact day before it", () => {
    const insert = AGGREGATE_TABLES.find((t) => t.table === RETIREMENTS)!.insert;
    const code = insert.replace(/--[^\n]*/g, "").replace(/\s+/g, " ");
    const m = /^ ?INSERT INTO (\w+) \(([^)]*)\) SELECT /.exec(code);
    expect(m?.[1]).toBe(RETIREMENTS);
    expect(m![2].split(",").map((c) => c.trim())).toEqual(schemaOf(RETIREMENTS)!.columns.map((c) => c.name));
    expect(placeholderCount(insert)).toBe(2);
  });

  for (const { table, insert } of AGGREGATE_TABLES.filter((t) => t.table !== RETIREMENTS)) {
    const dims = EXPECTED_DIMENSIONS[table];

    test(`${table}: primary key is (report_date, ${dims.join(", ")}, status), then the four measures`, () => {
      const t = schemaOf(table)!;
      expect(t.primaryKey).toEqual(["report_date", ...dims, "status"]);
      expect(t.indexes).toEqual([]);
      expect(t.columns.map((c) => c.name)).toEqual(["report_date", ...dims, "status", ...MEASURES.map(([m]) => m)]);
      for (const [m, type] of MEASURES) {
        const col = t.columns.find((c) => c.name === m)!;
        expect([m, col.type, col.nullable, col.default]).toEqual([m, type, false, { kind: "value", value: "0" }]);
      }
    });

    test(`${table}: dimension columns have the fact columns' types, widths and collation`, () => {
      const t = schemaOf(table)!;
      for (const name of ["report_date", ...dims, "status"]) {
        const source = name === "puppet_service" ? schemaOf("server_fact_roles")! : schemaOf("server_facts")!;
        const want = source.columns.find((c) => c.name === name)!;
        const got = t.columns.find((c) => c.name === name)!;
        expect({ name, type: got.type, nullable: got.nullable, collation: got.collation }).toEqual({
          name,
          type: want.type,
          nullable: false,
          collation: want.collation,
        });
      }
    });

    test(`${table}: the statement inserts the table's columns in order and groups by its key`, () => {
      const code = insert.replace(/--[^\n]*/g, "").replace(/\s+/g, " ");
      const m = /^ ?INSERT INTO (\w+) \(([^)]*)\) SELECT /.exec(code);
      expect(m?.[1]).toBe(table);
      expect(m![2].split(",").map((c) => c.trim())).toEqual(schemaOf(table)!.columns.map((c) => c.name));
      const groupBy = /GROUP BY (.*)$/.exec(code)![1].split(",").map((c) => c.trim().replace(/^\w+\./, ""));
      expect(groupBy).toEqual(["report_date", ...dims, "status"]);
      // Every `?` is the report date, and there is at least one: a statement reads one day.
      expect(placeholderCount(insert)).toBeGreaterThanOrEqual(1);
    });
  }

  test("placeholders are counted outside comments and quoted text only", () => {
    const cases: [string, number][] = [
      ["SELECT 1 FROM t WHERE d = ?", 1],
      ["-- the date `?`\nSELECT 1 FROM t WHERE d = ? AND e = ?", 2],
      ["SELECT '?', \"?\", `?` FROM t /* ? */ WHERE d = ?", 1],
      ["SELECT 'it''s ?' FROM t WHERE d = ?", 1],
      ["SELECT 1", 0],
    ];
    for (const [sql, n] of cases) expect([sql, placeholderCount(sql)]).toEqual([sql, n]);
    // The real statements mention `?` in their comments; those must not count.
    const puppet = AGGREGATE_TABLES.find((t) => t.table === "server_by_puppet_service")!.insert;
    expect((puppet.match(/\?/g) ?? []).length).toBeGreaterThan(placeholderCount(puppet));
    expect(placeholderCount(puppet)).toBe(2);
  });
});

/** SQLite tables from the parsed MySQL DDL: same names, columns and keys; text compares RTRIM. */
function sqliteWarehouse(): Database {
  const db = new Database(":memory:");
  for (const name of ["server_facts", "server_fact_roles", ...AGGREGATE_TABLE_NAMES]) {
    const t = schemaOf(name)!;
    // RTRIM mirrors MySQL's PAD SPACE utf8mb4_bin ('svc' = 'svc '), which the oracle models.
    const cols = t.columns.map((c) => `${c.name} ${c.type}${c.collation ? " COLLATE RTRIM" : ""}${c.nullable ? "" : " NOT NULL"}`);
    db.run(`CREATE TABLE ${name} (${cols.join(", ")}, PRIMARY KEY (${t.primaryKey.join(", ")}))`);
  }
  return db;
}

const D1 = "2026-03-01";
const D2 = "2026-03-02";

/** [id, status, site, cpu_count, cpu_cores, memory, services…]: each line an edge case. */
const FLEET: [number, string, string, number, number, string, ...string[]][] = [
  [1, "in_use", "FRA1", 2, 16, "256.000", "web", "web"], // two roles, one service: counts once
  [2, "in_use", "FRA1", -1, 16, "128.500", "web"], // sockets unknown: no sockets, no cores
  [3, "in_use", "FRA1", 2, -1, "64.250", "web", "db"], // cores unknown: sockets only; two services
  [4, "spare", "FRA1", -1, -1, "0.000", "Web"], // both unknown, memory unknown; 'Web' is not 'web'
  [5, "in_use", "AMS1", 4, 8, "1024.000", "web", "web "], // 'web ' = 'web' under PAD SPACE
  [6, "in_use", "AMS1", 1, 64, "512.125", ""], // a role without a service counts under ''
  [7, "retired", "AMS1", 2, 20, "96.000"], // no role: not in server_by_puppet_service
];

function loadFacts(db: Database, day: string, bump: number): void {
  for (const [id, status, site, cpuCount, cpuCores, memory, ...services] of FLEET) {
    db.run(
      "INSERT INTO server_facts (id, report_date, status, site, region, cpu_version, cpu_count, cpu_cores, cpu_threads, memory, " +
        "network_speed, manufacturer, model, asset_type, owner, wou_id, wou_name, created_at, last_edit, etl_run_id, name, " +
        "serialnumber, role_ids, puppet_services, role_names, rack, delivery_date) " +
        "VALUES (?, ?, ?, ?, 'eu-1', ?, ?, ?, -1, ?, -1, 'Dell', ?, 'server', 'ops', ?, ?, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1, '', '', '', '', '', '', ?)",
      [id, day, status, site, id % 2 ? "epyc 7742" : "gold 6248", cpuCount, cpuCores, memory, `R${id % 3}`, id % 2 ? 7 : -1, id % 2 ? "Ops" : "<unknown>", id % 2 ? "2023-04-05" : null],
    );
    services.forEach((service, i) =>
      db.run(
        "INSERT INTO server_fact_roles (report_date, id, role_id, role_name, puppet_service, wou_id, wou_name, etl_run_id) VALUES (?, ?, ?, 'r', ?, -1, '<unknown>', 1)",
        [day, id, i + 1 + bump, service],
      ),
    );
  }
}

function rebuild(db: Database, table: string, insert: string, day: string): void {
  db.transaction(() => {
    db.run(SQL.aggregateDeleteDay.replaceAll("{table}", table), [day]);
    db.run(insert, Array(placeholderCount(insert)).fill(day));
  })();
}

describe("the statements are portable: bun:sqlite runs them unchanged", () => {
  const db = sqliteWarehouse();
  loadFacts(db, D1, 0);
  loadFacts(db, D2, 10);
  // Day 2 differs: server 1 left, server 3's memory grew; 5 and 6 retired from use (6 has no
  // delivery date), 4 was spare and is retired (not a retirement from use), 7 was retired already.
  db.run("DELETE FROM server_facts WHERE report_date = ? AND id = 1", [D2]);
  db.run("DELETE FROM server_fact_roles WHERE report_date = ? AND id = 1", [D2]);
  db.run("UPDATE server_facts SET memory = 128.250 WHERE report_date = ? AND id = 3", [D2]);
  db.run("UPDATE server_facts SET status = 'retired' WHERE report_date = ? AND id IN (4, 5, 6)", [D2]);
  const facts = db.query("SELECT * FROM server_facts").all() as Record<string, unknown>[];
  const roles = db.query("SELECT * FROM server_fact_roles").all() as Record<string, unknown>[];
  const expected = expectedAggregates(facts, roles);
  const actual = (table: string) => (db.query(`SELECT * FROM ${table}`).all() as Record<string, unknown>[]).map((r) => aggregateLine(table, r)).sort();

  for (const { table, insert } of AGGREGATE_TABLES) {
    test(`${table}: two days built, one rebuilt twice, equal the oracle`, () => {
      rebuild(db, table, insert, D1);
      rebuild(db, table, insert, D2);
      rebuild(db, table, insert, D2); // idempotent: the day is replaced, not doubled
      expect(actual(table)).toEqual(expected[table]);
      // server_retirements has no day before D1 to compare with: D1 has none of its rows.
      expect(expected[table].some((l) => l.startsWith(D1))).toBe(table !== RETIREMENTS);
      expect(expected[table].some((l) => l.startsWith(D2))).toBe(true);
    });
  }

  test("the oracle's edge cases are really there (so the comparisons above mean something)", () => {
    const site = expected.server_by_site.filter((l) => l.startsWith(`${D1}|FRA1|`));
    // D1 FRA1 in_use: servers 1,2,3 → sockets 2+2, cores 2×16, memory 448.750.
    expect(site).toContain(`${D1}|FRA1|eu-1|in_use|3|4|32|448750`);
    // Server 4: every measure unknown → 0.
    expect(site).toContain(`${D1}|FRA1|eu-1|spare|1|0|0|0`);
    const puppet = expected.server_by_puppet_service.filter((l) => l.startsWith(`${D1}|`));
    // 'web' on D1: servers 1, 2, 3, 5 once each (1 has it twice, 5 as 'web' and 'web ').
    expect(puppet).toContain(`${D1}|web|in_use|4|8|64|1472750`);
    expect(puppet).toContain(`${D1}|Web|spare|1|0|0|0`);
    expect(puppet).toContain(`${D1}||in_use|1|1|64|512125`);
    expect(puppet.some((l) => l.includes("|retired|"))).toBe(false);
    // date|id|previous_day|manufacturer|model|asset_type|site|wou_name|in_service_since|delivery_known:
    // 5 and 6 went from in_use to retired; 6 entered service the day it was created; not 4 (spare), not 7.
    expect(expected.server_retirements).toEqual([
      `${D2}|5|${D1}|Dell|R2|server|AMS1|Ops|2023-04-05|1`,
      `${D2}|6|${D1}|Dell|R0|server|AMS1|<unknown>|2026-01-01|0`,
    ]);
  });
});
