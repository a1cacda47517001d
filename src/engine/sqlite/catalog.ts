// The SQLite warehouse catalog: sql/sqlite/create_*.sql as SQLite itself reads it (executed into
// an in-memory database), the live tables from PRAGMAs, and drift fixes as rebuild scripts
// (SQLite's ALTER TABLE cannot change a column; schema-diff.ts).
import { engineSql } from "../../sql.ts";
import type { TableSchema } from "../../warehouse/schema-model.ts";
import type { ExpectedTable, WarehouseCatalog } from "../catalog.ts";
import type { DdlFile } from "../catalog.ts";
import { diffSqliteTable } from "./schema-diff.ts";
import { readSqliteTables, sqliteTablesOf, type SqliteTable } from "./schema-live.ts";
import type { DeclaredAggregate, ExtraColumn, FactExtras } from "../../extras/types.ts";
import { declaredAggregateDdl } from "../../extras/aggregates.ts";
import { ddlLiteral, withExtraColumns } from "../../extras/ddl.ts";

/** SQLite warehouse DDL (the same tables in SQLite's types), in creation order. */
export const SQLITE_WAREHOUSE_DDL: readonly DdlFile[] = [
  { file: "sqlite/create_etl_runs.sql", text: engineSql("sqlite", "create_etl_runs") },
  { file: "sqlite/create_server_facts.sql", text: engineSql("sqlite", "create_server_facts") },
  { file: "sqlite/create_server_fact_roles.sql", text: engineSql("sqlite", "create_server_fact_roles") },
  { file: "sqlite/create_aggregates.sql", text: engineSql("sqlite", "create_aggregates") },
];

let sqliteParsed: Promise<readonly SqliteTable[]> | undefined;

/** The SQLite warehouse's tables as SQLite itself reads its DDL (executed in memory), in creation order. */
export function sqliteWarehouseTables(): Promise<readonly SqliteTable[]> {
  sqliteParsed ??= sqliteTablesOf(SQLITE_WAREHOUSE_DDL);
  return sqliteParsed;
}

let sqliteExpected: Promise<readonly ExpectedTable[]> | undefined;

const toExpected = (tables: readonly SqliteTable[]): ExpectedTable[] =>
  tables.map((t) => ({
    schema: t.schema,
    createSql: [t.table, ...t.indexes.map((i) => i.sql)].join(";\n"),
    create: t.create,
    diff: (live: TableSchema) => diffSqliteTable(t, live),
  }));

const SQLITE_TYPES = { int: "INTEGER", bigint: "INTEGER", date: "TEXT", datetime: "TEXT", bool: "INTEGER", decimal: "REAL", varchar: "TEXT COLLATE RTRIM" } as const;

/** "rack_row" TEXT COLLATE RTRIM NOT NULL DEFAULT '' (SQLite's types for the declared ones, as for the base columns). */
export function sqliteColumnSql(c: ExtraColumn): string {
  return `"${c.name}" ${SQLITE_TYPES[c.type.kind]} ${c.fallback === null ? "NULL" : `NOT NULL DEFAULT ${ddlLiteral(c)}`}`;
}

/** A [[facts.aggregates]] table as SQLite creates it: the built-in aggregates' types, WITHOUT ROWID. */
function sqliteAggregateSql(a: DeclaredAggregate): string {
  return declaredAggregateDdl(a, {
    date: "TEXT NOT NULL",
    text: () => "TEXT COLLATE RTRIM NOT NULL DEFAULT ''",
    declared: sqliteColumnSql,
    count: "INTEGER NOT NULL DEFAULT 0",
    sum: (m) => (m.type.kind === "decimal" ? "REAL NOT NULL DEFAULT 0" : "INTEGER NOT NULL DEFAULT 0"),
    tail: " WITHOUT ROWID",
    quote: (n) => `"${n}"`,
  });
}

export const sqliteCatalog: WarehouseCatalog = {
  expected(extras?: FactExtras) {
    if (extras?.columns.length || extras?.aggregates.length) return sqliteTablesOf(withExtraColumns(SQLITE_WAREHOUSE_DDL, extras, sqliteColumnSql, sqliteAggregateSql)).then(toExpected);
    sqliteExpected ??= sqliteWarehouseTables().then(toExpected);
    return sqliteExpected;
  },
  readLive: readSqliteTables,
  applyHint: "sqlite3 WAREHOUSE.sqlite < FILE",
  extraColumnSql: sqliteColumnSql,
  // ADD COLUMN with a constant default is instant in SQLite (no rewrite of the rows).
  addColumnsScript: (columns) => columns.map((c) => `ALTER TABLE server_facts ADD COLUMN ${sqliteColumnSql(c)}`).join(";\n"),
};
