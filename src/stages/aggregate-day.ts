// Replacing one (table, day) of aggregates: one transaction (DELETE the day, INSERT … SELECT it
// again), or, on a target that caps its transactions (a Galera node's write-set limits, see
// load/write-set-limit.ts) when the day's old and new rows do not fit in one, a transaction per
// slice: the rows are cut by a hash of the table's key, and each transaction replaces one slice.
import type { DbCapabilities } from "../engine/db.ts";
import { EtlError } from "../errors.ts";
import { quoteIdent } from "../engine/ident.ts";
import { SQL } from "../sql.ts";
import type { BatchWriter } from "./load/batch-writer.ts";
import type { Statement } from "./load/statements.ts";
import { transactionCap } from "./load/write-set-limit.ts";
import { insertParts, placeholderCount, type AggregateTable } from "./aggregate-tables.ts";

/** The most bytes of values one aggregate row holds (server_retirements, 1,010 in utf8mb4; unit-tested against the DDL). */
export const AGGREGATE_ROW_BYTES = 1024;
/** Tries at a slice count whose fullest slice fits, before giving up (a hash puts rows unevenly). */
const SLICE_TRIES = 12;

/** What replacing the day took: one transaction (slices 1), or one per non-empty slice of `slices`. */
export interface DayReplaced {
  slices: number;
  /** Rows there before and rows written; counted only when the day was measured (a capped target). */
  oldRows?: number;
  newRows?: number;
  /** Rows one transaction may carry (deleted and inserted together). */
  budget: number;
}

/**
 * Rows one transaction may delete and insert together on this target (Infinity: no cap). The
 * load's cap is half the row limit because one REPLACE is a delete and an insert; here both are
 * counted, so twice that (within the limit itself: measured on 10.11 with wsrep_max_ws_rows 100,
 * deleting 60 and inserting 40 commits, deleting 40 and inserting 61 is refused). Bytes: the
 * cap's bytes over the widest row's.
 */
export function sliceBudget(caps: DbCapabilities): number {
  const cap = transactionCap(caps);
  const limit = caps.transactionLimit?.rows ?? 0;
  return Math.min(2 * cap.rows, limit > 0 ? limit : Infinity, Math.floor(cap.bytes / AGGREGATE_ROW_BYTES));
}

/** The next slice count to try when the fullest of `slices` slices holds `worst` rows over `budget`. */
export function nextSliceCount(slices: number, worst: number, budget: number): number {
  return Math.max(slices + 1, Math.ceil((slices * worst * 1.25) / Math.max(1, budget)));
}

/** The parameters of a table's statement for a day: the report date for every `?`, unless the table says otherwise (a declared aggregate's sentinels). */
export function dayParams(t: AggregateTable, day: string): unknown[] {
  return t.params ? t.params(day) : Array(placeholderCount(t.insert)).fill(day);
}

/** The day's statements, whole: the one transaction of an uncapped target (and of a day that fits). */
export function wholeDay(t: AggregateTable, day: string): Statement[] {
  return [
    { sql: SQL.aggregateDeleteDay.replaceAll("{table}", quoteIdent(t.table)), params: [day] },
    { sql: t.insert, params: dayParams(t, day) },
  ];
}

/** The slice statements of one table, its key, columns and SELECT filled in (identifiers quoted). */
export function sliceStatements(t: AggregateTable): { sizesOld: string; sizesNew: string; del: string; insert: string } {
  const parts = insertParts(t.insert);
  if (parts.table !== t.table) throw new Error(`the statement of ${t.table} inserts into ${parts.table}`);
  const fill = (sql: string) =>
    sql
      .replaceAll("{table}", quoteIdent(t.table))
      .replaceAll("{key}", `CONCAT_WS('|', ${t.key.map((c) => `RTRIM(${quoteIdent(c)})`).join(", ")})`)
      .replaceAll("{columns}", parts.columns.map((c) => quoteIdent(c)).join(", "))
      .replaceAll("{select}", parts.select);
  return {
    sizesOld: fill(SQL.aggregateSliceSizesOld),
    sizesNew: fill(SQL.aggregateSliceSizesNew),
    del: fill(SQL.aggregateSliceDelete),
    insert: fill(SQL.aggregateSliceInsert),
  };
}

/** Replace one (table, day), within the target's transaction cap. */
export async function replaceAggregateDay(writer: BatchWriter, t: AggregateTable, day: string): Promise<DayReplaced> {
  const budget = sliceBudget(writer.caps);
  if (budget === Infinity) {
    await writer.write(wholeDay(t, day));
    return { slices: 1, budget };
  }
  const sql = sliceStatements(t);
  const days = dayParams(t, day);
  /** Rows per slice, those there now plus those to write, of `slices` slices. */
  const sizes = async (slices: number) => {
    const per = Array.from({ length: slices }, () => ({ old: 0, fresh: 0 }));
    for (const r of await writer.read<{ slice: number; n: number }>(sql.sizesOld, [slices, day])) per[Number(r.slice)]!.old = Number(r.n);
    for (const r of await writer.read<{ slice: number; n: number }>(sql.sizesNew, [...days, slices])) per[Number(r.slice)]!.fresh = Number(r.n);
    return per;
  };
  let slices = 1;
  let per = await sizes(slices);
  const oldRows = per[0]!.old;
  const newRows = per[0]!.fresh;
  for (let tries = 1; ; tries++) {
    const worst = Math.max(...per.map((p) => p.old + p.fresh));
    if (worst <= budget) break;
    if (tries >= SLICE_TRIES) {
      throw new EtlError(
        `${t.table} ${day}: cannot cut ${oldRows} rows there and ${newRows} new into transactions of at most ${budget} rows ` +
          `(the target's write-set limits; the fullest of ${slices} slices holds ${worst}); raise wsrep_max_ws_rows / wsrep_max_ws_size`,
      );
    }
    slices = nextSliceCount(slices, worst, budget);
    per = await sizes(slices);
  }
  if (slices === 1) {
    await writer.write(wholeDay(t, day));
    return { slices, oldRows, newRows, budget };
  }
  for (const [j, p] of per.entries()) {
    if (p.old + p.fresh === 0) continue;
    await writer.write([
      { sql: sql.del, params: [day, slices, j] },
      { sql: sql.insert, params: [...days, slices, j] },
    ]);
  }
  return { slices, oldRows, newRows, budget };
}
