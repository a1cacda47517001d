// `demo` as a list of steps — generate a ServerDB with a year of history, create the warehouse,
// backfill that year, run the nightly job — then the example queries on the result. Each step reports one or more timed lines of what
// it did; adding a step is one more entry in DEMO_STEPS.
import { plural } from "../words.ts";
import type { Connections } from "../settings/connections.ts";
import { openDb } from "../engine/index.ts";
import { DEFAULT_REPLICA_WAIT } from "../replicas/replica-set.ts";
import { describeEndpoint, endpointFile, type Endpoint } from "../settings/dsn.ts";
import { generateServerDb } from "../generate/index.ts";
import { DEFAULT_BATCH_SIZE } from "../settings/run-options.ts";
import type { Progress } from "../progress/progress.ts";
import { DEFAULT_TRANSFORM_OPTIONS } from "../transform/index.ts";
import { openWarehouse } from "../stages/context.ts";
import { runExamples, type ExampleResult } from "./demo-queries.ts";
import { initWarehouse, schemaDriftError } from "../stages/init.ts";
import { DEFAULT_RETENTION } from "../plans/retention.ts";
import { RUN_STEPS, runNightly } from "../stages/nightly.ts";
import { runBackfill } from "../stages/backfill.ts";
import { stopwatch } from "../stages/phase.ts";
import { runStep } from "../stages/steps.ts";
import { addDays } from "../plans/report-date.ts";
import { demoExtras, writeDemoConfig, writeDemoReport } from "./demo-capacity.ts";

export interface DemoOptions {
  /** The ServerDB to create and fill (default: serverdb.sqlite in the demo's folder). */
  source: Endpoint;
  /** The warehouse to create and load (default: serverdb_dw.sqlite in the demo's folder). */
  target: Endpoint;
  /** Servers in the synthetic fleet. */
  servers: number;
  /** Generator seed. */
  seed: number;
  /** The day the snapshot describes, and the generator's end date ('YYYY-MM-DD'). */
  reportDate: string;
  /** Replace ServerDB data a previous demo left in the source. */
  force: boolean;
  /** Where the capacity report (HTML) goes. */
  reportHtml: string;
  /** The demo's config file (config.toml: [facts] declared columns, [report]), written by its init step. */
  config: string;
}

/** One line of "what happened". */
export interface StepLine {
  step: string;
  seconds: number;
  text: string;
}

export interface DemoStep {
  name: string;
  run(options: DemoOptions, progress: Progress): Promise<StepLine[]>;
}

export const DEMO_DEFAULTS = { servers: 5000, seed: 1 } as const;

/** Days of change history the demo generates and backfills (the year up to today). */
export const DEMO_HISTORY_DAYS = 365;
/** The demo backfills one day in this many. */
export const DEMO_SAMPLE_DAYS = 28;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const clock = stopwatch();
  const result = await fn();
  return [result, clock()];
}


/** An endpoint as the demo names it: a SQLite file by its path. */
export function where(ep: Endpoint): string {
  return endpointFile(ep) ?? describeEndpoint(ep);
}

const generateStep: DemoStep = {
  name: "generate",
  async run(o) {
    const result = await generateServerDb(o.source, {
      servers: o.servers,
      seed: o.seed,
      historyDays: DEMO_HISTORY_DAYS,
      endDate: o.reportDate,
      force: o.force,
      batchSize: 1000,
      // The tables a real ServerDB tends to have (rack rows and rooms, model power ratings, purchases): the config declares columns from them.
      siteExtras: true,
    });
    const text =
      `${result.servers} servers, ${result.switches} switches, ${result.filers} filers and ${result.otherAssets} other assets ` +
      `written to ${where(o.source)}, with realistic dirt (raw CPU strings, odd MACs, NULLs) and a year of change history ` +
      `(${result.historyRows} rows; ${result.deletedServers} more servers created and deleted again)`;
    return [{ step: "generate", seconds: result.seconds, text }];
  },
};

const initStep: DemoStep = {
  name: "init",
  async run(o) {
    writeDemoConfig(o.config);
    const [result, seconds] = await timed(async () => {
      const db = await openDb(o.target, { purpose: "target" });
      try {
        return await initWarehouse(db, { extras: demoExtras(o.config) });
      } finally {
        await db.close();
      }
    });
    const err = schemaDriftError(result.drifts, false);
    if (err) throw err;
    const text = result.created.length
      ? `created ${plural(result.created.length, "warehouse table")} in ${where(o.target)}: ${result.created.join(", ")}`
      : `every warehouse table of ${where(o.target)} already existed and matches this version`;
    return [{ step: "init", seconds, text }];
  },
};

/**
 * The year before today rebuilt from the generated history, as `serverdb-etl backfill` does it,
 * but only one day every four weeks (yesterday, 28 days before, …): enough to show a year of
 * growth, and it keeps the demo short (backfill builds ~130 days for a year by default; the
 * nightly job's retention keeps all of these sampled days).
 */
