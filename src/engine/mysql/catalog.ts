// The MariaDB/MySQL warehouse catalog: sql/mysql/create_*.sql parsed into the expected tables
// (the canonical schema: table and column names are the same on every engine), and the live
// tables read from information_schema. Drift fixes are ALTER TABLE clauses.
import { engineSql } from "../../sql.ts";
import { parseDdl, type ParsedTable } from "../../warehouse/schema-parse.ts";
import { diffTable } from "../../warehouse/schema-diff.ts";
import type { DdlFile, WarehouseCatalog } from "../catalog.ts";
import { readLiveTables } from "./schema-live.ts";
import { quoteIdent } from "../ident.ts";
import type { DeclaredAggregate, ExtraColumn, FactExtras } from "../../extras/types.ts";
import { declaredAggregateDdl } from "../../extras/aggregates.ts";
import { ddlLiteral, withExtraColumns } from "../../extras/ddl.ts";

export type { DdlFile } from "../catalog.ts";

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
export function warehouseTables(extras?: FactExtras): readonly ParsedTable[] {
  if (extras?.columns.length || extras?.aggregates.length) return parseFiles(withExtraColumns(MYSQL_WAREHOUSE_DDL, extras, mysqlColumnSql, mysqlAggregateSql));
  parsed ??= parseFiles(MYSQL_WAREHOUSE_DDL);
  return parsed;
}

function parseFiles(files: readonly DdlFile[]): readonly ParsedTable[] {
  const tables = files.flatMap((f) => parseDdl(f.text, f.file));
  const names = tables.map((t) => t.schema.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`warehouse DDL: table ${dup} is defined twice`);
  return tables;
}

/** The warehouse's table names, the same on every engine. */
export function warehouseTableNames(): string[] {
  return warehouseTables().map((t) => t.schema.name);
}

const MYSQL_TYPES = { int: "int", bigint: "bigint", date: "date", datetime: "datetime", bool: "tinyint" } as const;

/** `rack_row` varchar(16) NOT NULL DEFAULT '' — as init creates it and the drift's ALTER adds it (the table's utf8mb4_bin). */
export function mysqlColumnSql(c: ExtraColumn): string {
  const type = c.type.kind === "decimal" || c.type.kind === "varchar" ? c.typeText : MYSQL_TYPES[c.type.kind];
  return `\`${c.name}\` ${type} ${c.fallback === null ? "NULL" : `NOT NULL DEFAULT ${ddlLiteral(c)}`}`;
}

/** A [[facts.aggregates]] table as MariaDB/MySQL creates it: the built-in aggregates' types and options. */
function mysqlAggregateSql(a: DeclaredAggregate): string {
  return declaredAggregateDdl(a, {
    date: "date NOT NULL",
    text: (n) => `varchar(${n}) NOT NULL DEFAULT ''`,
    declared: mysqlColumnSql,
    count: "int unsigned NOT NULL DEFAULT 0",
    sum: (m) => (m.type.kind === "decimal" ? `decimal(${Math.min(m.type.precision + 10, 65)},${m.type.scale}) NOT NULL DEFAULT 0` : "bigint NOT NULL DEFAULT 0"),
    tail: " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    quote: (n) => `\`${n}\``,
  });
}

export const mysqlCatalog: WarehouseCatalog = {
  async expected(extras) {
    return warehouseTables(extras).map(({ schema, sql }) => ({ schema, createSql: sql, create: [sql], diff: (live) => diffTable(schema, live) }));
  },
  async readLive(db, names) {
    const live = await readLiveTables(db, names);
    // A table to be partitioned by day that is not yet: its days, for the migration to list.
    for (const { schema } of warehouseTables()) {
      const table = live.get(schema.name)?.schema;
      const column = schema.partitionedBy;
      if (!table || !column || table.partitionedBy === column || !table.columns.some((c) => c.name === column)) continue;
      const rows = await db.query<{ v: string }>(`SELECT DISTINCT ${quoteIdent(column)} AS v FROM ${quoteIdent(schema.name)}`);
      table.partitionValues = rows.map((r) => String(r.v)).sort();
    }
    return live;
  },
  applyHint: "mysql DATABASE < FILE",
  extraColumnSql: mysqlColumnSql,
};
