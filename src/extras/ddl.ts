// The declared columns in the warehouse DDL: each engine's catalog renders a column
// (extraColumnSql); this places them after etl_run_id in server_facts' CREATE TABLE, where
// ALTER TABLE … ADD COLUMN puts a column, so a table created with them and one altered to them
// are the same.
import type { DdlFile } from "../engine/catalog.ts";
import type { DeclaredAggregate, ExtraColumn, FactExtras } from "./types.ts";

/**
 * A declared column's sentinel as a DDL literal. DDL takes no placeholders; the value was
 * checked by declare.ts against its type (digits, a real date, or text without control
 * characters or backslashes), and quotes are doubled, so either engine reads exactly one value.
 * Decimal sentinels are exact text ('0.00'); as a literal they are numbers.
 */
export function ddlLiteral(c: ExtraColumn): string {
  const v = c.fallback;
  if (v === null) throw new Error(`${c.name} has no default`);
  if (typeof v === "number" || c.type.kind === "decimal" || c.type.kind === "int" || c.type.kind === "bigint") return String(v);
  return `'${v.replaceAll("'", "''")}'`;
}

/** server_facts' etl_run_id line (it ends with a comma: the PRIMARY KEY follows). */
const AFTER_RUN_ID = /^[ \t]*etl_run_id\b.*$/m;

/**
 * `files` with the declared columns added to server_facts' CREATE TABLE and the declared
 * aggregate tables after the rest (unchanged without any); `aggregateSql` is the engine's DDL of one.
 */
export function withExtraColumns(
  files: readonly DdlFile[],
  extras: FactExtras,
  columnSql: (c: ExtraColumn) => string,
  aggregateSql: (a: DeclaredAggregate) => string,
): DdlFile[] {
  if (!extras.columns.length && !extras.aggregates.length) return [...files];
  const aggregates = extras.aggregates.map((a) => ({ file: `[[facts.aggregates]] ${a.table}`, text: aggregateSql(a) }));
  return [...files.map((f) => {
    if (!/CREATE TABLE IF NOT EXISTS server_facts\b/.test(f.text)) return f;
    if (!AFTER_RUN_ID.test(f.text)) throw new Error(`${f.file}: no etl_run_id line to add the declared columns after`);
    const lines = extras.columns.map((c) => `  ${columnSql(c)},   -- declared in [[facts.columns]]`);
    return { ...f, text: f.text.replace(AFTER_RUN_ID, (line) => `${line}\n${lines.join("\n")}`) };
  }), ...aggregates];
}
