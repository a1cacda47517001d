// The backfill stage: past days rebuilt from ServerDB's change history. The days the retention
// policy keeps are built in passes of up to `daysPerPass` consecutive days, each pass one read of
// the history (backfill-pass.ts) and the same transform, load and sweep as `etl`; each day
// keeps its own etl_runs row of kind 'backfill', closed as 'success' only once it is complete,
// then its aggregates — so a day is idempotent and an interrupted backfill resumes with the
// days not finished.
import type { FactExtras } from "../extras/types.ts";
import { checkExtrasAgainstSource, historyColumnsOf } from "../extras/source-check.ts";
import { historyPassSql, type HistoryPassSql } from "../extras/history-sql.ts";
import { plural } from "../words.ts";
import { EtlError } from "../errors.ts";
import { throwIfInterrupted } from "../cli/interrupt.ts";
import { quoteIdent } from "../engine/ident.ts";
import { logger } from "../log.ts";
import type { Progress } from "../progress/progress.ts";
import { SQL } from "../sql.ts";
import type { TransformOptions, Warnings } from "../transform/types.ts";
import { addWarnings } from "../transform/warnings.ts";
import { aggregateDays } from "./aggregate.ts";
import { DENSE_AGGREGATE_TABLE_NAMES } from "./aggregate-tables.ts";
import { decideDays, keptDays, type DayRun, type SkippedDay } from "../plans/backfill-plan.ts";
import type { WarehouseContext } from "./context.ts";
import { dayEndUtc } from "../plans/day-end.ts";
import type { EtlSummary } from "./etl.ts";
import { loadPass } from "./backfill-pass.ts";
import { sourceSql } from "./extract/extract.ts";
import type { RetentionPolicy } from "../plans/retention.ts";
import { startPhase, stopwatch } from "./phase.ts";

export type { SkippedDay } from "../plans/backfill-plan.ts";

const log = logger("backfill");

/** Days per pass: see BENCHMARKS.md "backfill" for the measurement behind it. */
export const DEFAULT_DAYS_PER_PASS = 8;

export interface BackfillOptions {
  /** First day of the range ('YYYY-MM-DD'). */
  from: string;
  /** Last day of the range, included. */
  to: string;
  /** IANA zone whose midnights end the days (history_date is UTC). */
  timezone: string;
  /** Today in `timezone`: retention's days are those expire keeps as of today. */
  today: string;
  /** Only the days this policy keeps are built. */
  policy: RetentionPolicy;
  /** Build exactly these days of the range instead of the policy's (the demo samples a year this way). */
  days?: readonly string[];
  /** Rebuild days already backfilled, and overwrite days the nightly etl loaded. */
  force: boolean;
  /** Servers per batch (one transaction, one replica wait). */
  batchSize: number;
  /** Days built from one read of the history (default DEFAULT_DAYS_PER_PASS); a kill redoes at most this many. */
  daysPerPass?: number;
  /** CPU cleanup and other transform settings. */
  transform: TransformOptions;
}

export interface BackfilledDay {
  date: string;
  /** The instant the day's state is taken at: UTC 'YYYY-MM-DD HH:MM:SS', exclusive. */
  before: string;
  etl: EtlSummary;
}

export interface BackfillSummary {
  from: string;
  to: string;
  timezone: string;
  /** Days of the range the retention policy keeps, ascending. */
  kept: string[];
  /** Days built by this run, in order. */
  built: BackfilledDay[];
  /** Kept days not built, with the reason. */
  skipped: SkippedDay[];
  /** Days backfilled earlier whose aggregates were missing (a run cut short in between) and were rebuilt. */
  reaggregated: string[];
  /** Servers loaded over all days built. */
  loaded: number;
  /** Warnings summed over the days built (transform warnings and approximations). */
  warnings: Warnings;
  /** Declared columns ([[facts.columns]]) whose past values are today's (not in the history row): approximations. */
  declaredFromToday: string[];
  /** Declared PuppetDB columns: PuppetDB keeps no past facts, so every backfilled day holds their defaults. */
  puppetdbDefaults: string[];
  seconds: number;
}

async function dayRuns(ctx: WarehouseContext, from: string, to: string): Promise<DayRun[]> {
  return ctx.target.db.query<DayRun>(SQL.backfillDayRuns, [from, to]);
}

