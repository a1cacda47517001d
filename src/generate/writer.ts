// Write table batches through the Db interface as multi-row INSERTs with `?` placeholders:
// at most 65,535 placeholders (or the engine's lower limit) and maxStatementBytes of values per statement, a transaction
// per few statements, and two statements in flight so generating overlaps with inserting.
// Rows of one table are merged across batches; tables are flushed independently (the target
// session has foreign-key checks off, so parent-first order is not required).
import type { Db, ExecResult } from "../engine/db.ts";
import { quoteIdent } from "../engine/ident.ts";
import type { RowValues, TableBatch } from "./rows.ts";

export interface WriteOptions {
  /** Rows per INSERT (lowered per table to stay within 65,535 placeholders). */
  rowsPerStatement: number;
  /** Approximate bytes of values per INSERT; keep well under the server's max_allowed_packet. */
  maxStatementBytes: number;
  /** INSERTs per transaction. */
  statementsPerTransaction: number;
  /** Called after each INSERT is queued (progress reporting). */
  onStatement?: (table: string, rowsSoFar: number) => void;
}

export const WRITE_DEFAULTS: WriteOptions = { rowsPerStatement: 1000, maxStatementBytes: 4 << 20, statementsPerTransaction: 20 };

const MAX_PLACEHOLDERS = 65_535;
const IN_FLIGHT = 2;

interface Pending {
  columns: readonly string[];
  rows: RowValues[];
  bytes: number;
  maxRows: number;
}

/** Insert every batch; returns the rows written per table. */
export async function writeBatches(
  db: Db,
  batches: Iterable<TableBatch> | AsyncIterable<TableBatch>,
  options: Partial<WriteOptions> = {},
): Promise<Map<string, number>> {
  const opts = { ...WRITE_DEFAULTS, ...options };
  const written = new Map<string, number>();
  const pending = new Map<string, Pending>();
  const sqlCache = new Map<string, string>();
  const inFlight: Promise<ExecResult>[] = [];
  let inTransaction = 0;
  // MySQL's protocol allows 65,535 placeholders per statement, SQLite 32,766.
  const maxPlaceholders = Math.min(MAX_PLACEHOLDERS, db.caps.maxPlaceholders);

  const send = async (sql: string, params?: unknown[]) => {
    const p = db.execute(sql, params);
    p.catch(() => {}); // awaited below; this only keeps an early rejection from counting as unhandled
    inFlight.push(p);
    if (inFlight.length > IN_FLIGHT) await inFlight.shift();
  };

  const flush = async (table: string, buf: Pending) => {
    const rows = buf.rows;
    buf.rows = [];
    buf.bytes = 0;
    if (!rows.length) return;
    const key = `${table}\u0000${rows.length}`;
    let sql = sqlCache.get(key);
    if (!sql) {
      sql = insertSql(table, buf.columns, rows.length);
      // Full-size statements repeat; odd sizes (the last of each table) are not worth keeping.
      if (rows.length === buf.maxRows) sqlCache.set(key, sql);
    }
    const width = buf.columns.length;
    const params = new Array(rows.length * width);
    let k = 0;
    for (const row of rows) for (let c = 0; c < width; c++) params[k++] = row[c];
    if (inTransaction === 0) await send("BEGIN");
    await send(sql, params);
    const total = (written.get(table) ?? 0) + rows.length;
    written.set(table, total);
    opts.onStatement?.(table, total);
    if (++inTransaction >= opts.statementsPerTransaction) {
      await send("COMMIT");
      inTransaction = 0;
    }
  };

  for await (const b of batches) {
    let buf = pending.get(b.table);
    if (!buf) {
      const maxRows = Math.max(1, Math.min(opts.rowsPerStatement, Math.floor(maxPlaceholders / b.columns.length)));
      buf = { columns: b.columns, rows: [], bytes: 0, maxRows };
      pending.set(b.table, buf);
    }
    for (const row of b.rows) {
      buf.rows.push(row);
      buf.bytes += rowBytes(row);
      if (buf.rows.length >= buf.maxRows || buf.bytes >= opts.maxStatementBytes) await flush(b.table, buf);
    }
  }
  for (const [table, buf] of pending) await flush(table, buf);
  if (inTransaction > 0) await send("COMMIT");
  while (inFlight.length) await inFlight.shift();
  return written;
}

/** `INSERT INTO t (a,b) VALUES (?,?),(?,?)…` for `rows` rows. */
export function insertSql(table: string, columns: readonly string[], rows: number): string {
  const tuple = `(${columns.map(() => "?").join(",")})`;
  return `INSERT INTO ${quoteIdent(table, "table name")} (${columns.map((c) => quoteIdent(c, "column name")).join(",")}) VALUES ${Array(rows).fill(tuple).join(",")}`;
}

/** Bytes a row adds to the statement text once escaped (an estimate: 4 bytes per character worst case for strings). */
function rowBytes(row: RowValues): number {
  let n = 2;
  for (const v of row) n += typeof v === "string" ? 3 + v.length * (isAscii(v) ? 1 : 4) : 8;
  return n;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}
