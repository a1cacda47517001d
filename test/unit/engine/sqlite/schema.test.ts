// The SQLite warehouse DDL against the MariaDB one (same tables, columns, order, NOT NULLs,
// defaults and keys, in SQLite's types), and `init` on SQLite files: created tables read back
// exactly as the DDL, and each kind of drift is reported with a script that, applied as
// printed, makes the check pass again and keeps the rows. bun:sqlite is embedded: no server.
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteDb } from "../../../../src/engine/sqlite/sqlite-db.ts";
import { checkWarehouseSchema, initWarehouse } from "../../../../src/stages/init.ts";
import { engineOf } from "../../../../src/engine/index.ts";
import type { DriftKind } from "../../../../src/warehouse/schema-diff.ts";
import { renderMigration } from "../../../../src/warehouse/schema-migration.ts";
import { warehouseTables } from "../../../../src/engine/mysql/catalog.ts";
import { sqliteWarehouseTables } from "../../../../src/engine/sqlite/catalog.ts";
import type { ColumnSchema } from "../../../../src/warehouse/schema-model.ts";
import { ROWID_TABLE, WITHOUT_ROWID_TABLE } from "../../../../src/engine/sqlite/schema-live.ts";

const dir = mkdtempSync(join(tmpdir(), "serverdb-etl-sqlite-schema-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `dw${++n}.sqlite`);

/** The SQLite type each MySQL column type maps to (see sql/sqlite/create_server_facts.sql). */
function sqliteTypeOf(mysqlType: string): string {
  if (/^(tinyint|smallint|mediumint|int|bigint)\b/.test(mysqlType)) return "int"; // INTEGER, normalized
  if (/^(varchar|char|text|date|datetime)\b/.test(mysqlType)) return "text";
  if (/^decimal\(/.test(mysqlType)) return "real";
  throw new Error(`no SQLite mapping for ${mysqlType}`);
}

/** A default as both engines mean it: numbers compared as numbers ('0.000' = '0'). */
function defaultOf(c: ColumnSchema): unknown {
  if (c.default.kind !== "value") return c.default.kind;
  return /^-?\d+(\.\d+)?$/.test(c.default.value) ? Number(c.default.value) : c.default.value;
}

describe("sql/sqlite DDL mirrors sql/mysql DDL", () => {
  test("the same tables in the same order", async () => {
    const sqlite = (await sqliteWarehouseTables()).map((t) => t.schema.name);
    expect(sqlite).toEqual(warehouseTables().map((t) => t.schema.name));
  });

  test("every table: same columns in order, mapped types, NOT NULLs, defaults, auto-increment and primary key", async () => {
    const sqlite = await sqliteWarehouseTables();
    for (const { schema: my } of warehouseTables()) {
      const lite = sqlite.find((t) => t.schema.name === my.name)!.schema;
      const shape = (cols: ColumnSchema[], type: (c: ColumnSchema) => string, collation: (c: ColumnSchema) => string | undefined) =>
        cols.map((c) => ({ table: my.name, name: c.name, type: type(c), collation: collation(c), nullable: c.nullable, default: defaultOf(c), autoIncrement: c.autoIncrement }));
      expect(shape(lite.columns, (c) => c.type, (c) => c.collation)).toEqual(
        shape(
          my.columns,
          (c) => sqliteTypeOf(c.type),
          // utf8mb4_bin (PAD SPACE) ↔ RTRIM; dates, which have no collation in MySQL, are BINARY TEXT.
          (c) => (c.collation === "utf8mb4_bin" ? "RTRIM" : sqliteTypeOf(c.type) === "text" ? "BINARY" : undefined),
        ),
      );
      expect([my.name, lite.primaryKey]).toEqual([my.name, my.primaryKey]);
    }
  });

  test("every secondary key has a SQLite index on the same columns (SQLite's named per table, with id spelled out where InnoDB appends it)", async () => {
    const sqlite = await sqliteWarehouseTables();
    for (const { schema: my } of warehouseTables()) {
      const lite = sqlite.find((t) => t.schema.name === my.name)!.schema;
      const mine = my.indexes.map((i) => ({ name: `${my.name}_${i.name}`, unique: i.unique, columns: i.columns }));
      const theirs = lite.indexes.map((i) => ({
        name: i.name,
        unique: i.unique,
        columns: i.columns,
      }));
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect(theirs.sort(byName)).toEqual(mine.sort(byName));
    }
  });

  test("storage: rowid tables for wide rows and the AUTOINCREMENT id, WITHOUT ROWID for small rows keyed by day", async () => {
    const engines = Object.fromEntries((await sqliteWarehouseTables()).map((t) => [t.schema.name, t.schema.engine]));
    expect(engines).toEqual({
      etl_runs: ROWID_TABLE,
      server_facts: ROWID_TABLE,
      server_fact_roles: WITHOUT_ROWID_TABLE,
      server_by_site: WITHOUT_ROWID_TABLE,
      server_by_puppet_service: WITHOUT_ROWID_TABLE,
      server_by_vendor_model: WITHOUT_ROWID_TABLE,
      server_by_team: WITHOUT_ROWID_TABLE,
      server_by_cpu: WITHOUT_ROWID_TABLE,
      server_retirements: WITHOUT_ROWID_TABLE,
    });
  });
});

/**
 * Run `script` as a whole, as `sqlite3 FILE < script` would (CI has no sqlite3 shell; SQLite's
 * own multi-statement exec runs the same text, comments included, and stops at an error).
 */
function applyScript(path: string, script: string): void {
  const db = new Database(path);
  try {
    db.exec(script);
  } finally {
    db.close();
  }
}

async function withFile<T>(path: string, fn: (db: SqliteDb) => Promise<T>): Promise<T> {
  const db = SqliteDb.open(path, { create: true });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

describe("init on a SQLite file", () => {
  test("creates every table and index; the file reads back exactly as the DDL; a rerun creates nothing", async () => {
    const path = freshPath();
    await withFile(path, async (db) => {
      const first = await initWarehouse(db);
      expect(first.created).toEqual(warehouseTables().map((t) => t.schema.name));
      expect(first.drifts).toEqual([]);
      const expected = await engineOf(db).catalog.expected();
      const live = await engineOf(db).catalog.readLive(db, expected.map((t) => t.schema.name));
      for (const t of expected) expect(live.get(t.schema.name)?.schema).toEqual(t.schema);
      const again = await initWarehouse(db);
      expect(again).toEqual({ created: [], drifts: [] });
    });
  });

  test("--check on a file without tables: every table missing, with its CREATE statements, nothing created", async () => {
    const path = freshPath();
    await withFile(path, async (db) => {
      const { created, drifts } = await initWarehouse(db, { checkOnly: true });
      expect(created).toEqual([]);
      expect(drifts.map((d) => [d.table, d.kind])).toEqual(warehouseTables().map((t) => [t.schema.name, "missing-table"]));
      expect(drifts.find((d) => d.table === "server_facts")!.statement).toContain("CREATE INDEX server_facts_id ON server_facts (id)");
      expect(await db.query("SELECT name FROM sqlite_schema")).toEqual([]);
    });
  });

  // Each case: DDL a DBA (or an older version) might leave, the drift kinds init reports, and
  // whether the printed script rebuilds the table. Every case keeps a row to prove the rebuild copies it.
  const cases: Array<[string, string, DriftKind[], boolean]> = [
    ["a column's type changed", "ALTER TABLE server_by_cpu RENAME TO old; CREATE TABLE server_by_cpu (report_date TEXT NOT NULL, cpu_version TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>', status TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>', servers INTEGER NOT NULL DEFAULT 0, cpu_sockets INTEGER NOT NULL DEFAULT 0, cpu_cores INTEGER NOT NULL DEFAULT 0, memory_gib TEXT NOT NULL DEFAULT 0, PRIMARY KEY (report_date, cpu_version, status)) WITHOUT ROWID; INSERT INTO server_by_cpu SELECT * FROM old; DROP TABLE old", ["column-type"], true],
    ["a text column compared BINARY instead of RTRIM", "ALTER TABLE server_fact_roles RENAME TO old; CREATE TABLE server_fact_roles (report_date TEXT NOT NULL, id INTEGER NOT NULL, role_id INTEGER NOT NULL, role_name TEXT COLLATE RTRIM NOT NULL DEFAULT '', puppet_service TEXT NOT NULL DEFAULT '', wou_id INTEGER NOT NULL, wou_name TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>', etl_run_id INTEGER NOT NULL, PRIMARY KEY (report_date, id, role_id)) WITHOUT ROWID; INSERT INTO server_fact_roles SELECT * FROM old; DROP TABLE old; CREATE INDEX server_fact_roles_puppet_service ON server_fact_roles (report_date, puppet_service)", ["column-collation"], true],
    ["an extra column (data loss warned)", "ALTER TABLE server_by_cpu ADD COLUMN note TEXT", ["extra-column"], true],
    ["a default changed and NULL allowed", "ALTER TABLE server_by_site RENAME TO old; CREATE TABLE server_by_site (report_date TEXT NOT NULL, site TEXT COLLATE RTRIM NOT NULL DEFAULT 'x', region TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>', status TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>', servers INTEGER NULL DEFAULT 0, cpu_sockets INTEGER NOT NULL DEFAULT 0, cpu_cores INTEGER NOT NULL DEFAULT 0, memory_gib REAL NOT NULL DEFAULT 0, PRIMARY KEY (report_date, site, region, status)) WITHOUT ROWID; INSERT INTO server_by_site SELECT * FROM old; DROP TABLE old", ["column-default", "column-null"], true],
    ["a rowid table where WITHOUT ROWID is expected", "ALTER TABLE server_by_team RENAME TO old; CREATE TABLE server_by_team (report_date TEXT NOT NULL, wou_id INTEGER NOT NULL, wou_name TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>', status TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>', servers INTEGER NOT NULL DEFAULT 0, cpu_sockets INTEGER NOT NULL DEFAULT 0, cpu_cores INTEGER NOT NULL DEFAULT 0, memory_gib REAL NOT NULL DEFAULT 0, PRIMARY KEY (report_date, wou_id, wou_name, status)); INSERT INTO server_by_team SELECT * FROM old; DROP TABLE old", ["table-engine"], true],
    ["a missing index and an extra one", "DROP INDEX server_facts_name; CREATE INDEX server_facts_rack ON server_facts (rack)", ["extra-key", "missing-key"], false],
    ["an index on other columns", "DROP INDEX server_fact_roles_puppet_service; CREATE INDEX server_fact_roles_puppet_service ON server_fact_roles (puppet_service)", ["key-columns"], false],
  ];

  for (const [what, ddl, kinds, rebuild] of cases) {
    test(`${what}: ${kinds.join(", ")}; the printed script, applied as printed, makes --check pass and keeps the rows`, async () => {
      const path = freshPath();
      await withFile(path, (db) => initWarehouse(db));
      const raw = new Database(path);
      raw.exec(`
        INSERT INTO server_by_cpu (report_date, cpu_version, status, servers, memory_gib) VALUES ('2026-11-20', 'gold 6248', 'in_use', 3, 1.5);
        INSERT INTO server_by_site (report_date, site, status, servers) VALUES ('2026-11-20', 'fra1', 'in_use', 4);
        INSERT INTO server_by_team (report_date, wou_id, status, servers) VALUES ('2026-11-20', 7, 'in_use', 5);
        INSERT INTO server_fact_roles (report_date, id, role_id, wou_id, etl_run_id) VALUES ('2026-11-20', 1, 2, -1, 1);`);
      raw.exec(ddl);
      const before = ["server_by_cpu", "server_by_site", "server_by_team", "server_fact_roles"].map((t) => raw.query(`SELECT * FROM ${t}`).all());
      raw.close();

      const drifts = await withFile(path, (db) => checkWarehouseSchema(db));
      expect(drifts.map((d) => d.kind).sort()).toEqual([...kinds].sort());
      const script = renderMigration(drifts, `sqlite:${path}`, "sqlite3 WAREHOUSE.sqlite < FILE");
      expect(script.includes("BEGIN IMMEDIATE")).toBe(rebuild);
      expect(script.includes("WARNING: the rebuild drops column note")).toBe(kinds.includes("extra-column"));
      expect(script).not.toContain("ALTER TABLE `"); // no MySQL ALTER clause leaks into a SQLite script
      applyScript(path, script);

      expect(await withFile(path, (db) => checkWarehouseSchema(db))).toEqual([]);
      const check = new Database(path, { readonly: true });
      const after = ["server_by_cpu", "server_by_site", "server_by_team", "server_fact_roles"].map((t) => check.query(`SELECT * FROM ${t}`).all());
      check.close();
      // The dropped column goes with the rebuild; every other value stays. Values compare as
      // text: the type-change case stores memory_gib '1.5' as TEXT, which the rebuilt REAL
      // column holds as 1.5.
      const strip = (rows: unknown[][]) =>
        rows.map((r) => r.map((row) => Object.fromEntries(Object.entries(row as object).filter(([k]) => k !== "note").map(([k, v]) => [k, String(v)]))));
      expect(strip(after)).toEqual(strip(before));
    });
  }

  test("a view where a table belongs: reported, not replaced", async () => {
    const path = freshPath();
    await withFile(path, (db) => initWarehouse(db));
    const raw = new Database(path);
    raw.exec("DROP TABLE server_by_cpu; CREATE VIEW server_by_cpu AS SELECT 1 AS x");
    raw.close();
    const { created, drifts } = await withFile(path, (db) => initWarehouse(db));
    expect(created).toEqual([]);
    expect(drifts.map((d) => [d.table, d.kind, d.message])).toEqual([
      ["server_by_cpu", "not-a-table", "is a VIEW, not a table; rename it out of the way, then run serverdb-etl init"],
    ]);
  });
});
