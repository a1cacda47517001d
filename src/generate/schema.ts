// The embedded ServerDB schemas split into one CREATE TABLE per table, so that `generate` can
// create exactly the tables that are missing: sql/serverdb/schema.sql (a mariadb-dump) for
// MySQL targets, sql/sqlite/serverdb_schema.sql (Django's SQLite DDL) for SQLite targets, and
// the optional site-specific tables of --site-extras (sql/serverdb/site_extras.sql, sql/sqlite/serverdb_site_extras.sql).
import { SQL } from "../sql.ts";

export interface SchemaTable {
  name: string;
  /** The dump's CREATE TABLE statement, unchanged. */
  createSql: string;
}

export interface SqliteSchemaTable extends SchemaTable {
  /** The table's CREATE [UNIQUE] INDEX statements, in file order. */
  indexSql: string[];
  /** Column name → declared type, lower-cased ('datetime', 'varchar(200)', …). */
  columnTypes: Map<string, string>;
}

/** The tables `generate` owns: it fills them, and replaces them with --force. */
export function isServersTable(name: string): boolean {
  return name.startsWith("servers_");
}

/** The optional tables of `generate --site-extras`, in their files' (alphabetical) order. */
export const SITE_EXTRA_TABLES = ["servers_modelpower", "servers_purchase", "servers_rackplacement"] as const;

/** The tables a target gets: the core schema, plus the site extras when asked for. */
export interface SchemaFiles<T extends SchemaTable> {
  core: T[];
  siteExtras: T[];
}

let parsed: SchemaFiles<SchemaTable> | undefined;
let parsedSqlite: SchemaFiles<SqliteSchemaTable> | undefined;

/** Every table of schema.sql in dump order (alphabetical; the dump turns FK checks off to allow that). */
export function schemaTables(): SchemaTable[] {
  return mysqlFiles().core;
}

/** Every table of sql/sqlite/serverdb_schema.sql, each with its indexes and column types. */
export function sqliteSchemaTables(): SqliteSchemaTable[] {
  return sqliteFiles().core;
}

/** Both MySQL schema files, parsed once. */
export function mysqlFiles(): SchemaFiles<SchemaTable> {
  parsed ??= {
    core: checkCore("sql/serverdb/schema.sql", parseDump(SQL.serverdbSchema)),
    siteExtras: checkExtras("sql/serverdb/site_extras.sql", parseDump(SQL.serverdbSiteExtras)),
  };
  return parsed;
}

/** Both SQLite schema files, parsed once. */
export function sqliteFiles(): SchemaFiles<SqliteSchemaTable> {
  parsedSqlite ??= {
    core: checkCore("sql/sqlite/serverdb_schema.sql", parseSqlite("sql/sqlite/serverdb_schema.sql", SQL.sqliteServerdbSchema)),
    siteExtras: checkExtras(
      "sql/sqlite/serverdb_site_extras.sql",
      parseSqlite("sql/sqlite/serverdb_site_extras.sql", SQL.sqliteServerdbSiteExtras),
    ),
  };
  return parsedSqlite;
}

function parseDump(text: string): SchemaTable[] {
  const tables: SchemaTable[] = [];
  for (const m of text.matchAll(/^CREATE TABLE `([A-Za-z0-9_]+)` \([\s\S]*?^\) ENGINE=[^;]*;/gm)) {
    tables.push({ name: m[1], createSql: m[0] });
  }
  return tables;
}

function parseSqlite(file: string, sql: string): SqliteSchemaTable[] {
  const tables: SqliteSchemaTable[] = [];
  const byName = new Map<string, SqliteSchemaTable>();
  const text = sql.replace(/^--.*$/gm, "");
  for (const m of text.matchAll(/^CREATE TABLE "([A-Za-z0-9_]+)" \(([\s\S]*?)^\);/gm)) {
    const columnTypes = new Map<string, string>();
    for (const c of m[2].matchAll(/^\s+"([A-Za-z0-9_]+)" ([a-z]+(?:\(\d+\))?(?: unsigned)?)/gm)) columnTypes.set(c[1], c[2].toLowerCase());
    const table: SqliteSchemaTable = { name: m[1], createSql: m[0], indexSql: [], columnTypes };
    tables.push(table);
    byName.set(table.name, table);
  }
  for (const m of text.matchAll(/^CREATE (?:UNIQUE )?INDEX "[A-Za-z0-9_]+" ON "([A-Za-z0-9_]+)" \([^)]*\);/gm)) {
    const table = byName.get(m[1]);
    if (!table) throw new Error(`${file}: index on unknown table ${m[1]}`);
    table.indexSql.push(m[0]);
  }
  return tables;
}

// A broken embed is a build bug, not a user error: fail loudly.
function checkCore<T extends SchemaTable>(file: string, tables: T[]): T[] {
  if (!tables.some((t) => t.name === "servers_historicalserver") || tables.filter((t) => isServersTable(t.name)).length < 17) {
    throw new Error(`${file}: expected the 17 servers_* CREATE TABLE statements, parsed ${tables.length} tables`);
  }
  return tables;
}

function checkExtras<T extends SchemaTable>(file: string, tables: T[]): T[] {
  const names = tables.map((t) => t.name);
  if (names.join() !== SITE_EXTRA_TABLES.join()) {
    throw new Error(`${file}: expected CREATE TABLE ${SITE_EXTRA_TABLES.join(", ")}, parsed ${names.join(", ") || "none"}`);
  }
  return tables;
}
