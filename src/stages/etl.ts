// The etl stage: extract (streamed, one snapshot) → transform (pure, per row) → load
// (batched REPLACE, pipelined replica waits) → sweep of the day's stale rows, all recorded
// in one etl_runs row. Memory is bounded by the batch size, whatever the fleet size. With
// [puppetdb], PuppetDB is read once in the background (puppetdb/enrich.ts) and each row's
// PuppetDB columns are filled from its node just before its transform.
// `loadDay` is that path with the row source as a parameter: `backfill` loads past days through it.
import { checkExtrasAgainstSource } from "../extras/source-check.ts";
import type { Db } from "../engine/db.ts";
import { EtlError } from "../errors.ts";
import { transformServer } from "../transform/index.ts";
import type { RawServerRow, TransformOptions, TransformedServer, Warnings } from "../transform/types.ts";
import { addWarnings } from "../transform/warnings.ts";
import type { Progress } from "../progress/progress.ts";
import { prepareDays } from "./load/day-partitions.ts";
import { BatchWriter, DEFAULT_BATCH_WRITER } from "./load/batch-writer.ts";
import { allowReaderPauses, extractServers, type Extract } from "./extract/extract.ts";
import { DEFAULT_REPLICA_WAIT } from "../replicas/replica-set.ts";
import { loadServers } from "./load/load.ts";
import { finishRunStatement, startRun, type RunKind } from "./load/runs.ts";
import { sweepStaleRows } from "./load/sweep.ts";
import type { WarehouseContext } from "./context.ts";
import { startPhase, stopwatch, type Stopwatch } from "./phase.ts";
import { refuseHistoryOverwrite } from "./past-day.ts";
import type { PuppetdbSource } from "../puppetdb/declare.ts";
import { startEnrichment, type Enrichment } from "../puppetdb/enrich.ts";
import type { PuppetdbFigures } from "../puppetdb/figures.ts";
import { plural } from "../words.ts";
import { unlessInterrupted } from "../cli/interrupt.ts";

export interface EtlOptions {
  /** The day the snapshot describes ('YYYY-MM-DD'). */
  reportDate: string;
  /** Servers per batch (one transaction, one replica wait). */
  batchSize: number;
  /** CPU cleanup and other transform settings. */
  transform: TransformOptions;
  /** Recorded in etl_runs.kind. */
  kind?: RunKind;
  /**
   * runEtl only: today ('YYYY-MM-DD'); a past reportDate whose snapshot is over a day old is then
   * refused (past-day.ts) unless `replacePastDay`.
   */
  today?: string;
  /** --replace-past-day: store tonight's fleet under a past day even over its old snapshot. */
  replacePastDay?: boolean;
  /** runEtl only: [puppetdb], read once into the declared PuppetDB columns (absent: none declared). */
  puppetdb?: PuppetdbSource;
}

export interface EtlSummary {
  runId: number;
  reportDate: string;
  extracted: number;
  loaded: number;
  roleRows: number;
  removed: number;
  duplicates: number;
  warnings: Warnings;
  /** Seconds per phase. */
  seconds: { load: number; sweep: number; total: number };
  replicaWaitS: number;
  retries: number;
  /** What the PuppetDB enrichment did (only with [puppetdb]). */
  puppetdb?: PuppetdbFigures;
}

async function* transformAll(rows: AsyncIterable<RawServerRow>, options: TransformOptions, enrichment?: Enrichment): AsyncIterable<TransformedServer> {
  if (!enrichment) {
    for await (const raw of rows) yield transformServer(raw, options);
    return;
  }
  // The first row waits until PuppetDB is read (or has failed); the source stream waits meanwhile.
  // A Ctrl-C does not wait for a slow PuppetDB: the run stops at once, nothing written yet.
  await unlessInterrupted(enrichment.ready);
  for await (const raw of rows) {
    const found: Warnings = {};
    enrichment.fill(raw, found);
    const server = transformServer(raw, options);
    addWarnings(server.warnings, found);
    yield server;
  }
}

