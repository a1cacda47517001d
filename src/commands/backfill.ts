// `backfill`: rebuild past days from ServerDB's change history (glue only; the work is in
// stages/backfill.ts, the day choice in plans/backfill-plan.ts).
import { checkWarehouseSchema, driftBeforeWriteError } from "../stages/init.ts";
import { defineCommand } from "citty";
import { connectionFlags, credentialArgs, globalArgs, retentionArgs, sourceArgs, targetArgs, writeArgs } from "./_args.ts";
import { resolveConnections } from "../settings/connections.ts";
import { backfillRangeFrom, batchSizeFrom, positiveNumber, replicaWaitFrom, retentionFrom, transformFrom } from "../settings/run-options.ts";
import { openWarehouse } from "../stages/context.ts";
import { DEFAULT_DAYS_PER_PASS, formatBackfillSummary, runBackfill } from "../stages/backfill.ts";
import { reportSummary, runProgress, setTarget } from "../progress/session.ts";
import { onCleanup } from "../cli/cleanup.ts";

/** What a backfilled day cannot know, in the words --help and the README use. */
export const BACKFILL_APPROXIMATIONS = [
  "roles and their teams are today's (servers_server_role is a many-to-many; the history does not record it), and servers deleted since have none",
  "the names behind the ids a history row holds are today's: site short name, region and zone, rack name, CPU version/cores/threads, model and manufacturer",
  "asset_type and delivery_date are today's (servers_deliveryasset is not part of the history); servers deleted since have none",
  "a server with no history row by that day but created by then (bulk_create, rows from before history tracking) is taken as it is today; counted as warning backfill_approximation",
  "changes made with QuerySet.update() left no history: the day shows the last saved version",
  "servers that were bulk-created and deleted again left no trace and are missing",
];

export default defineCommand({
  meta: {
    name: "backfill",
    description:
      "Rebuild past days of server_facts and server_fact_roles from ServerDB's change history (servers_historicalserver, " +
      "django-simple-history), as if etl had run every night. A day's snapshot is the fleet at the end of that day in " +
      "--timezone: per server its latest history row before the next local midnight (converted to UTC, as history_date is " +
      "stored), ties broken by history_id; servers whose latest row is a deletion are absent. Only the days retention keeps " +
      "are built (every day of the last --keep-daily, one per ISO week before that), each one as one etl_runs row of kind " +
      "'backfill' through the same batched REPLACE, replica waits and stale-row sweep as etl, followed by that day's " +
      "server_by_* aggregates. Reads the history once per pass of up to --days-per-pass consecutive days, each pass in one read-only snapshot. Safe to re-run and to interrupt: days " +
      "already backfilled are skipped (--force rebuilds them), an interrupted day is redone, and a day the nightly etl " +
      "loaded is never overwritten unless --force. Takes the warehouse lock once for the whole backfill (exit 75 if another " +
      "run holds it). Approximations, because the history records only a Server's own fields: " +
      BACKFILL_APPROXIMATIONS.map((a, i) => `(${i + 1}) ${a}`).join("; ") +
      ".",
  },
  args: {
    ...globalArgs,
    ...credentialArgs,
    ...sourceArgs,
    ...targetArgs,
    from: {
      type: "string",
      description: "First day to rebuild, YYYY-MM-DD (required)",
      valueHint: "DATE",
    },
    to: {
      type: "string",
      description: "Last day to rebuild, YYYY-MM-DD (default: yesterday in --timezone; today at most)",
      valueHint: "DATE",
    },
    timezone: {
      type: "string",
      description: "IANA time zone whose midnights end the days (default: the host's; config [etl] timezone)",
      valueHint: "TZ",
    },
    ...retentionArgs,
    "keep-daily": {
      ...retentionArgs["keep-daily"],
      description:
        "Build every day of the last N days, counted back from --to (or from the newest day already in the warehouse when later, " +
        "a day after today not counted), " +
        "and one day per ISO week before that, as expire would keep them (default 90; config [expire] keep_daily)",
    },
    force: {
      type: "boolean",
      description: "Also rebuild days already backfilled, and overwrite days the nightly etl loaded",
    },
    "days-per-pass": {
      type: "string",
      description: `Days rebuilt from one read of the history (default ${DEFAULT_DAYS_PER_PASS}); a pass cut short is redone whole by the rerun`,
      valueHint: "N",
    },
    ...writeArgs,
  },
  async run({ args, rawArgs }) {
    const conns = resolveConnections(connectionFlags(args, rawArgs));
    const range = backfillRangeFrom(args, conns.config);
    const policy = retentionFrom(args, conns.config);
    const batchSize = batchSizeFrom(args, conns.config);
    const replicaWait = replicaWaitFrom(args, conns.config);
    const transform = transformFrom(conns.config);
    const ctx = await openWarehouse(conns, { source: true, lock: true, replicas: true, replicaWait });
    setTarget(ctx.target.db.label);
    onCleanup(() => ctx.close());
    const daysPerPass = positiveNumber(args["days-per-pass"], "--days-per-pass", DEFAULT_DAYS_PER_PASS);
    // As etl: a warehouse whose tables differ (a declared column not added yet) fails before any write.
    const drift = driftBeforeWriteError(await checkWarehouseSchema(ctx.target.db, transform.extras));
    if (drift) throw drift;
    const summary = await runBackfill(ctx, { ...range, policy, force: Boolean(args.force), batchSize, daysPerPass, transform }, runProgress());
    reportSummary(formatBackfillSummary(summary), { days_built: summary.built.length, days_skipped: summary.skipped.length });
  },
});
