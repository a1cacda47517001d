// The registry of aggregate tables: name → the INSERT … SELECT that builds one day of it.
// Adding a dimension = its CREATE TABLE in sql/mysql/create_aggregates.sql, its statement in
// sql/aggregate/<table>.sql (imported in src/sql.ts), and one line here.
import { UsageError } from "../errors.ts";
import { SQL } from "../sql.ts";
import { declaredAggregateInsert } from "../extras/aggregates.ts";
import type { FactExtras } from "../extras/types.ts";

export interface AggregateTable {
  /** The server_by_* table the statement fills. */
  table: string;
  /** INSERT INTO <table> … SELECT … WHERE report_date = ? …: every `?` is the report date. */
  insert: string;
  /** The primary key's columns after report_date: what cuts a day into slices on a capped target. */
  key: readonly string[];
  /** A day may rightly have no rows (server_retirements): "no rows" does not mean "not aggregated". */
  sparse?: boolean;
  /** A day's rows depend on the fact day before it: rebuilding a day rebuilds the next fact day's rows too. */
  readsPreviousDay?: boolean;
  /** The statement's parameters for a day, when they are not the report date alone (a declared aggregate's sentinels). */
  params?: (day: string) => unknown[];
}

/** Every aggregate table, in the order `aggregate` builds them. */
export const AGGREGATE_TABLES: readonly AggregateTable[] = [
  { table: "server_by_site", insert: SQL.aggregateServerBySite, key: ["site", "region", "status"] },
  { table: "server_by_puppet_service", insert: SQL.aggregateServerByPuppetService, key: ["puppet_service", "status"] },
  { table: "server_by_vendor_model", insert: SQL.aggregateServerByVendorModel, key: ["manufacturer", "model", "asset_type", "status"] },
  { table: "server_by_team", insert: SQL.aggregateServerByTeam, key: ["wou_id", "wou_name", "status"] },
  { table: "server_by_cpu", insert: SQL.aggregateServerByCpu, key: ["cpu_version", "status"] },
  { table: "server_retirements", insert: SQL.aggregateServerRetirements, key: ["id"], sparse: true, readsPreviousDay: true },
];

export const AGGREGATE_TABLE_NAMES: readonly string[] = AGGREGATE_TABLES.map((t) => t.table);

/** The tables that have rows on every aggregated day with facts (a missing day means "not aggregated"). */
export const DENSE_AGGREGATE_TABLE_NAMES: readonly string[] = AGGREGATE_TABLES.filter((t) => !t.sparse).map((t) => t.table);

/** The built-in tables, then those declared in [[facts.aggregates]]. */
export function aggregateTables(extras?: FactExtras): AggregateTable[] {
  const declared = (extras?.aggregates ?? []).map((a) => {
    const { sql, params } = declaredAggregateInsert(a);
    return { table: a.table, insert: sql, params, key: a.dimensions.map((d) => d.name) };
  });
  return [...AGGREGATE_TABLES, ...declared];
}

/**
 * The registry entries named in `only` (all when undefined), in registry order. An unknown
 * name is a UsageError listing the valid ones; an empty list is one too (it would do nothing).
 */
export function selectAggregateTables(only?: readonly string[], extras?: FactExtras): AggregateTable[] {
  const tables = aggregateTables(extras);
  const valid = tables.map((t) => t.table);
  if (only === undefined) return tables;
  const names = only.map((n) => n.trim()).filter((n) => n !== "");
  const unknown = names.filter((n) => !valid.includes(n));
  if (unknown.length) {
    throw new UsageError(`--only: unknown aggregate table ${unknown.join(", ")}; valid tables: ${valid.join(", ")}`);
  }
  if (names.length === 0) throw new UsageError(`--only needs at least one table: ${valid.join(", ")}`);
  return tables.filter((t) => names.includes(t.table));
}

/**
 * How many `?` placeholders `sql` has, ignoring `--` and `/* *\/` comments and quoted text,
 * so a statement's comments may mention `?` freely.
 */
export function placeholderCount(sql: string): number {
  const code = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`/g, " ");
  return (code.match(/\?/g) ?? []).length;
}

/** An aggregate statement taken apart: the table it fills, its column list, and its SELECT. */
export interface InsertParts {
  table: string;
  columns: string[];
  /** From SELECT to the end, comments before it dropped; its `?` are the statement's. */
  select: string;
}

/** Split `INSERT INTO t (a, b) SELECT …` (after its leading `--` comment lines); throws on another shape. */
export function insertParts(sql: string): InsertParts {
  // Names may be backtick-quoted (a declared aggregate's are); they come back unquoted.
  const m = /(?:^|\n)INSERT INTO `?(\w+)`? \(([^)]*)\)\s*(SELECT\b[\s\S]*?)\s*;?\s*$/.exec(sql);
  if (!m) throw new Error(`not an INSERT INTO <table> (<columns>) SELECT … statement: ${sql.slice(0, 80)}`);
  return { table: m[1]!, columns: m[2]!.split(",").map((c) => c.trim().replace(/^`(\w+)`$/, "$1")), select: m[3]! };
}