/** Days backfilled earlier (skipped as done now) that lack rows in some aggregate table. */
async function unaggregated(ctx: WarehouseContext, done: readonly string[], extras: FactExtras | undefined): Promise<string[]> {
  if (done.length === 0) return [];
  const [first, last] = [done[0]!, done[done.length - 1]!];
  let missing: string[] = [];
  // Declared aggregates have rows on every day with facts, like the dense built-in ones.
  for (const table of [...DENSE_AGGREGATE_TABLE_NAMES, ...(extras?.aggregates ?? []).map((a) => a.table)]) {
    const sql = SQL.backfillAggregatedDays.replaceAll("{table}", quoteIdent(table));
    const have = new Set((await ctx.target.db.query<{ report_date: string }>(sql, [first, last])).map((r) => String(r.report_date)));
    missing = [...new Set([...missing, ...done.filter((d) => !have.has(d))])];
  }
  return missing.sort();
}

/**
 * What the stages of one day report, folded into the backfill's display: the per-day phases
 * (extract, load, sweep, aggregate) would start and end 130 times, so only the load's count
 * passes, added to the rows of the days before as one "load" line for the whole backfill (rows/s,
 * ETA); replica waits and warnings pass as they are.
 */
function dayProgress(progress: Progress, rowsBefore: () => number): Progress {
  return {
    phaseStart() {},
    phaseEnd() {},
    phaseProgress(phase, done) {
      if (phase === "load") progress.phaseProgress("load", rowsBefore() + done);
    },
    replicaWait: (info) => progress.replicaWait(info),
    replicaWaitEnd: (ms) => progress.replicaWaitEnd(ms),
    warnings: (byColumn) => progress.warnings(byColumn),
    puppetdb: (figures) => progress.puppetdb(figures),
  };
}

function rate(n: number, seconds: number): string {
  return seconds > 0 ? Math.round(n / seconds).toLocaleString("en") : "–";
}

export async function runBackfill(ctx: WarehouseContext, options: BackfillOptions, progress: Progress): Promise<BackfillSummary> {
  if (!ctx.source || !ctx.sourceSchema) throw new EtlError("backfill needs a source; pass --source");
  const clock = stopwatch();
  const [{ newest }] = await ctx.target.db.query<{ newest: string | null }>(SQL.backfillNewestDay, [options.today]);
  const kept = options.days
    ? [...new Set(options.days)].filter((d) => d >= options.from && d <= options.to).sort()
    : keptDays(options.from, options.to, newest === null ? undefined : String(newest), options.policy, options.today);
  const plan = decideDays(kept, kept.length ? await dayRuns(ctx, kept[0]!, kept[kept.length - 1]!) : [], options.force);
  reportSkipped(plan.skipped);

  const summary: BackfillSummary = {
    from: options.from,
    to: options.to,
    timezone: options.timezone,
    kept,
    built: [],
    skipped: plan.skipped,
    reaggregated: [],
    loaded: 0,
    warnings: {},
    declaredFromToday: [],
    puppetdbDefaults: (options.transform.extras?.columns ?? []).filter((c) => c.origin.kind === "puppetdb").map((c) => c.name),
    seconds: 0,
  };
  // The pass's SELECT is the same for every pass: built (and the declared columns checked) once.
  const extras = options.transform.extras;
  let select: HistoryPassSql | undefined;
  if (extras?.columns.length) {
    await checkExtrasAgainstSource(ctx.source, ctx.sourceSchema, extras);
    select = historyPassSql(SQL.historyPassSelect, extras, await historyColumnsOf(ctx.source, ctx.sourceSchema));
    summary.declaredFromToday = select.fromToday;
    if (summary.declaredFromToday.length) log.info(`declared columns without history, so today's value on every past day (approximations): ${summary.declaredFromToday.join(", ")}`);
    if (summary.puppetdbDefaults.length) log.info(`PuppetDB keeps no past facts: ${summary.puppetdbDefaults.join(", ")} hold their defaults on every backfilled day`);
  }

  // A previous backfill that died between a day's load and its aggregation left that day done
  // but unaggregated: finish it first (cheap: a few statements per day).
  summary.reaggregated = await unaggregated(ctx, plan.skipped.filter((s) => s.because === "done").map((s) => s.date), options.transform.extras);
  for (const date of summary.reaggregated) await aggregateDays(ctx, { dates: { kind: "date", date }, extras: options.transform.extras }, dayProgress(progress, () => 0));
  if (summary.reaggregated.length) log.info(`aggregated ${summary.reaggregated.length} day(s) an earlier backfill had loaded but not aggregated`);

  // Progress estimate: today's fleet on every day.
  const [{ servers }] = await ctx.source.query<{ servers: number | string }>(sourceSql(SQL.factCount, ctx.sourceSchema));
  const estimate = Number(servers);
  const days = startPhase(progress, "backfill", plan.build.length, "days", clock);
  const rows = plan.build.length ? startPhase(progress, "load", plan.build.length * estimate) : undefined;
  const inner = dayProgress(progress, () => summary.loaded);
  const perPass = Math.max(1, Math.floor(options.daysPerPass ?? DEFAULT_DAYS_PER_PASS));
  for (let i = 0; i < plan.build.length; i += perPass) {
    throwIfInterrupted(); // between two passes: nothing of the next one is started
    const passClock = stopwatch();
    const block = plan.build.slice(i, i + perPass);
    for (const day of await backfillPass(ctx, options, block, inner, select)) {
      summary.built.push(day);
      summary.loaded += day.etl.loaded;
      addWarnings(summary.warnings, day.etl.warnings);
      log.info(
        `${day.date} (state before ${day.before} UTC) run ${day.etl.runId}: ${day.etl.loaded} servers, ${day.etl.removed} stale removed, ` +
          `${approximations(day.etl.warnings)}`,
      );
    }
    const last = summary.built[summary.built.length - 1]!;
    days.progress(summary.built.length, `last ${last.date}: ${last.etl.loaded} servers`);
    log.info(`${block.length} day(s) ${block[0]} … ${last.date} in ${passClock().toFixed(1)} s; ${summary.built.length}/${plan.build.length} days`);
  }
  summary.seconds = clock();
  rows?.end(`${summary.loaded} servers in ${plan.build.length} days`);
  days.end(`${summary.built.length} days, ${summary.loaded} rows at ${rate(summary.loaded, summary.seconds)} rows/s, ${summary.skipped.length} skipped`);
  return summary;
}

