// The embedded ServerDB schema (sql/serverdb/schema.sql, a mariadb-dump) split into one
// CREATE TABLE per table, so that `generate` can create exactly the tables that are missing.
import { SQL } from "../sql.ts";

export interface SchemaTable {
  name: string;
  /** The dump's CREATE TABLE statement, unchanged. */
  createSql: string;
}

/** The tables `generate` owns: it fills them, and replaces them with --force. */
export function isServersTable(name: string): boolean {
  return name.startsWith("servers_");
}

let parsed: SchemaTable[] | undefined;

/** Every table of schema.sql in dump order (alphabetical; the dump turns FK checks off to allow that). */
export function schemaTables(): SchemaTable[] {
  if (parsed) return parsed;
  const tables: SchemaTable[] = [];
  for (const m of SQL.serverdbSchema.matchAll(/^CREATE TABLE `([A-Za-z0-9_]+)` \([\s\S]*?^\) ENGINE=[^;]*;/gm)) {
    tables.push({ name: m[1], createSql: m[0] });
  }
  // A broken embed is a build bug, not a user error: fail loudly.
  if (!tables.some((t) => t.name === "servers_historicalserver") || tables.filter((t) => isServersTable(t.name)).length < 17) {
    throw new Error(`sql/serverdb/schema.sql: expected the 17 servers_* CREATE TABLE statements, parsed ${tables.length} tables`);
  }
  parsed = tables;
  return tables;
}
