// The aggregate stage: rebuild the server_by_* tables for the selected days from server_facts.
// Each (table, day) is one transaction through the BatchWriter — DELETE the day, INSERT …
// SELECT it again; on a target with write-set limits, one per slice where the day does not fit
// (aggregate-day.ts) — so re-aggregating is idempotent, retried on transient errors and followed
// by the replica waits. Days without facts are reported and their aggregates left alone.
import type { FactExtras } from "../extras/types.ts";
import { EtlError } from "../errors.ts";
import { quoteIdent } from "../engine/ident.ts";
import { replaceAggregateDay } from "./aggregate-day.ts";
import { logger } from "../log.ts";
import type { Progress } from "../progress/progress.ts";
import { SQL } from "../sql.ts";
import { BatchWriter, DEFAULT_BATCH_WRITER } from "./load/batch-writer.ts";
import type { WarehouseContext } from "./context.ts";
import { planDays, type DateSelection, type SkippedDay } from "../plans/aggregate-days.ts";
import { selectAggregateTables, type AggregateTable } from "./aggregate-tables.ts";
import { startPhase, stopwatch } from "./phase.ts";

export type { DateSelection, SkippedDay } from "../plans/aggregate-days.ts";

const log = logger("aggregate");

export interface AggregateOptions {
  /** Which report dates to build. */
  dates: DateSelection;
  /** Table names to build (server_by_*); default all, in registry order. */
  only?: string[];
  /** [facts]: the declared aggregate tables are built too. */
  extras?: FactExtras;
}

export interface AggregateSummary {
  /** Days rebuilt, ascending. */
  days: string[];
  /** Days asked for without facts (expired or never loaded); their aggregates were left as they were. */
  missing: string[];
  /** Rows written per table, summed over the days. */
  rows: Record<string, number>;
  seconds: number;
  /** Time blocked waiting for replicas (absent in summaries made by hand). */
  replicaWaitS?: number;
  /** Days with facts not built because their newest etl run did not succeed (left as they were). */
  skipped: SkippedDay[];
}

/** Replace one (table, day) (aggregate-day.ts), saying at INFO the first time the write-set limits cut a day. */
async function rebuild(writer: BatchWriter, t: AggregateTable, day: string, told: { sliced: boolean }): Promise<void> {
  const r = await replaceAggregateDay(writer, t, day);
  if (r.slices === 1) return;
  const what =
    `${t.table} ${day}: ${r.oldRows} rows there and ${r.newRows} new exceed what one transaction may carry under the target's ` +
    `write-set limits (${r.budget} rows); replaced in ${r.slices} slices by key, each its own transaction`;
  if (told.sliced) log.debug(what);
  else log.info(`${what} (readers of this node may see such a day part rebuilt until the last slice commits)`);
  told.sliced = true;
}

/** "2026-03-02", "2026-03-02, 2026-03-03" or the first ten and a count. */
function listDays(days: readonly string[]): string {
  return days.length <= 10 ? days.join(", ") : `${days.slice(0, 10).join(", ")} and ${days.length - 10} more`;
}

function reportUnbuilt(missing: readonly string[], skipped: readonly SkippedDay[]): void {
  if (missing.length === 1) log.warn(`no facts for ${missing[0]} (expired or never loaded); its aggregates are left as they are`);
  else if (missing.length > 1) {
    log.warn(`no facts for ${missing.length} days (${listDays(missing)}; expired or never loaded); their aggregates are left as they are`);
  }
  for (const s of skipped) log.warn(`not aggregating ${s.date}: ${s.reason}; its aggregates are left as they are`);
}

export async function aggregateDays(ctx: WarehouseContext, options: AggregateOptions, progress: Progress): Promise<AggregateSummary> {
  const clock = stopwatch();
  const tables = selectAggregateTables(options.only, options.extras);
  const plan = await planDays(ctx.target.db, options.dates);
  reportUnbuilt(plan.missing, plan.skipped);

  const writer = new BatchWriter(ctx.target, ctx.replicas, progress, DEFAULT_BATCH_WRITER);
  const rows: Record<string, number> = Object.fromEntries(tables.map((t) => [t.table, 0]));
  const phase = startPhase(progress, "aggregate", plan.days.length, "days", clock);
  const told = { sliced: false };
  for (const [i, day] of plan.days.entries()) {
    phase.progress(i, day);
    for (const t of tables) {
      await rebuild(writer, t, day, told);
      // Counted on the primary after the commit; the run lock keeps anyone else from writing.
      const count = SQL.aggregateCountDay.replaceAll("{table}", quoteIdent(t.table));
      const [{ n }] = await writer.read<{ n: number | string }>(count, [day]);
      rows[t.table] += Number(n);
    }
    phase.progress(i + 1, day);
  }
  // A rebuilt (or newly loaded) day changes what its next fact day saw retire: rebuild those rows.
  const built = new Set(plan.days);
  for (const t of tables.filter((x) => x.readsPreviousDay)) {
    for (const day of plan.days) {
      const [next] = await writer.read<{ report_date: unknown }>(SQL.aggregateNextFactDay, [day]);
      const nextDay = next?.report_date ? String(next.report_date).slice(0, 10) : undefined;
      if (!nextDay || built.has(nextDay)) continue;
      log.debug(`${t.table}: rebuilding ${nextDay}, the fact day after ${day}`);
      await rebuild(writer, t, nextDay, told);
      built.add(nextDay);
    }
  }
  await writer.drain();
  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  const seconds = phase.end((s) => `${plan.days.length} days, ${total} rows in ${tables.length} tables in ${s.toFixed(1)} s`);
  return { days: plan.days, missing: plan.missing, skipped: plan.skipped, rows, seconds, replicaWaitS: writer.replicaWaitMs / 1000 };
}

/**
 * The error to exit with when the selection asked for something that was not built, else
 * undefined. A named day (--date, or the default latest day) that was not built fails; a
 * range fails only when none of its days was built (holes left by retention are normal);
 * --all never fails for that. The summary is still printed first.
 */
export function aggregateShortfall(selection: DateSelection, s: AggregateSummary): EtlError | undefined {
  if (selection.kind === "all" || s.days.length > 0) return undefined;
  if (selection.kind === "range") {
    return new EtlError(
      `nothing aggregated: no day from ${selection.from} to ${selection.to} has facts from a successful etl run ` +
        `(${s.missing.length} without facts, ${s.skipped.length} skipped); aggregates already there are left as they are`,
    );
  }
  const [skip] = s.skipped;
  if (skip) return new EtlError(`nothing aggregated: ${skip.date}: ${skip.reason}`);
  return new EtlError(
    `nothing aggregated: no facts for ${s.missing.join(", ")} (expired or never loaded); its aggregates are left as they are; ` +
      "pass a day that has facts, or --all",
  );
}

/** The command's one line on stdout. */
export function formatAggregateSummary(s: AggregateSummary): string {
  const span = s.days.length === 0 ? "no day" : s.days.length === 1 ? s.days[0] : `${s.days.length} days ${s.days[0]} … ${s.days[s.days.length - 1]}`;
  const rows = Object.entries(s.rows)
    .map(([t, n]) => `${t}=${n}`)
    .join(", ");
  const missing = s.missing.length ? `; no facts for ${listDays(s.missing)}` : "";
  const skipped = s.skipped.length ? `; skipped ${listDays(s.skipped.map((k) => k.date))} (newest etl run not successful)` : "";
  return `aggregate ${span}: ${s.days.length ? "ok" : "nothing done"}, rows ${rows || "none"}${missing}${skipped}; ${s.seconds.toFixed(1)} s`;
}