/** Opens the rows of one day on the source (inside its own snapshot); the caller finishes it. */
export type OpenExtract = (source: Db, schema: string) => Promise<Extract>;

/** Tonight's snapshot: every Server as the source holds it now. */
export async function runEtl(ctx: WarehouseContext, options: EtlOptions, progress: Progress): Promise<EtlSummary> {
  // PuppetDB is read first, in the background: its answer overlaps the source's checks, the
  // etl_runs row and the snapshot's COUNT, and the first fact row waits for what is left of it.
  const enrichment = options.puppetdb ? startPuppetdb(options.puppetdb, progress) : undefined;
  try {
    // Under the run lock, so no other run changes the day between this read and the load.
    if (options.today !== undefined && !options.replacePastDay) await refuseHistoryOverwrite(ctx.target.db, options.reportDate, options.today);
    const extras = options.transform.extras;
    if (extras && ctx.source && ctx.sourceSchema) await checkExtrasAgainstSource(ctx.source, ctx.sourceSchema, extras);
    return await loadDay(ctx, options, (source, schema) => extractServers(source, { schema, extras }), progress, enrichment);
  } finally {
    enrichment?.close();
  }
}

/** The enrichment with its own progress phase ("puppetdb", in nodes). */
function startPuppetdb(source: PuppetdbSource, progress: Progress): Enrichment {
  const phase = startPhase(progress, "puppetdb", undefined, "nodes");
  let nodes = 0;
  const enrichment = startEnrichment(source, {
    onNodes: (n) => {
      nodes = n;
      if (n % 500 === 0) phase.progress(n);
    },
  });
  enrichment.ready.then(
    () => {
      phase.progress(nodes);
      const f = enrichment.figures();
      phase.end((s) => (f.up ? `${plural(f.nodes, "node")} read in ${s.toFixed(1)} s` : `not read (${f.failure?.reason}): the PuppetDB columns keep their defaults`));
    },
    () => phase.end("failed"),
  );
  return enrichment;
}

/** What a day's run has done so far: recorded in its etl_runs row whether it ends well or not. */
interface DayCounts {
  extracted: number;
  loaded: number;
  removed: number;
  warnings: Warnings;
}

/** One day's run: where it writes and what it is. */
interface DayRun {
  ctx: WarehouseContext & { source: Db; sourceSchema: string };
  writer: BatchWriter;
  runId: number;
  options: EtlOptions;
  counts: DayCounts;
  progress: Progress;
  enrichment?: Enrichment;
}

/**
 * One day as one unit, whatever the row source (tonight's state for `etl`, a past state for
 * `backfill`): an etl_runs row, then extract → transform → load, the sweep of the day's stale
 * rows, and the run closed as 'success' — or as 'failed' when anything throws.
 */
export async function loadDay(ctx: WarehouseContext, options: EtlOptions, open: OpenExtract, progress: Progress, enrichment?: Enrichment): Promise<EtlSummary> {
  const { source, sourceSchema } = ctx;
  if (!source || !sourceSchema) throw new EtlError("etl needs a source; pass --source");
  const total = stopwatch();
  const writer = new BatchWriter(ctx.target, ctx.replicas, progress, DEFAULT_BATCH_WRITER);
  const runId = await startRun(ctx.target.db, options.kind ?? "etl", options.reportDate);
  const counts: DayCounts = { extracted: 0, loaded: 0, removed: 0, warnings: {} };
  const run: DayRun = { ctx: { ...ctx, source, sourceSchema }, writer, runId, options, counts, progress, enrichment };
  let recorded = false;
  try {
    await prepareDays(writer, [options.reportDate]);
    const loaded = await extractAndLoad(run, open, total);
    const sweepS = await sweepDay(run);
    await writer.write([finishRunStatement(runId, "success", counts)]);
    // Committed: the day is complete. A failure from here on (the last replica wait, a stop
    // request) still fails the command, but must not turn the record into 'failed'.
    recorded = true;
    await writer.drain();
    return {
      runId,
      reportDate: options.reportDate,
      extracted: counts.extracted,
      loaded: counts.loaded,
      roleRows: loaded.roleRows,
      removed: counts.removed,
      duplicates: loaded.duplicates,
      warnings: counts.warnings,
      seconds: { load: loaded.seconds, sweep: sweepS, total: total() },
      replicaWaitS: writer.replicaWaitMs / 1000,
      retries: writer.retries,
      ...(loaded.puppetdb ? { puppetdb: loaded.puppetdb } : {}),
    };
  } catch (err) {
    if (recorded) throw err;
    // Best effort and without replica waits: the target or a replica may be what failed.
    const failed = finishRunStatement(runId, "failed", counts, err instanceof Error ? err.message : String(err));
    await ctx.target.db.execute(failed.sql, failed.params).catch(() => {});
    throw err;
  }
}

