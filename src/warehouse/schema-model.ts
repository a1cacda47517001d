// The shape of a warehouse table as `init` compares it. The DDL files (schema-parse.ts) and
// information_schema (schema-live.ts) both end up here, in one canonical spelling, so the
// comparison (schema-diff.ts) is plain equality.

/** A column's default, independent of how the server spells it. */
export type ColumnDefault =
  /** No default: an INSERT must give a value (NOT NULL columns without DEFAULT, AUTO_INCREMENT). */
  | { kind: "none" }
  /** DEFAULT NULL, explicit or implied by a nullable column. */
  | { kind: "null" }
  /** A literal, unquoted and canonical: `''` → "", `0.000` on a number column → "0". */
  | { kind: "value"; value: string }
  /** An expression the server evaluates, e.g. `current_timestamp()`. */
  | { kind: "expr"; sql: string };

export interface ColumnSchema {
  name: string;
  /** Canonical type (see normalizeType): "bigint unsigned", "varchar(128)", "decimal(8,3)". */
  type: string;
  nullable: boolean;
  default: ColumnDefault;
  autoIncrement: boolean;
  /** Text columns only: the collation ("utf8mb4_bin"), which also names the character set. */
  collation?: string;
}

export interface IndexSchema {
  name: string;
  /** Column names in key order; a prefix key part is written "name(10)". */
  columns: string[];
  unique: boolean;
}

export interface TableSchema {
  name: string;
  /** In table order. */
  columns: ColumnSchema[];
  /** Primary key columns in key order; empty when the table has none. */
  primaryKey: string[];
  /** Secondary keys (the primary key is not among them). */
  indexes: IndexSchema[];
  engine: string;
  /** The table's default collation (what a column added without COLLATE gets). */
  collation: string;
  /**
   * The column whose every value has a LIST partition of its own (server_facts: report_date, one
   * partition per day); undefined for a table that is not partitioned.
   */
  partitionedBy?: string;
  /**
   * Live tables only: the values present of the column the expected table is partitioned by,
   * when the live one is not partitioned by it (the partitions a migration must create).
   */
  partitionValues?: string[];
}

const INTEGER_TYPES = /^(tinyint|smallint|mediumint|int|bigint)\b/;
const NUMERIC_TYPES = /^(tinyint|smallint|mediumint|int|bigint|decimal|float|double|bit)\b/;
const TEXT_TYPES = /^(varchar|char|tinytext|text|mediumtext|longtext|enum|set)\b/;

/**
 * One spelling per type, whatever the server or the DDL wrote: lower case, single spaces, no
 * spaces inside parentheses, no integer display width (MariaDB and MySQL < 8.0.19 report
 * `int(11)` and `bigint(20) unsigned` for `int` and `bigint unsigned`), `integer` → `int`,
 * `decimal` and `numeric` with their implied precision spelled out.
 */
export function normalizeType(raw: string): string {
  let t = raw.trim().toLowerCase().replace(/\s+/g, " ").replace(/\s*([(),])\s*/g, "$1").replace(/\)(?=\w)/g, ") ");
  t = t.replace(/^integer\b/, "int").replace(/^(numeric|dec|fixed)\b/, "decimal");
  if (INTEGER_TYPES.test(t)) t = t.replace(/^(\w+)\(\d+\)/, "$1");
  t = t.replace(/^decimal(?!\()/, "decimal(10,0)").replace(/^decimal\((\d+)\)/, "decimal($1,0)");
  return t;
}

export function isTextType(type: string): boolean {
  return TEXT_TYPES.test(type);
}

export function isNumericType(type: string): boolean {
  return NUMERIC_TYPES.test(type);
}

/**
 * A literal default in canonical form for its column type: numbers without a plus sign or
 * trailing fractional zeros (MariaDB reports `DEFAULT 0` on decimal(8,3) as `0.000`).
 */
export function canonicalDefault(type: string, value: string): string {
  if (!isNumericType(type) || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) return value;
  let v = value.replace(/^\+/, "");
  if (v.includes(".")) v = v.replace(/0+$/, "").replace(/\.$/, "");
  v = v.replace(/^(-?)0+(?=\d)/, "$1");
  if (v.startsWith(".")) v = "0" + v;
  if (v.startsWith("-.")) v = "-0" + v.slice(1);
  return v === "-0" ? "0" : v;
}

/** The character set a collation belongs to: "utf8mb4_bin" → "utf8mb4". */
export function charsetOf(collation: string): string {
  return collation.split("_")[0];
}

/** Case-insensitive name key: MySQL column and index names are case-insensitive. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}
