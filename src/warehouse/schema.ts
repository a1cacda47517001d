// The warehouse's tables: one registry of DDL files, parsed once into the expected schema.
// `init` creates from it and compares against it; adding a table (e.g. the server_by_*
// aggregates) means adding its sql/mysql/create_*.sql file to sql.ts and to this list.
import { SQL } from "../sql.ts";
import { parseDdl, type ParsedTable } from "./schema-parse.ts";

export interface DdlFile {
  /** Path under sql/, for error messages and tests. */
  file: string;
  /** The file's text: one or more CREATE TABLE IF NOT EXISTS statements. */
  text: string;
}

/** MySQL/MariaDB warehouse DDL, in creation order. */
export const MYSQL_WAREHOUSE_DDL: readonly DdlFile[] = [
  { file: "mysql/create_etl_runs.sql", text: SQL.mysqlCreateEtlRuns },
  { file: "mysql/create_server_facts.sql", text: SQL.mysqlCreateServerFacts },
  { file: "mysql/create_server_fact_roles.sql", text: SQL.mysqlCreateServerFactRoles },
  { file: "mysql/create_aggregates.sql", text: SQL.mysqlCreateAggregates },
];

let parsed: readonly ParsedTable[] | undefined;

/**
 * Every warehouse table as this version defines it, in creation order. A DDL file the parser
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

export function warehouseTableNames(): string[] {
  return warehouseTables().map((t) => t.schema.name);
}
