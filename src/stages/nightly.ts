// The nightly job: init --check → etl → aggregate (the etl's day) → expire, composed on one
// warehouse context (one lock, taken by the caller). Stops at the first failure; the error keeps
// its class (and so its exit code) and its message is prefixed `step <name>: `.
import type { FactExtras } from "../extras/declare.ts";
import { plural } from "../words.ts";
import type { Endpoint } from "../settings/dsn.ts";
import { engineFor, engineOf, openDb } from "../engine/index.ts";
import type { Progress } from "../progress/progress.ts";
import { renderMigration } from "../warehouse/schema-migration.ts";
import type { TransformOptions } from "../transform/types.ts";
import { aggregateDays, aggregateShortfall, formatAggregateSummary, type AggregateSummary, type DateSelection } from "./aggregate.ts";
import type { WarehouseContext } from "./context.ts";
import { runEtl, type EtlSummary } from "./etl.ts";
import { expireFacts, formatExpireSummary, type ExpireSummary, type RetentionPolicy } from "./expire.ts";
import { checkWarehouseSchema, layoutWarning, schemaDriftError } from "./init.ts";
import { formatEtlSummary } from "./etl-summary.ts";
import { stopwatch } from "./phase.ts";
import { logger } from "../log.ts";
import { runStep } from "./steps.ts";
import type { DeleteLimit } from "../plans/delete-guard.ts";
import type { PuppetdbSource } from "../puppetdb/declare.ts";

/** The steps, in the order they run. */
export const RUN_STEPS = ["init", "etl", "aggregate", "expire"] as const;
export type RunStep = (typeof RUN_STEPS)[number];

export interface RunOptions {
  /** ServerDB to read. Connected at the etl step (not before), so a source that is down fails `step etl`. */
  source: Endpoint;
  /** The day the snapshot describes ('YYYY-MM-DD'); aggregated, and protected from expiry. */
  reportDate: string;
  /** Today ('YYYY-MM-DD' in `timezone`): expire keeps every day after it and the daily window up to it. */
  today: string;
  /** The IANA zone of `today` and the report date (named in messages). */
  timezone: string;
  /** Store the fleet under a past report date even over a snapshot older than a day (etl's --replace-past-day). */
  replacePastDay?: boolean;
  /** Servers per batch (etl) and rows per delete batch (expire). */
  batchSize: number;
  /** CPU cleanup and other transform settings (etl). */
  transform: TransformOptions;
  /** [puppetdb]: read once by the etl step into the declared PuppetDB columns. */
  puppetdb?: PuppetdbSource;
  /** Retention (expire). */
  retention: RetentionPolicy;
  /** expire's large-delete guard (default: 10% of the days, one day always allowed). */
  deleteLimit?: DeleteLimit;
  /** Skip the expire step (default false): keep every day's facts tonight. */
  skipExpire?: boolean;
  /**
   * Called once per finished step with its one-line result (and once with the migration
   * script when the schema check fails). The command prints these to stdout as they come,
   * so the journal shows how far a run got even when a later step fails.
   */
  report?: (step: RunStep, text: string) => void;
}

export interface RunSummary {
  reportDate: string;
  etl: EtlSummary;
  aggregate: AggregateSummary;
  /** Undefined with skipExpire. */
  expire?: ExpireSummary;
  /** Seconds per step that ran, and in all. */
  seconds: Partial<Record<RunStep, number>> & { total: number };
}

const log = logger("run");

type Report = NonNullable<RunOptions["report"]>;

/** Run the steps in order on `ctx` (which must hold the run lock; no step takes it again). */
export async function runNightly(ctx: WarehouseContext, options: RunOptions, progress: Progress): Promise<RunSummary> {
  const total = stopwatch();
  const seconds: RunSummary["seconds"] = { total: 0 };
  const report: Report = options.report ?? (() => {});
  const step = async <T>(name: RunStep, fn: () => Promise<T>, line: (result: T) => string): Promise<T> => {
    const { result, seconds: s } = await runStep(name, fn);
    seconds[name] = s;
    report(name, line(result));
    return result;
  };

  await step("init", () => checkSchema(ctx, report, options.transform.extras), formatSchemaCheck);
  const etl = await step("etl", () => snapshot(ctx, options, progress), formatEtlSummary);
  const aggregate = await step("aggregate", () => aggregateTonight(ctx, options.reportDate, report, progress, options.transform.extras), formatAggregateSummary);
  const expire = options.skipExpire
    ? undefined
    : await step("expire", () => expireOld(ctx, options, progress), (summary) => formatExpireSummary(summary, false));
  seconds.total = total();
  return { reportDate: options.reportDate, etl, aggregate, expire, seconds };
}

