// Deletes one report day's rows of server_facts or server_fact_roles in small batches by id
// ranges, each batch through the BatchWriter (its own short transaction, retries, replica wait).
// Used by the etl sweep (rows a run did not write) and by expire (every row of the day).
import { transactionCap } from "./write-set-limit.ts";
import { quoteIdent } from "../../engine/ident.ts";
import { SQL } from "../../sql.ts";
import { engineOf } from "../../engine/index.ts";
import type { BatchWriter } from "./batch-writer.ts";

/** The per-day tables with report_date leading an index whose suffix is id. */
export type DayTable = "server_facts" | "server_fact_roles";

export interface DayRowsOptions {
  table: DayTable;
  /** The day ('YYYY-MM-DD'). */
  reportDate: string;
  /** Rows per batch (one DELETE, one transaction); the last server's other bridge rows join it. */
  batchSize: number;
  /** Only rows that this run did not write (the sweep); every row of the day when absent. */
  exceptRunId?: number;
  /** Called after each committed batch (before its replica wait) with the rows removed so far. */
  onBatch?: (removed: number) => void;
}

/**
 * Delete the day's rows, about `batchSize` per transaction: walk the next ids after the last
 * range (one index range read in id order, no sort), then DELETE that id range. Returns the rows
 * the DELETEs removed. Safe to interrupt and re-run: each batch is a whole id range.
 */
export async function deleteDayRows(writer: BatchWriter, o: DayRowsOptions): Promise<number> {
  const table = quoteIdent(o.table);
  const sweep = o.exceptRunId !== undefined;
  const walk = (sweep ? SQL.staleIds : engineOf(writer.db).sql("range_ids")).replaceAll("{table}", table);
  const del = (sweep ? SQL.staleDelete : SQL.rangeDelete).replaceAll("{table}", table);
  const filter = sweep ? [o.exceptRunId] : [];
  let after: unknown = -1;
  let removed = 0;
  // A Galera target caps the rows of one transaction (write-set-limit.ts); the id range may take a
  // few more rows than the walk's LIMIT (one server's bridge rows), hence the margin.
  const cap = transactionCap(writer.caps).rows;
  const limit = Math.max(1, Math.min(o.batchSize, cap < Infinity ? Math.floor(cap * 0.8) : o.batchSize));
  for (;;) {
    // Through the writer: a connection lost since the last batch is replaced, as for the DELETEs.
    const ids = await writer.read<{ id: number | string }>(walk, [o.reportDate, after, ...filter, limit]);
    if (ids.length === 0) return removed;
    const first = ids[0]!.id;
    const last = ids[ids.length - 1]!.id;
    // Count what the DELETE removed: the LIMIT may cut one server's bridge rows apart, and
    // the id range takes all of them (the next walk starts after `last`).
    await writer.write([{ sql: del, params: [o.reportDate, ...filter, first, last] }], (n) => {
      removed += n;
      o.onBatch?.(removed);
    });
    after = last;
  }
}
