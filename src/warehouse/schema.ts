// The warehouse's tables: one registry of DDL files per engine, read once into the expected
// schema. `init` creates from it and compares against it (through engine/catalog.ts);
// adding a table means adding its sql/mysql/ and sql/sqlite/ create_*.sql files to sql.ts's
// engineSql and to both lists (a unit test checks that both engines define the same tables and columns).
import { engineSql } from "../sql.ts";
import { parseDdl, type ParsedTable } from "./schema-parse.ts";
import { sqliteTablesOf, type SqliteTable } from "../engine/sqlite/schema-live.ts";

export interface DdlFile {
  /** Path under sql/, for error messages and tests. */
  file: string;
  /** The file's text: one or more CREATE TABLE IF NOT EXISTS statements. */
  text: string;
}

/** MySQL/MariaDB warehouse DDL, in creation order. */
export const MYSQL_WAREHOUSE_DDL: readonly DdlFile[] = [
  { file: "mysql/create_etl_runs.sql", text: engineSql("mysql", "create_etl_runs") },
  { file: "mysql/create_server_facts.sql", text: engineSql("mysql", "create_server_facts") },
  { file: "mysql/create_server_fact_roles.sql", text: engineSql("mysql", "create_server_fact_roles") },
  { file: "mysql/create_aggregates.sql", text: engineSql("mysql", "create_aggregates") },
];

/** SQLite warehouse DDL (the same tables in SQLite's types), in creation order. */
export const SQLITE_WAREHOUSE_DDL: readonly DdlFile[] = [
  { file: "sqlite/create_etl_runs.sql", text: engineSql("sqlite", "create_etl_runs") },
  { file: "sqlite/create_server_facts.sql", text: engineSql("sqlite", "create_server_facts") },
  { file: "sqlite/create_server_fact_roles.sql", text: engineSql("sqlite", "create_server_fact_roles") },
  { file: "sqlite/create_aggregates.sql", text: engineSql("sqlite", "create_aggregates") },
];

let parsed: readonly ParsedTable[] | undefined;
let sqliteParsed: Promise<readonly SqliteTable[]> | undefined;

/** The SQLite warehouse's tables as SQLite itself reads its DDL (executed in memory), in creation order. */
export function sqliteWarehouseTables(): Promise<readonly SqliteTable[]> {
  sqliteParsed ??= sqliteTablesOf(SQLITE_WAREHOUSE_DDL);
  return sqliteParsed;
}

/**
 * Every warehouse table as this version defines it for MariaDB/MySQL, in creation order. A DDL file the parser
 * rejects is a bug in this build (the unit tests parse every file), so it throws a plain Error.
 */
export function warehouseTables(): readonly ParsedTable[] {
  if (!parsed) {
    const tables = MYSQL_WAREHOUSE_DDL.flatMap((f) => parseDdl(f.text, f.file));
    const names = tables.map((t) => t.schema.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new Error(`warehouse DDL: table ${dup} is defined twice`);
    parsed = tables;
  }
  return parsed;
}

/** The warehouse's table names, the same on every engine. */
export function warehouseTableNames(): string[] {
  return warehouseTables().map((t) => t.schema.name);
}