/** init --check: the number of cosmetic differences, or the drift error with the ALTERs printed. */
async function checkSchema(ctx: WarehouseContext, report: Report, extras: FactExtras | undefined): Promise<number> {
  const drifts = await checkWarehouseSchema(ctx.target.db, extras);
  // An older layout slows the night but changes no result: a warning, not a stop.
  const err = schemaDriftError(drifts.filter((d) => !d.layout), true);
  const layout = layoutWarning(drifts);
  if (layout) log.warn(layout);
  // The error points at the ALTERs "printed on stdout": print them, as `init --check` would.
  if (err) {
    report("init", renderMigration(drifts, ctx.target.db.label, engineOf(ctx.target.db).catalog.applyHint).trimEnd());
    throw err;
  }
  return drifts.length;
}

function formatSchemaCheck(notes: number): string {
  return `init --check: ok, the warehouse schema matches${notes ? ` (${plural(notes, "cosmetic difference")}; see serverdb-etl init --check)` : ""}`;
}

/** The etl, on a source connected only now, so that a source that is down fails `step etl`. */
async function snapshot(ctx: WarehouseContext, options: RunOptions, progress: Progress): Promise<EtlSummary> {
  const source = await openDb(options.source, { purpose: "source" });
  try {
    const sourceSchema = engineFor(options.source).schemaOf(options.source);
    return await runEtl(
      { ...ctx, source, sourceSchema },
      {
        reportDate: options.reportDate,
        batchSize: options.batchSize,
        transform: options.transform,
        today: options.today,
        replacePastDay: options.replacePastDay,
        puppetdb: options.puppetdb,
      },
      progress,
    );
  } finally {
    await source.close().catch(() => {});
  }
}

/** The day the etl just loaded must aggregate; if it did not (no facts: an empty fleet), say so. */
async function aggregateTonight(ctx: WarehouseContext, reportDate: string, report: Report, progress: Progress, extras: FactExtras | undefined): Promise<AggregateSummary> {
  const dates: DateSelection = { kind: "date", date: reportDate };
  const summary = await aggregateDays(ctx, { dates, extras }, progress);
  const err = aggregateShortfall(dates, summary);
  if (err) {
    report("aggregate", formatAggregateSummary(summary));
    throw err;
  }
  return summary;
}

/** Retention on the facts; tonight's day is protected whatever the policy says. */
function expireOld(ctx: WarehouseContext, options: RunOptions, progress: Progress): Promise<ExpireSummary> {
  return expireFacts(
    ctx,
    {
      policy: options.retention,
      dryRun: false,
      includeAggregates: false,
      protect: [options.reportDate],
      batchSize: options.batchSize,
      today: options.today,
      timezone: options.timezone,
      limit: options.deleteLimit,
    },
    progress,
  );
}

/** The run's last line: what the night did in all. */
export function formatRun(s: RunSummary): string {
  const per = RUN_STEPS.filter((n) => s.seconds[n] !== undefined)
    .map((n) => `${n} ${s.seconds[n]!.toFixed(1)} s`)
    .join(", ");
  // The night's figures in one line (issue 5): rows, warnings by column, time per step, replica wait.
  const warnings =
    Object.entries(s.etl.warnings)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([c, n]) => `${c}=${n}`)
      .join(",") || "none";
  const replicaWaitS = s.etl.replicaWaitS + (s.aggregate.replicaWaitS ?? 0) + (s.expire?.replicaWaitS ?? 0);
  return (
    `run ${s.reportDate}: ok, ${s.etl.loaded} servers loaded (etl run ${s.etl.runId}; ${s.etl.extracted} extracted, ` +
    `${s.etl.removed} stale removed, warnings ${warnings}), ` +
    `${plural(s.aggregate.days.length, "day")} aggregated, ` +
    (s.expire
      ? `${plural(s.expire.daysDeleted.length, "day")} expired (${s.expire.factsRemoved} fact rows)`
      : "expire skipped") +
    `; ${per}; replica wait ${replicaWaitS.toFixed(1)} s; total ${s.seconds.total.toFixed(1)} s`
  );
}