/**
 * Extract and load at the same time (the load is at most two batches behind): two phases. The
 * load is timed by `clock`, from the run's start, so its figure includes opening the extract.
 */
async function extractAndLoad(run: DayRun, open: OpenExtract, clock: Stopwatch): Promise<{ roleRows: number; duplicates: number; seconds: number; puppetdb?: PuppetdbFigures }> {
  const { ctx, writer, counts, options, progress, enrichment } = run;
  await allowReaderPauses(ctx.source, ctx.replicas?.size ? (ctx.replicas.timeoutS ?? DEFAULT_REPLICA_WAIT.timeoutS) : 0);
  const extract = await open(ctx.source, ctx.sourceSchema);
  const extracting = startPhase(progress, "extract", extract.total);
  const loading = startPhase(progress, "load", extract.total, undefined, clock);
  let result;
  try {
    const counted = (async function* () {
      for await (const row of extract.rows) {
        counts.extracted++;
        extracting.progress(counts.extracted);
        yield row;
      }
      extracting.end((s) => `${counts.extracted} servers read in ${s.toFixed(1)} s`);
    })();
    result = await loadServers(
      transformAll(counted, options.transform, enrichment),
      writer,
      ctx.target.db.caps,
      {
        reportDate: options.reportDate,
        runId: run.runId,
        batchSize: options.batchSize,
        extraColumns: options.transform.extras?.columns.map((c) => c.name),
        // What etl_runs records if the run stops part-way: the batches committed so far.
        onCommitted: (servers, warnings) => {
          counts.loaded += servers;
          addWarnings(counts.warnings, warnings);
        },
      },
      progress,
    );
  } finally {
    await extract.finish().catch(() => {});
  }
  await writer.drain();
  const { loaded, roleRows } = result;
  counts.loaded = loaded;
  counts.warnings = addWarnings({ ...result.warnings }, extract.warnings);
  if (extract.warnings && Object.keys(extract.warnings).length) progress.warnings(extract.warnings);
  // PuppetDB not read: one counted warning of the run (etl_runs, the summary, the metrics), beside the WARN line.
  const runWarnings = enrichment?.runWarnings() ?? {};
  if (Object.keys(runWarnings).length) {
    addWarnings(counts.warnings, runWarnings);
    progress.warnings(runWarnings);
  }
  const puppetdb = enrichment?.figures();
  if (puppetdb) progress.puppetdb(puppetdb);
  const seconds = loading.end((s) => `${loaded} servers, ${roleRows} role rows in ${s.toFixed(1)} s`);
  return { roleRows, duplicates: extract.duplicates, seconds, ...(puppetdb ? { puppetdb } : {}) };
}

/** Remove the day's rows this run did not write; returns the phase's seconds. */
async function sweepDay(run: DayRun): Promise<number> {
  const sweeping = startPhase(run.progress, "sweep");
  const removed = await sweepStaleRows(run.writer, {
    reportDate: run.options.reportDate,
    runId: run.runId,
    batchSize: run.options.batchSize,
    // Servers (fact rows), as etl_runs.rows_removed and the summary count them, like extracted and loaded.
    onRemoved: (r) => {
      run.counts.removed = r.facts;
      sweeping.progress(r.facts);
    },
  });
  await run.writer.drain();
  run.counts.removed = removed.facts;
  return sweeping.end(`${removed.facts} stale servers, ${removed.roles} stale role rows removed`);
}
