// Reads the live warehouse tables from information_schema (COLUMNS, STATISTICS, TABLES) of the
// connection's database into TableSchemas spelled like schema-parse.ts spells the DDL files.
// Read-only: five SELECTs (with PARTITIONS), whatever the number of tables.
import type { Db } from "../db.ts";
import type { LiveTable } from "../catalog.ts";
import {
  canonicalDefault,
  isTextType,
  normalizeType,
  type ColumnDefault,
  type IndexSchema,
  type TableSchema,
} from "../../warehouse/schema-model.ts";


interface TableRow {
  table_name: string;
  table_type: string;
  engine: string | null;
  collation: string | null;
}

interface ColumnRow {
  table_name: string;
  name: string;
  column_type: string;
  is_nullable: string;
  column_default: string | null;
  extra: string;
  collation: string | null;
}

interface IndexRow {
  table_name: string;
  index_name: string;
  non_unique: number | string;
  column_name: string;
  sub_part: number | string | null;
}

/** The tables among `names` that exist in the connection's database, by name. */
export async function readLiveTables(db: Db, names: readonly string[]): Promise<Map<string, LiveTable>> {
  const out = new Map<string, LiveTable>();
  if (!names.length) return out;
  const inList = names.map(() => "?").join(", ");
  const tables = await db.query<TableRow>(
    `SELECT TABLE_NAME AS table_name, TABLE_TYPE AS table_type, ENGINE AS engine, TABLE_COLLATION AS collation
       FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${inList})`,
    names,
  );
  if (!tables.length) return out;
  const [{ v: version }] = await db.query<{ v: string }>("SELECT VERSION() AS v");
  const quoted = defaultsAreQuoted(version);
  const columns = await db.query<ColumnRow>(
    `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS name, COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable,
            COLUMN_DEFAULT AS column_default, EXTRA AS extra, COLLATION_NAME AS collation
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${inList})
      ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    names,
  );
  const indexRows = await db.query<IndexRow>(
    `SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, NON_UNIQUE AS non_unique,
            COLUMN_NAME AS column_name, SUB_PART AS sub_part
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${inList})
      ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    names,
  );
  const partitioning = await db.query<{ table_name: string; method: string | null; expr: string | null }>(
    `SELECT TABLE_NAME AS table_name, MAX(PARTITION_METHOD) AS method, MAX(PARTITION_EXPRESSION) AS expr
       FROM information_schema.PARTITIONS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${inList}) AND PARTITION_NAME IS NOT NULL
      GROUP BY TABLE_NAME`,
    names,
  );
  for (const t of tables) {
    const parts = partitioning.find((p) => p.table_name === t.table_name);
    const schema: TableSchema = {
      name: t.table_name,
      columns: [],
      primaryKey: [],
      indexes: [],
      engine: t.engine ?? "",
      collation: t.collation ?? "",
      ...(parts ? { partitionedBy: partitionedBy(parts.method ?? "", parts.expr ?? "") } : {}),
    };
    for (const c of columns.filter((r) => r.table_name === t.table_name)) {
      const type = normalizeType(c.column_type);
      const nullable = c.is_nullable === "YES";
      const autoIncrement = /\bauto_increment\b/i.test(c.extra);
      schema.columns.push({
        name: c.name,
        type,
        nullable,
        default: autoIncrement ? { kind: "none" } : liveDefault(c.column_default, type, nullable, c.extra, quoted),
        autoIncrement,
        collation: isTextType(type) ? (c.collation ?? undefined) : undefined,
      });
    }
    const byIndex = new Map<string, IndexSchema>();
    for (const r of indexRows.filter((x) => x.table_name === t.table_name)) {
      let idx = byIndex.get(r.index_name);
      if (!idx) {
        idx = { name: r.index_name, columns: [], unique: Number(r.non_unique) === 0 };
        byIndex.set(r.index_name, idx);
      }
      idx.columns.push(r.sub_part === null ? r.column_name : `${r.column_name}(${r.sub_part})`);
    }
    for (const idx of byIndex.values()) {
      if (idx.name === "PRIMARY") schema.primaryKey = idx.columns;
      else schema.indexes.push(idx);
    }
    out.set(t.table_name, { tableType: t.table_type, schema });
  }
  return out;
}

/**
 * LIST COLUMNS on one column → that column, as the DDL files name it; any other partitioning in
 * words ("RANGE (year(report_date))"), which then differs from the expected one.
 */
export function partitionedBy(method: string, expression: string): string {
  const column = /^`?([A-Za-z0-9_]+)`?$/.exec(expression.trim());
  return method.toUpperCase() === "LIST COLUMNS" && column ? column[1]! : `${method} (${expression})`;
}

/**
 * MariaDB 10.2.7+ reports COLUMN_DEFAULT as SQL: `'text'` quoted, `NULL` for DEFAULT NULL, SQL
 * NULL for no default, numbers and expressions bare. MySQL reports the bare value, SQL NULL
 * for both DEFAULT NULL and none, and marks expressions with EXTRA DEFAULT_GENERATED.
 */
export function defaultsAreQuoted(version: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!/mariadb/i.test(version) || !m) return false;
  const [maj, min, patch] = m.slice(1).map(Number);
  return maj > 10 || (maj === 10 && (min > 2 || (min === 2 && patch >= 7)));
}

/** COLUMN_DEFAULT in either server's spelling → ColumnDefault. */
export function liveDefault(raw: string | null, type: string, nullable: boolean, extra: string, quoted: boolean): ColumnDefault {
  if (raw === null) return nullable ? { kind: "null" } : { kind: "none" };
  if (quoted) {
    if (raw === "NULL") return { kind: "null" };
    const lit = /^'((?:[^'\\]|''|\\.)*)'$/s.exec(raw);
    if (lit) return { kind: "value", value: canonicalDefault(type, unescapeLiteral(lit[1])) };
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw)) return { kind: "value", value: canonicalDefault(type, raw) };
    return { kind: "expr", sql: raw };
  }
  if (/\bDEFAULT_GENERATED\b/i.test(extra)) return { kind: "expr", sql: raw };
  return { kind: "value", value: canonicalDefault(type, raw) };
}

function unescapeLiteral(body: string): string {
  return body.replace(/''|\\(.)/gs, (m, ch: string | undefined) => {
    if (m === "''") return "'";
    const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0", Z: "\x1a" };
    return map[ch!] ?? ch!;
  });
}
