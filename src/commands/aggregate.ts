// `aggregate`: rebuild the server_by_* tables of the selected days from server_facts (glue
// only; the work is in stages/aggregate.ts).
import { factExtrasFrom } from "../extras/declare.ts";
import { defineCommand } from "citty";
import { connectionFlags, credentialArgs, globalArgs, targetArgs, timezoneArgs, writeArgs } from "./_args.ts";
import { resolveConnections } from "../settings/connections.ts";
import { replicaWaitFrom, todayFrom } from "../settings/run-options.ts";
import { openWarehouse } from "../stages/context.ts";
import { aggregateDays, aggregateShortfall, formatAggregateSummary } from "../stages/aggregate.ts";
import { parseDateSelection, refuseFutureSelection } from "../plans/aggregate-days.ts";
import { AGGREGATE_TABLE_NAMES, selectAggregateTables } from "../stages/aggregate-tables.ts";
import { reportSummary, runProgress, setTarget } from "../progress/session.ts";
import { onCleanup } from "../cli/cleanup.ts";

export default defineCommand({
  meta: {
    name: "aggregate",
    description:
      `Rebuild the aggregate tables (${AGGREGATE_TABLE_NAMES.join(", ")}) for the selected report dates from ` +
      "server_facts (and server_fact_roles for puppet services). Default: the day of the newest successful etl run. " +
      "Reads one day of facts at a time through the report_date index, so the cost depends on the days aggregated, " +
      "not on how much history the warehouse holds. Per table and day, one short transaction deletes that day's rows " +
      "and inserts them again (INSERT … SELECT … GROUP BY), then waits for every --replica; other days are never " +
      "touched. Idempotent and safe to re-run at any time. A day is built only when its newest etl run succeeded; a day " +
      "without facts (expired or never loaded) keeps the aggregates it has, and is reported: --date fails (exit 1) " +
      "when its day was not built, a range only when none of its days was, --all never. A --date, --from or --to after today " +
      "(in --timezone) is refused unless --allow-future-date. " +
      "Needs SELECT on server_facts, server_fact_roles and etl_runs, and SELECT, INSERT, DELETE on the server_by_* tables. " +
      "Takes the warehouse lock (exit 75 if another run holds it). Prints one summary line.",
  },
  args: {
    ...globalArgs,
    ...credentialArgs,
    ...targetArgs,
    date: {
      type: "string",
      description: "Aggregate this report date only (default: the day of the newest successful etl run)",
      valueHint: "YYYY-MM-DD",
    },
    from: {
      type: "string",
      description: "First day of a range to aggregate (with --to; days without facts are listed, not fatal)",
      valueHint: "YYYY-MM-DD",
    },
    to: {
      type: "string",
      description: "Last day of the range, included (with --from)",
      valueHint: "YYYY-MM-DD",
    },
    all: {
      type: "boolean",
      description: "Aggregate every report date that has facts; aggregates of expired days are kept, never deleted",
    },
    ...timezoneArgs,
    "allow-future-date": {
      type: "boolean",
      description: "Accept a --date, --from or --to after today (refused by default: a year typo)",
    },
    only: {
      type: "string",
      description: `Build only these tables, comma-separated (default all: ${AGGREGATE_TABLE_NAMES.join(",")})`,
      valueHint: "TABLES",
    },
    "replica-timeout": writeArgs["replica-timeout"],
    "max-lag": writeArgs["max-lag"],
  },
  async run({ args, rawArgs }) {
    const parsed = parseDateSelection({ date: args.date, from: args.from, to: args.to, all: args.all });
    const only = typeof args.only === "string" ? args.only.split(",") : undefined;
    const conns = resolveConnections(connectionFlags(args, rawArgs));
    const extras = factExtrasFrom(conns.config);
    selectAggregateTables(only, extras); // a bad --only is a usage error before anything connects
    const { today, timezone } = todayFrom(args, conns.config);
    const dates = args["allow-future-date"] ? parsed : refuseFutureSelection(parsed, today, timezone);
    const replicaWait = replicaWaitFrom(args, conns.config);
    const ctx = await openWarehouse(conns, { source: false, lock: true, replicas: true, replicaWait });
    setTarget(ctx.target.db.label);
    onCleanup(() => ctx.close());
    const summary = await aggregateDays(ctx, { dates, only, extras }, runProgress());
    reportSummary(formatAggregateSummary(summary), { days: summary.days, missing: summary.missing, aggregate_rows: summary.rows });
    const failure = aggregateShortfall(dates, summary);
    if (failure) throw failure;
  },
});
