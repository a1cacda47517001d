// A SQLite warehouse's tables as `init` compares them. Both sides are read the same way, with
// PRAGMA table_list / table_xinfo / index_list / index_info: the live file, and this version's
// DDL (sql/sqlite/create_*.sql) executed into an in-memory database. So SQLite itself says what
// the DDL means, and no second parser of SQLite DDL can disagree with it.
import type { Db } from "../db.ts";
import { SqliteDb } from "./sqlite-db.ts";
import type { LiveTable } from "../catalog.ts";
import { isTextType, nameKey, normalizeType, type ColumnDefault, type IndexSchema, type TableSchema } from "../../warehouse/schema-model.ts";

/** One table of this version's SQLite DDL. */
export interface SqliteTable {
  schema: TableSchema;
  /** The CREATE TABLE statement as SQLite stored it (column comments kept, no IF NOT EXISTS). */
  table: string;
  /** Its CREATE INDEX statements by index name, in file order. */
  indexes: Array<{ name: string; sql: string }>;
  /** Every statement that creates it, IF NOT EXISTS restored: what `init` executes. */
  create: string[];
}

/** `engine` in a TableSchema of SQLite: the storage layout, the one table option that can drift. */
export const ROWID_TABLE = "sqlite rowid table";
export const WITHOUT_ROWID_TABLE = "sqlite WITHOUT ROWID";

interface TableListRow {
  name: string;
  type: string;
  wr: number;
}
interface ColumnRow {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}
interface IndexListRow {
  name: string;
  unique: number;
  origin: string;
}

/** The tables among `names` in the database's main schema, read through PRAGMAs (read-only). */
export async function readSqliteTables(db: Db, names: readonly string[]): Promise<Map<string, LiveTable>> {
  const out = new Map<string, LiveTable>();
  const wanted = new Set(names);
  const list = await db.query<TableListRow>("SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main'");
  for (const t of list) {
    if (!wanted.has(t.name)) continue;
    const [{ sql } = { sql: "" }] = await db.query<{ sql: string | null }>("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", [t.name]);
    const columns = await db.query<ColumnRow>("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid", [t.name]);
    const autoIncrement = /\bAUTOINCREMENT\b/i.test(sql ?? "");
    const schema: TableSchema = {
      name: t.name,
      columns: [],
      primaryKey: columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      indexes: [],
      engine: Number(t.wr) ? WITHOUT_ROWID_TABLE : ROWID_TABLE,
      collation: "",
    };
    const singleIntegerKey = schema.primaryKey.length === 1;
    const collations = columnCollations(sql ?? "");
    for (const c of columns) {
      if (c.hidden) continue; // generated or virtual-table columns: never ours
      const type = normalizeType(c.type || "blob");
      // An INTEGER PRIMARY KEY is the rowid: never NULL, whatever the DDL says.
      const isRowid = singleIntegerKey && Number(c.pk) === 1 && c.type.toUpperCase() === "INTEGER" && !Number(t.wr);
      const nullable = !Number(c.notnull) && !isRowid;
      schema.columns.push({
        name: c.name,
        type,
        nullable,
        default: isRowid ? { kind: "none" } : sqliteDefault(c.dflt_value, type, nullable),
        autoIncrement: isRowid && autoIncrement,
        // No PRAGMA reports it; read from the stored CREATE TABLE (BINARY when none is named).
        collation: isTextType(type) ? (collations.get(nameKey(c.name)) ?? "BINARY") : undefined,
      });
    }
    for (const idx of await db.query<IndexListRow>("SELECT name, \"unique\", origin FROM pragma_index_list(?) ORDER BY name", [t.name])) {
      if (idx.origin === "pk") continue; // the primary key, already read from table_xinfo
      const cols = await db.query<{ name: string | null }>("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [idx.name]);
      const index: IndexSchema = { name: idx.name, columns: cols.map((c) => c.name ?? "<expression>"), unique: Number(idx.unique) === 1 };
      schema.indexes.push(index);
    }
    out.set(t.name, { tableType: t.type === "table" ? "BASE TABLE" : t.type.toUpperCase(), schema });
  }
  return out;
}

/**
 * Column name → its COLLATE name (upper case), from a CREATE TABLE statement: comments
 * removed, the column list split at top-level commas. Table constraints are skipped.
 */
export function columnCollations(createTable: string): Map<string, string> {
  const out = new Map<string, string>();
  const code = createTable.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]/g, (m) =>
    m.startsWith("--") || m.startsWith("/*") ? " " : m,
  );
  const open = code.indexOf("(");
  if (open < 0) return out;
  const parts: string[] = [];
  let depth = 0;
  let start = open + 1;
  let inQuote: string | null = null;
  for (let i = open + 1; i < code.length; i++) {
    const ch = code[i];
    if (inQuote) {
      if (ch === inQuote) inQuote = null;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`") inQuote = ch;
    else if (ch === "[") inQuote = "]";
    else if (ch === "(") depth++;
    else if (ch === ")" && depth > 0) depth--;
    else if ((ch === "," || ch === ")") && depth === 0) {
      parts.push(code.slice(start, i));
      start = i + 1;
      if (ch === ")") break;
    }
  }
  for (const part of parts) {
    const def = part.trim();
    if (/^(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)\b/i.test(def)) continue;
    const name = /^("(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[^\s]+)/.exec(def)?.[1];
    const collate = /\bCOLLATE\s+("?)(\w+)\1/i.exec(def)?.[2];
    if (name && collate) out.set(nameKey(name.replace(/^["`[]|["`\]]$/g, "")), collate.toUpperCase());
  }
  return out;
}

/** PRAGMA table_xinfo's dflt_value (the default's SQL text) → ColumnDefault. */
export function sqliteDefault(raw: string | null, type: string, nullable: boolean): ColumnDefault {
  if (raw === null) return nullable ? { kind: "null" } : { kind: "none" };
  if (/^null$/i.test(raw)) return { kind: "null" };
  const lit = /^'((?:[^']|'')*)'$/s.exec(raw);
  if (lit) return { kind: "value", value: lit[1].replace(/''/g, "'") };
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw)) return { kind: "value", value: canonicalNumber(raw) };
  void type;
  return { kind: "expr", sql: raw };
}

