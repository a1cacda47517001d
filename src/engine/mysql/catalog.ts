// The MariaDB/MySQL warehouse catalog: sql/mysql/create_*.sql parsed into the expected tables
// (the canonical schema: table and column names are the same on every engine), and the live
// tables read from information_schema. Drift fixes are ALTER TABLE clauses.
import { engineSql } from "../../sql.ts";
import { parseDdl, type ParsedTable } from "../../warehouse/schema-parse.ts";
import { diffTable } from "../../warehouse/schema-diff.ts";
import type { WarehouseCatalog } from "../catalog.ts";
import { readLiveTables } from "./schema-live.ts";

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

let parsed: readonly ParsedTable[] | undefined;

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

export const mysqlCatalog: WarehouseCatalog = {
  async expected() {
    return warehouseTables().map(({ schema, sql }) => ({ schema, createSql: sql, create: [sql], diff: (live) => diffTable(schema, live) }));
  },
  readLive: readLiveTables,
  applyHint: "mysql DATABASE < FILE",
};
