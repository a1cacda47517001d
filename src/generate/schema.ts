// The embedded ServerDB schemas split into one CREATE TABLE per table, so that `generate` can
// create exactly the tables that are missing: sql/serverdb/schema.sql (a mariadb-dump) for
// MySQL targets, sql/sqlite/serverdb_schema.sql (Django's SQLite DDL) for SQLite targets.
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

let parsed: SchemaTable[] | undefined;
let parsedSqlite: SqliteSchemaTable[] | undefined;

/** Every table of schema.sql in dump order (alphabetical; the dump turns FK checks off to allow that). */
export function schemaTables(): SchemaTable[] {
  if (parsed) return parsed;
  const tables: SchemaTable[] = [];
  for (const m of SQL.serverdbSchema.matchAll(/^CREATE TABLE `([A-Za-z0-9_]+)` \([\s\S]*?^\) ENGINE=[^;]*;/gm)) {
    tables.push({ name: m[1], createSql: m[0] });
  }
  checkParsed("sql/serverdb/schema.sql", tables);
  parsed = tables;
  return tables;
}

/** Every table of sql/sqlite/serverdb_schema.sql, each with its indexes and column types. */
export function sqliteSchemaTables(): SqliteSchemaTable[] {
  if (parsedSqlite) return parsedSqlite;
  const tables: SqliteSchemaTable[] = [];
  const byName = new Map<string, SqliteSchemaTable>();
  const text = SQL.sqliteServerdbSchema.replace(/^--.*$/gm, "");
  for (const m of text.matchAll(/^CREATE TABLE "([A-Za-z0-9_]+)" \(([\s\S]*?)^\);/gm)) {
    const columnTypes = new Map<string, string>();
    for (const c of m[2].matchAll(/^\s+"([A-Za-z0-9_]+)" ([a-z]+(?:\(\d+\))?(?: unsigned)?)/gm)) columnTypes.set(c[1], c[2].toLowerCase());
    const table: SqliteSchemaTable = { name: m[1], createSql: m[0], indexSql: [], columnTypes };
    tables.push(table);
    byName.set(table.name, table);
  }
  for (const m of text.matchAll(/^CREATE (?:UNIQUE )?INDEX "[A-Za-z0-9_]+" ON "([A-Za-z0-9_]+)" \([^)]*\);/gm)) {
    const table = byName.get(m[1]);
    if (!table) throw new Error(`sql/sqlite/serverdb_schema.sql: index on unknown table ${m[1]}`);
    table.indexSql.push(m[0]);
  }
  checkParsed("sql/sqlite/serverdb_schema.sql", tables);
  parsedSqlite = tables;
  return tables;
}

// A broken embed is a build bug, not a user error: fail loudly.
function checkParsed(file: string, tables: readonly SchemaTable[]): void {
  if (!tables.some((t) => t.name === "servers_historicalserver") || tables.filter((t) => isServersTable(t.name)).length < 17) {
    throw new Error(`${file}: expected the 17 servers_* CREATE TABLE statements, parsed ${tables.length} tables`);
  }
}
