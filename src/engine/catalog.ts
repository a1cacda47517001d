// Where a warehouse's schema comes from and how drift is fixed, per engine (caps.catalog):
// MariaDB/MySQL parse sql/mysql/create_*.sql and read information_schema; SQLite runs
// sql/sqlite/create_*.sql in memory and reads PRAGMAs. stages/init.ts works through this
// interface only.
import type { Db, DbCapabilities } from "./db.ts";
import { diffTable, type Drift } from "../warehouse/schema-diff.ts";
import { readLiveTables, type LiveTable } from "./mysql/schema-live.ts";
import type { TableSchema } from "../warehouse/schema-model.ts";
import { sqliteWarehouseTables, warehouseTables } from "../warehouse/schema.ts";
import { diffSqliteTable } from "./sqlite/schema-diff.ts";
import { readSqliteTables } from "./sqlite/schema-live.ts";

/** One table as this version defines it for an engine. */
export interface ExpectedTable {
  schema: TableSchema;
  /** Printed for a missing table (for a DBA who creates tables by hand). */
  createSql: string;
  /** Executed by `init`, in order, each idempotent (IF NOT EXISTS). */
  create: string[];
  /** Differences of a live table from this one, with this engine's fixes. */
  diff(live: TableSchema): Drift[];
}

export interface WarehouseCatalog {
  /** Every warehouse table, in creation order. */
  expected(): Promise<readonly ExpectedTable[]>;
  /** The tables among `names` that exist in the target. Read-only. */
  readLive(db: Db, names: readonly string[]): Promise<Map<string, LiveTable>>;
  /** How a DBA applies the printed script. */
  applyHint: string;
}

const mysqlCatalog: WarehouseCatalog = {
  async expected() {
    return warehouseTables().map(({ schema, sql }) => ({ schema, createSql: sql, create: [sql], diff: (live) => diffTable(schema, live) }));
  },
  readLive: readLiveTables,
  applyHint: "mysql DATABASE < FILE",
};

let sqliteExpected: Promise<readonly ExpectedTable[]> | undefined;

const sqliteCatalog: WarehouseCatalog = {
  expected() {
    sqliteExpected ??= sqliteWarehouseTables().then((tables) =>
      tables.map((t) => ({
        schema: t.schema,
        createSql: [t.table, ...t.indexes.map((i) => i.sql)].join(";\n"),
        create: t.create,
        diff: (live: TableSchema) => diffSqliteTable(t, live),
      })),
    );
    return sqliteExpected;
  },
  readLive: readSqliteTables,
  applyHint: "sqlite3 WAREHOUSE.sqlite < FILE",
};

const CATALOGS: Record<DbCapabilities["catalog"], WarehouseCatalog> = {
  information_schema: mysqlCatalog,
  sqlite: sqliteCatalog,
};

export function catalogFor(db: Db): WarehouseCatalog {
  return CATALOGS[db.caps.catalog];
}