const backfillStep: DemoStep = {
  name: "backfill",
  async run(o, progress) {
    const conns: Connections = { source: o.source, target: o.target, replicas: [], config: {} };
    const ctx = await openWarehouse(conns, { source: true, lock: true, replicas: false, replicaWait: DEFAULT_REPLICA_WAIT });
    let summary;
    try {
      summary = await runBackfill(
        ctx,
        {
          from: addDays(o.reportDate, 1 - DEMO_HISTORY_DAYS),
          to: addDays(o.reportDate, -1),
          // The generator lays its history out in UTC days.
          timezone: "UTC",
          today: o.reportDate,
          policy: DEFAULT_RETENTION,
          days: Array.from({ length: Math.ceil(DEMO_HISTORY_DAYS / DEMO_SAMPLE_DAYS) }, (_, i) => addDays(o.reportDate, -1 - i * DEMO_SAMPLE_DAYS)),
          force: o.force,
          batchSize: DEFAULT_BATCH_SIZE,
          transform: { ...DEFAULT_TRANSFORM_OPTIONS, extras: demoExtras(o.config) },
        },
        progress,
      );
    } finally {
      await ctx.close();
    }
    const first = summary.built[0]?.etl.loaded ?? 0;
    const last = summary.built.at(-1)?.etl.loaded ?? 0;
    const approximated = summary.warnings.backfill_approximation ?? 0;
    const text =
      `${plural(summary.built.length, "past day")} rebuilt from the history, one every ${DEMO_SAMPLE_DAYS / 7} weeks from ` +
      `${summary.kept[0]} to ${summary.to}: ${first} servers on the first, ${last} on the last; ` +
      `${plural(approximated, "row")} taken from today's state for lack of history`;
    return [{ step: "backfill", seconds: summary.seconds, text }];
  },
};

/** The nightly job exactly as `serverdb-etl run` does it (one lock; init --check, etl, aggregate, expire). */
const nightlyStep: DemoStep = {
  name: "run",
  async run(o, progress) {
    const conns: Connections = { source: o.source, target: o.target, replicas: [], config: {} };
    const ctx = await openWarehouse(conns, { source: false, lock: true, replicas: false, replicaWait: DEFAULT_REPLICA_WAIT });
    let summary;
    try {
      summary = await runNightly(
        ctx,
        {
          source: o.source,
          reportDate: o.reportDate,
          // The demo's report date is today in UTC (commands/demo.ts).
          today: o.reportDate,
          timezone: "UTC",
          batchSize: DEFAULT_BATCH_SIZE,
          transform: { ...DEFAULT_TRANSFORM_OPTIONS, extras: demoExtras(o.config) },
          retention: DEFAULT_RETENTION,
        },
        progress,
      );
    } finally {
      await ctx.close();
    }
    const { etl, aggregate, expire } = summary;
    const warnings = Object.values(etl.warnings).reduce((a, b) => a + b, 0);
    const aggregateRows = Object.values(aggregate.rows).reduce((a, b) => a + b, 0);
    const text: Record<(typeof RUN_STEPS)[number], string> = {
      init: "init --check: the warehouse schema matches this version",
      etl:
        `etl run ${etl.runId}: ${etl.extracted} servers extracted, ${etl.loaded} fact rows and ${etl.roleRows} role rows ` +
        `loaded for ${etl.reportDate}; ${plural(warnings, "value")} cut to fit or unusable (per column in etl_runs.warnings)`,
      aggregate: `aggregate: ${aggregateRows} rows for ${aggregate.days.join(", ")} in ${plural(Object.keys(aggregate.rows).length, "aggregate table")}`,
      expire: expire
        ? `expire: ${plural(expire.daysDeleted.length, "day")} deleted, ${plural(expire.decisions.length - expire.daysDeleted.length, "day")} of facts kept (retention: ${DEFAULT_RETENTION.keepDaily} days daily, then weekly)`
        : "expire: skipped",
    };
    return RUN_STEPS.filter((s) => summary.seconds[s] !== undefined).map((s) => ({ step: `run: ${s}`, seconds: summary.seconds[s]!, text: text[s] }));
  },
};

/** The capacity report of the filled warehouse, as one HTML file (demo-capacity.ts). */
const reportStep: DemoStep = {
  name: "report",
  async run(o) {
    const [report, seconds] = await timed(() => writeDemoReport(o.target, o.config, o.reportHtml));
    const count = (dim: string) => new Set(report.fleet.filter((f) => f.dimension === dim).map((f) => f.key)).size;
    const forecasts = report.backtest.filter((b) => b.mase !== null || b.model !== null).length;
    const text =
      `capacity report of ${plural(count("team"), "team")}, ${plural(count("site"), "site")} and ${plural(count("model"), "model")}, ` +
      `${report.oldest_day} to ${report.newest_day}, ${plural(forecasts, "forecast")} ${report.weeks} weeks ahead: ${o.reportHtml}`;
    return [{ step: "report", seconds, text }];
  },
};

/** The steps, in order. */
export const DEMO_STEPS: readonly DemoStep[] = [generateStep, initStep, backfillStep, nightlyStep, reportStep];

export interface DemoResult {
  lines: StepLine[];
  examples: ExampleResult[];
  seconds: number;
}

/**
 * Run every step, then the example queries. `onLine` sees each line as its step ends (the
 * command prints them as they come, so a slow or failing step shows how far the demo got).
 */
export async function runDemo(options: DemoOptions, progress: Progress, onLine: (line: StepLine) => void = () => {}): Promise<DemoResult> {
  const clock = stopwatch();
  const lines: StepLine[] = [];
  for (const step of DEMO_STEPS) {
    const { result: produced } = await runStep(step.name, () => step.run(options, progress));
    for (const line of produced) {
      lines.push(line);
      onLine(line);
    }
  }
  const db = await openDb(options.target, { purpose: "inspect" });
  let examples: ExampleResult[];
  try {
    examples = await runExamples(db);
  } finally {
    await db.close();
  }
  return { lines, examples, seconds: clock() };
}