function canonicalNumber(raw: string): string {
  const n = Number(raw);
  return Number.isFinite(n) ? String(n) : raw;
}

/** A statement from sqlite_schema with its IF NOT EXISTS put back (SQLite strips it when storing). */
function ifNotExists(sql: string): string {
  return sql.replace(/^CREATE (TABLE|INDEX|UNIQUE INDEX) /i, (m) => `${m}IF NOT EXISTS `);
}

/** Execute DDL `files` in a fresh in-memory database and read back what they define, in file order. */
export async function sqliteTablesOf(files: readonly { file: string; text: string }[]): Promise<SqliteTable[]> {
  const mem = SqliteDb.open(":memory:", { create: true });
  try {
    for (const f of files) {
      try {
        await mem.exec(f.text);
      } catch (err) {
        throw new Error(`${f.file}: ${(err as Error).message}`);
      }
    }
    const objects = await mem.query<{ type: string; name: string; tbl_name: string; sql: string | null }>(
      "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid",
    );
    const names = objects.filter((o) => o.type === "table").map((o) => o.name);
    const live = await readSqliteTables(mem, names);
    return names.map((name) => {
      const table = objects.find((o) => o.type === "table" && o.name === name)!.sql!;
      const indexes = objects.filter((o) => o.type === "index" && o.tbl_name === name && o.sql).map((o) => ({ name: o.name, sql: o.sql! }));
      return { schema: live.get(name)!.schema, table, indexes, create: [table, ...indexes.map((i) => i.sql)].map(ifNotExists) };
    });
  } finally {
    await mem.close();
  }
}
