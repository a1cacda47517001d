// The backfill's row source for a block of past days read in one pass: ServerDB's change
// history (sql/serverdb/history_pass_select.sql) streamed once, in server id order, inside one
// read-only snapshot, and turned into each server's state on every day of the block — the row
// the nightly extract would have read at that day's end, or none. Memory: one server's rows.
// Counts, per day, the rows that are approximations as warnings of that day's run.
import type { Db } from "../../engine/db.ts";
import { SQL } from "../../sql.ts";
import type { RawServerRow, Warnings } from "../../transform/types.ts";
import { beginSnapshot, sourceSql } from "./extract.ts";
import { NO_EXTRAS } from "../../extras/declare.ts";
import { historyPassSql, type HistoryPassSql } from "../../extras/history-sql.ts";

/** Warning keys of the as-of extract (recorded in etl_runs.warnings_by_column). */
export const ASOF_WARNINGS = {
  /** No history row by then, created by then: taken from today's state. */
  current: "backfill_approximation",
  /** From history, but deleted from ServerDB since: its roles and delivery row are gone. */
  deleted: "backfill_deleted_since",
} as const;

/** Where a row came from (the SELECT's asof_source column). */
type AsofSource = "history" | "history-deleted" | "current";

/** A row of the pass's SELECT: a server's state plus where and when it starts to hold. */
export type PassRow = RawServerRow & {
  asof_source: AsofSource;
  /** 0: a history row, 1: today's state of a server without history before the block. */
  asof_part: number | string;
  /** history_date (part 0) or created_at (part 1). */
  asof_at: string;
  /** history_type: '+', '~' or '-' (part 0). */
  asof_type: string | null;
};

export interface PassOptions {
  /** The ServerDB database (schema) name. */
  schema: string;
  /** The block's instants, ascending, UTC 'YYYY-MM-DD HH:MM:SS': day k is the state just before befores[k]. */
  befores: readonly string[];
  /** The pass's SELECT with the declared columns, built once per backfill (default: none declared). */
  select?: HistoryPassSql;
}

export interface Pass {
  /** Per server (ascending id): its row on each day of the block (undefined: not a Server that day). Iterate once. */
  servers: AsyncIterable<(PassRow | undefined)[]>;
  /** Per day: the extract's approximation counts, filled as the stream is read. */
  warnings: Warnings[];
  /** End the snapshot transaction (idempotent). */
  finish(): Promise<void>;
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' → the 26-character form, so text order is time order. */
function micro(datetime: string): string {
  return datetime.length === 19 ? `${datetime}.000000` : datetime;
}

/**
 * One server's state just before `before` from its rows (history by (history_date, history_id),
 * then today's state): the newest history row before it, unless that row is a deletion; with
 * no history row before it, today's state if the server was created before it.
 */
export function stateBefore(rows: readonly PassRow[], before: string): PassRow | undefined {
  let latest: PassRow | undefined;
  let current: PassRow | undefined;
  for (const row of rows) {
    if (Number(row.asof_part) === 1) current = row;
    else if (micro(String(row.asof_at)) < before) latest = row;
  }
  if (latest) return latest.asof_type === "-" ? undefined : latest;
  return current && micro(String(current.asof_at)) < before ? current : undefined;
}

/** Open the snapshot and return the pass's per-server stream. The caller must `finish()`. */
export async function extractPass(source: Db, options: PassOptions): Promise<Pass> {
  if (options.befores.length === 0) throw new Error("extractPass: no day");
  const pass = options.select ?? historyPassSql(SQL.historyPassSelect, NO_EXTRAS, new Set());
  const select = sourceSql(pass.sql, options.schema);
  const befores = options.befores.map(micro);
  const [first, last] = [options.befores[0]!, options.befores[options.befores.length - 1]!];
  const finish = await beginSnapshot(source);
  const warnings: Warnings[] = befores.map(() => ({}));
  const count = (day: number, key: string) => (warnings[day]![key] = (warnings[day]![key] ?? 0) + 1);
  const emit = (rows: readonly PassRow[]) =>
    befores.map((before, day) => {
      const row = stateBefore(rows, before);
      if (row?.asof_source === "current") count(day, ASOF_WARNINGS.current);
      else if (row?.asof_source === "history-deleted") count(day, ASOF_WARNINGS.deleted);
      return row;
    });
  async function* servers(): AsyncIterable<(PassRow | undefined)[]> {
    let rows: PassRow[] = [];
    for await (const row of source.stream<PassRow>(select, pass.params(first, last))) {
      if (rows.length && String(rows[0]!.id) !== String(row.id)) {
        yield emit(rows);
        rows = [];
      }
      rows.push(row);
    }
    if (rows.length) yield emit(rows);
  }
  return { servers: servers(), warnings, finish };
}
