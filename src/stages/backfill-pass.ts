// One backfill pass: a block of past days loaded from one read of the change history. Each day
// keeps its own etl_runs row (kind 'backfill'), opened before the pass and closed as 'success'
// only after its rows are in and its stale rows swept (a day that held no row has none), so a
// pass cut short leaves its days 'running' or 'failed' and a rerun builds them again. The rows
// of all the block's days share the load's batches (one transaction and one replica wait
// each), and a server's state is transformed once however many days it holds.
import type { Db } from "../engine/db.ts";
import { EtlError } from "../errors.ts";
import type { Progress } from "../progress/progress.ts";
import { DEFAULT_REPLICA_WAIT } from "../replicas/replica-set.ts";
import { transformServer } from "../transform/index.ts";
import type { RawServerRow, TransformOptions, TransformedServer, Warnings } from "../transform/types.ts";
import { addWarnings } from "../transform/warnings.ts";
import type { WarehouseContext } from "./context.ts";
import type { EtlSummary } from "./etl.ts";
import { allowReaderPauses } from "./extract/extract.ts";
import { extractPass } from "./extract/extract-pass.ts";
import type { HistoryPassSql } from "../extras/history-sql.ts";
import { prepareDays } from "./load/day-partitions.ts";
import { BatchWriter, DEFAULT_BATCH_WRITER } from "./load/batch-writer.ts";
import { loadDays, type DayServer } from "./load/load.ts";
import { finishRunStatement, startRun, type RunCounts } from "./load/runs.ts";
import { sweepStaleRows } from "./load/sweep.ts";
import { stopwatch } from "./phase.ts";
import { SQL } from "../sql.ts";

export interface PassOptions {
  /** The block's days ('YYYY-MM-DD'), ascending. */
  dates: readonly string[];
  /** Each day's instant (UTC 'YYYY-MM-DD HH:MM:SS', exclusive), ascending with `dates`. */
  befores: readonly string[];
  /** Rows per batch (one transaction, one replica wait), over all the block's days. */
  batchSize: number;
  transform: TransformOptions;
  /** The history pass's SELECT with the declared columns (built once per backfill). */
  select?: HistoryPassSql;
}

/**
 * Per server, its transformed state on each day that has one: a state repeated on several days
 * (the same history row) is transformed once.
 */
async function* transformPass(servers: AsyncIterable<(RawServerRow | undefined)[]>, counts: RunCounts[], options: TransformOptions): AsyncIterable<DayServer> {
  for await (const days of servers) {
    let previous: RawServerRow | undefined;
    let transformed: TransformedServer | undefined;
    for (const [day, raw] of days.entries()) {
      if (!raw) continue;
      if (raw !== previous) [previous, transformed] = [raw, transformServer(raw, options)];
      counts[day]!.extracted++;
      yield { day, server: transformed! };
    }
  }
}

/** Load the block's days in one pass; returns each day's summary, in order. */
export async function loadPass(ctx: WarehouseContext, options: PassOptions, progress: Progress): Promise<EtlSummary[]> {
  const { source, sourceSchema } = ctx;
  if (!source || !sourceSchema) throw new EtlError("backfill needs a source; pass --source");
  const clock = stopwatch();
  const writer = new BatchWriter(ctx.target, ctx.replicas, progress, DEFAULT_BATCH_WRITER);
  const runIds: number[] = [];
  const counts: RunCounts[] = options.dates.map(() => ({ extracted: 0, loaded: 0, removed: 0, warnings: {} }));
  const recorded = options.dates.map(() => false);
  try {
    await prepareDays(writer, options.dates);
    // A day that holds no row yet (built for the first time) has nothing to sweep.
    const fresh: boolean[] = [];
    for (const date of options.dates) {
      const [{ has_rows }] = await writer.read<{ has_rows: number | string }>(SQL.backfillDayHasRows, [date, date]);
      fresh.push(Number(has_rows) === 0);
      runIds.push(await startRun(ctx.target.db, "backfill", date));
    }
    const { roleRows, loadS } = await extractAndLoad(ctx, source, sourceSchema, options, runIds, counts, writer, progress, clock);
    const summaries: EtlSummary[] = [];
    for (const [day, reportDate] of options.dates.entries()) {
      const sweepClock = stopwatch();
      const removed = fresh[day] ? { facts: 0 } : await sweepStaleRows(writer, { reportDate, runId: runIds[day]!, batchSize: options.batchSize });
      counts[day]!.removed = removed.facts;
      await writer.write([finishRunStatement(runIds[day]!, "success", counts[day]!)]);
      // Committed: the day is complete. A failure from here on must not turn its record into 'failed'.
      recorded[day] = true;
      const c = counts[day]!;
      summaries.push({
        runId: runIds[day]!,
        reportDate,
        extracted: c.extracted,
        loaded: c.loaded,
        roleRows: roleRows[day]!,
        removed: c.removed,
        duplicates: 0,
        warnings: c.warnings,
        seconds: { load: loadS, sweep: sweepClock(), total: clock() },
        replicaWaitS: writer.replicaWaitMs / 1000,
        retries: writer.retries,
      });
    }
    await writer.drain();
    return summaries;
  } catch (err) {
    // Best effort and without replica waits: the target or a replica may be what failed.
    const message = err instanceof Error ? err.message : String(err);
    for (const [day, runId] of runIds.entries()) {
      if (recorded[day]) continue;
      const failed = finishRunStatement(runId, "failed", counts[day]!, message);
      await ctx.target.db.execute(failed.sql, failed.params).catch(() => {});
    }
    throw err;
  }
}

async function extractAndLoad(
  ctx: WarehouseContext,
  source: Db,
  schema: string,
  options: PassOptions,
  runIds: readonly number[],
  counts: RunCounts[],
  writer: BatchWriter,
  progress: Progress,
  clock: () => number,
): Promise<{ roleRows: number[]; loadS: number }> {
  await allowReaderPauses(source, ctx.replicas?.size ? (ctx.replicas.timeoutS ?? DEFAULT_REPLICA_WAIT.timeoutS) : 0);
  const pass = await extractPass(source, { schema, befores: options.befores, select: options.select });
  let results;
  try {
    results = await loadDays(
      transformPass(pass.servers, counts, options.transform),
      writer,
      ctx.target.db.caps,
      {
        days: options.dates.map((reportDate, day) => ({ reportDate, runId: runIds[day]! })),
        batchSize: options.batchSize,
        extraColumns: options.transform.extras?.columns.map((c) => c.name),
        // What etl_runs records if the pass stops part-way: each day's batches committed so far.
        onCommitted: (day, servers, warnings) => {
          counts[day]!.loaded += servers;
          addWarnings(counts[day]!.warnings, warnings);
        },
      },
      progress,
    );
  } finally {
    await pass.finish().catch(() => {});
  }
  await writer.drain();
  for (const [day, result] of results.entries()) {
    counts[day]!.loaded = result.loaded;
    counts[day]!.warnings = addWarnings({ ...result.warnings }, pass.warnings[day] as Warnings);
    if (Object.keys(pass.warnings[day]!).length) progress.warnings(pass.warnings[day]!);
  }
  return { roleRows: results.map((r) => r.roleRows), loadS: clock() };
}
