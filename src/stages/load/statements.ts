// Multi-row statement building: rows → `REPLACE INTO t (cols) VALUES (?,…),(?,…)` texts
// with their values, split so no statement exceeds the engine's placeholder or byte cap; or,
// where the engine can bulk-load (caps.bulkLoad), one LOAD statement per table and batch.
import { quoteIdent } from "../../engine/ident.ts";
import { encodeRows } from "../../engine/bulk-rows.ts";

export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * Rows to replace in `table` (same key → the row is overwritten, like REPLACE), already encoded
 * as the bulk-load bytes of engine/bulk-rows.ts. Only built when caps.bulkLoad is on;
 * executed by Db.loadRows. Its affected-row count is not a row count: nothing may rely on it.
 */
export interface LoadStatement {
  kind: "load";
  table: string;
  columns: readonly string[];
  data: Buffer;
  rows: number;
}

/** What BatchWriter.write commits in one transaction. */
export type WriteStatement = Statement | LoadStatement;

export function isLoad(s: WriteStatement): s is LoadStatement {
  return (s as LoadStatement).kind === "load";
}

/** A rough upper bound of a value's size on the wire (UTF-16 units × 3 covers UTF-8). */
export function valueBytes(v: unknown): number {
  return typeof v === "string" ? v.length * 3 + 3 : 24;
}

export function rowBytes(row: readonly unknown[]): number {
  let n = 4;
  for (const v of row) n += valueBytes(v);
  return n;
}

export interface SplitLimits {
  maxPlaceholders: number;
  maxBytes: number;
  /** The engine bulk-loads (caps.bulkLoad): rowStatements builds LOAD statements. */
  bulkLoad?: boolean;
}

/** The statements that put `rows` into `table`: one LOAD where the engine bulk-loads, else REPLACEs. */
export function rowStatements(
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  limits: SplitLimits,
): WriteStatement[] {
  if (rows.length === 0) return [];
  // No split: the data travels as a stream of packets, not as one statement, and load.ts
  // already bounds a batch by rows and bytes.
  if (limits.bulkLoad) return [{ kind: "load", table, columns, data: encodeRows(rows), rows: rows.length }];
  return replaceStatements(table, columns, rows, limits);
}

/** `REPLACE INTO table (cols) VALUES …` statements covering `rows` (each row in column order). */
export function replaceStatements(
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  limits: SplitLimits,
): Statement[] {
  if (rows.length === 0) return [];
  const head = `REPLACE INTO ${quoteIdent(table)} (${columns.map((c) => quoteIdent(c)).join(", ")}) VALUES `;
  const tuple = `(${columns.map(() => "?").join(",")})`;
  const maxRows = Math.max(1, Math.floor(limits.maxPlaceholders / columns.length));
  const out: Statement[] = [];
  let params: unknown[] = [];
  let count = 0;
  let bytes = head.length;
  const flush = () => {
    if (count === 0) return;
    out.push({ sql: head + Array(count).fill(tuple).join(","), params });
    params = [];
    count = 0;
    bytes = head.length;
  };
  for (const row of rows) {
    const size = rowBytes(row) + tuple.length;
    if (count > 0 && (count >= maxRows || bytes + size > limits.maxBytes)) flush();
    for (const v of row) params.push(v);
    count++;
    bytes += size;
  }
  flush();
  return out;
}
