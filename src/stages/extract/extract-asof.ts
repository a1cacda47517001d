// The backfill's row source: every Server as it stood at a past instant, from ServerDB's
// change history (sql/serverdb/history_asof_select.sql), in the shape of the nightly extract
// so the same transform and load write it. Streams inside one read-only snapshot; counts the
// rows that are approximations as warnings of the run.
import type { Db } from "../../engine/db.ts";
import { SQL } from "../../sql.ts";
import type { RawServerRow, Warnings } from "../../transform/types.ts";
import { beginSnapshot, sourceSql, type Extract } from "./extract.ts";

/** Warning keys of the as-of extract (recorded in etl_runs.warnings_by_column). */
export const ASOF_WARNINGS = {
  /** No history row by then, created by then: taken from today's state. */
  current: "backfill_approximation",
  /** From history, but deleted from ServerDB since: its roles and delivery row are gone. */
  deleted: "backfill_deleted_since",
} as const;

/** Where a row came from (the SELECT's asof_source column). */
type AsofSource = "history" | "history-deleted" | "current";

export interface AsOfOptions {
  /** The ServerDB database (schema) name. */
  schema: string;
  /** The instant, UTC 'YYYY-MM-DD HH:MM:SS': rows are the state just before it. */
  before: string;
  /** About how many rows to expect (progress only): e.g. the previous day's count. */
  estimate: number;
}

/** Open the snapshot and return the as-of row stream. The caller must `finish()`. */
export async function extractAsOf(source: Db, options: AsOfOptions): Promise<Extract> {
  const select = sourceSql(SQL.historyAsofSelect, options.schema);
  const finish = await beginSnapshot(source);
  const warnings: Warnings = {};
  async function* rows(): AsyncIterable<RawServerRow> {
    // One `?` per use of the instant: the history bound, created_at, and the "no history yet" test.
    const params = [options.before, options.before, options.before];
    for await (const row of source.stream<RawServerRow & { asof_source: AsofSource }>(select, params)) {
      if (row.asof_source === "current") warnings[ASOF_WARNINGS.current] = (warnings[ASOF_WARNINGS.current] ?? 0) + 1;
      else if (row.asof_source === "history-deleted") warnings[ASOF_WARNINGS.deleted] = (warnings[ASOF_WARNINGS.deleted] ?? 0) + 1;
      yield row;
    }
  }
  // Each server appears once by construction (one newest row per id, or no history at all),
  // so unlike the nightly extract there is nothing to de-duplicate.
  return { total: options.estimate, rows: rows(), duplicates: 0, warnings, finish };
}
