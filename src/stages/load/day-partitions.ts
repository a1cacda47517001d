// Room for the days a run writes, and a day removed in one statement: where the fact tables hold
// one partition per report day (MariaDB/MySQL, sql/mysql/create_server_facts.sql), a run adds
// each day's partition before writing it, and expire drops a day's partition instead of deleting
// its rows. A table that is not partitioned (SQLite, a warehouse not migrated yet) is left as it is.
import type { Db } from "../../engine/db.ts";
import { engineOf } from "../../engine/index.ts";
import { logger } from "../../log.ts";
import { quoteIdent } from "../../engine/ident.ts";
import type { BatchWriter } from "./batch-writer.ts";
import type { DayTable } from "./ranged-delete.ts";

const log = logger("load");

/** Bridge rows first, as the deletes go: facts outlive their bridge rows, never the other way round. */
const TABLES: readonly DayTable[] = ["server_fact_roles", "server_facts"];

/** The ADD PARTITION statements `table` needs for `days`: none when it is not partitioned by day or has them all. */
export async function missingDayPartitions(db: Db, table: DayTable, days: readonly string[]): Promise<string[]> {
  const parts = engineOf(db).dayPartitions;
  const have = parts ? await parts.list(db, table) : undefined;
  if (!parts || !have) return [];
  return [...new Set(days)].filter((d) => !have.has(d)).map((d) => parts.addSql(db, table, d));
}

/** Add the partition of each of `days` that a partitioned fact table lacks. */
export async function prepareDays(writer: BatchWriter, days: readonly string[]): Promise<void> {
  const parts = engineOf(writer.db).dayPartitions;
  if (!parts) return;
  for (const table of TABLES) {
    const statements = await missingDayPartitions(writer.db, table, days);
    for (const sql of statements) await writer.alter(sql, parts.alreadyDone);
    if (statements.length) log.debug(`${table}: added ${statements.length} day partitions`);
  }
}

/** Partitions dropped per ALTER TABLE: one statement (and one replica wait) for many days, bounded. */
const DROP_CHUNK = 50;

/**
 * Drop the partitions of `days` in `table` where it is partitioned by day and a day's partition
 * holds that day only, a chunk of days per ALTER TABLE. Returns the rows each dropped day held;
 * a day not in it was not dropped (the caller deletes its rows instead).
 */
export async function dropDayPartitions(writer: BatchWriter, table: DayTable, days: readonly string[], onChunk?: (rows: number) => void): Promise<Map<string, number>> {
  const dropped = new Map<string, number>();
  const parts = engineOf(writer.db).dayPartitions;
  const have = parts ? await parts.list(writer.db, table) : undefined;
  if (!parts || !have) return dropped;
  const mine = days.filter((d) => have.get(d)?.days === 1);
  for (let i = 0; i < mine.length; i += DROP_CHUNK) {
    const chunk = mine.slice(i, i + DROP_CHUNK);
    const counted = await writer.read<{ d: string; n: number | string }>(
      `SELECT report_date AS d, COUNT(*) AS n FROM ${quoteIdent(table)} WHERE report_date IN (${chunk.map(() => "?").join(", ")}) GROUP BY report_date`,
      chunk,
    );
    const rows = new Map(counted.map((r) => [String(r.d), Number(r.n)]));
    await writer.alter(parts.dropSql(writer.db, table, chunk.map((d) => have.get(d)!.name)), parts.alreadyDone);
    let n = 0;
    for (const d of chunk) {
      dropped.set(d, rows.get(d) ?? 0);
      n += rows.get(d) ?? 0;
    }
    onChunk?.(n);
  }
  return dropped;
}