/** A block of past days in one pass (each day an etl_runs row of kind 'backfill'), then each day's aggregates. */
async function backfillPass(ctx: WarehouseContext, options: BackfillOptions, dates: string[], progress: Progress, select: HistoryPassSql | undefined): Promise<BackfilledDay[]> {
  const befores = dates.map((date) => dayEndUtc(date, options.timezone));
  const loaded = await loadPass(ctx, { dates, befores, batchSize: options.batchSize, transform: options.transform, select }, progress);
  for (const etl of loaded) {
    const aggregate = await aggregateDays(ctx, { dates: { kind: "date", date: etl.reportDate }, extras: options.transform.extras }, progress);
    if (aggregate.days.length !== 1) {
      throw new EtlError(`backfill ${etl.reportDate}: loaded (run ${etl.runId}) but not aggregated; rerun the same backfill to finish it`);
    }
  }
  return loaded.map((etl, i) => ({ date: dates[i]!, before: befores[i]!, etl }));
}

function approximations(w: Warnings): string {
  return `${w.backfill_approximation ?? 0} from current state, ${w.backfill_deleted_since ?? 0} deleted since`;
}

/** "2026-03-02", "2026-03-02, 2026-03-03" or the first five and a count. */
function listDays(days: readonly string[]): string {
  return days.length <= 5 ? days.join(", ") : `${days.slice(0, 5).join(", ")} and ${days.length - 5} more`;
}

function reportSkipped(skipped: readonly SkippedDay[]): void {
  const done = skipped.filter((s) => s.because === "done");
  if (done.length) log.info(`skipping ${done.length} day(s) already backfilled (${listDays(done.map((s) => s.date))}); --force rebuilds them`);
  for (const s of skipped.filter((s) => s.because === "etl")) log.warn(`not backfilling ${s.date}: ${s.reason}`);
}

/** The command's one line on stdout. */
export function formatBackfillSummary(s: BackfillSummary): string {
  const span = s.built.length === 0 ? "no day built" : `${plural(s.built.length, "day")} built (${s.built[0]!.date} … ${s.built[s.built.length - 1]!.date})`;
  const skipped = s.skipped.length
    ? `; skipped ${s.skipped.filter((k) => k.because === "done").length} already backfilled, ${s.skipped.filter((k) => k.because === "etl").length} loaded by etl`
    : "";
  const warnings = Object.entries(s.warnings)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([c, n]) => `${c}=${n}`)
    .join(",");
  return (
    `backfill ${s.from} … ${s.to} (${s.timezone}): ok, ${s.kept.length} days kept by retention, ${span}${skipped}; ` +
    `${s.loaded} rows, warnings ${warnings || "none"}` +
    (s.declaredFromToday.length ? `; today's values (no history) in ${s.declaredFromToday.join(", ")}` : "") +
    (s.puppetdbDefaults.length ? `; PuppetDB columns at their defaults (PuppetDB keeps no past facts): ${s.puppetdbDefaults.join(", ")}` : "") +
    `; ${s.seconds.toFixed(1)} s`
  );
}
