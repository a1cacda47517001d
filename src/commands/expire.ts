// `expire`: apply the retention policy (docs/data-contract.md "Retention") to the warehouse's facts.
// Glue only; the plan is plans/retention.ts, the deletes stages/expire.ts.
import { factExtrasFrom } from "../extras/declare.ts";
import { defineCommand } from "citty";
import { connectionFlags, credentialArgs, deleteGuardArgs, globalArgs, retentionArgs, targetArgs, timezoneArgs, writeArgs } from "./_args.ts";
import { resolveConnections } from "../settings/connections.ts";
import { batchSizeFrom, deleteLimitFrom, replicaWaitFrom, retentionFrom, todayFrom } from "../settings/run-options.ts";
import { openWarehouse } from "../stages/context.ts";
import { expireFacts, formatExpireSummary, formatRetentionTable } from "../stages/expire.ts";
import { reportSummary, runProgress, setTarget } from "../progress/session.ts";
import { onCleanup } from "../cli/cleanup.ts";

export default defineCommand({
  meta: {
    name: "expire",
    description:
      "Delete the server_facts and server_fact_roles rows of the days the retention policy no longer keeps. " +
      "Kept: every day of the last --keep-daily days counted back from the newest report date present that is not after " +
      "today (in --timezone), and for older weeks one snapshot per ISO week (the --keep-weekday, or the week's earliest day " +
      "present when that day is missing). A day after today is never deleted (and is reported), nor is a day of the daily window " +
      "counted from today. A run that would delete more than --max-delete-share (10%) of the days present, and more than one day, " +
      "deletes nothing and says what it would have deleted, unless --allow-large-delete. Reads the distinct report dates (index only), then deletes day by day in id-range " +
      "batches of --batch-size rows, each its own short transaction followed by a wait for every --replica, so a first " +
      "expire over years of history neither lags the replicas nor builds a large transaction. The server_by_* aggregates " +
      "keep every day unless --include-aggregates. --dry-run prints each day with keep/delete and the reason and changes " +
      "nothing (no lock, no replica connection). Takes the warehouse lock (exit 75 if another run holds it). Safe to " +
      "re-run and to interrupt: a day cut short is finished by the next expire.",
  },
  args: {
    ...globalArgs,
    ...credentialArgs,
    ...targetArgs,
    ...writeArgs,
    "batch-size": {
      ...writeArgs["batch-size"],
      description: "Rows per DELETE: one transaction and one replica wait (default 1000; config [etl] batch_size)",
    },
    ...retentionArgs,
    ...deleteGuardArgs,
    ...timezoneArgs,
    "dry-run": {
      type: "boolean",
      description:
        "Print every day present with keep/delete and why (daily, weekly: monday, weekly: earliest in week …, after today, expired), " +
        "and the rows that would go; change nothing",
    },
    "include-aggregates": {
      type: "boolean",
      description: "Also delete the server_by_* rows of the days whose facts are deleted in this run (default: aggregates are kept for ever)",
    },
  },
  async run({ args, rawArgs }) {
    const conns = resolveConnections(connectionFlags(args, rawArgs));
    const policy = retentionFrom(args, conns.config);
    const limit = deleteLimitFrom(args, conns.config);
    const { today, timezone } = todayFrom(args, conns.config);
    const batchSize = batchSizeFrom(args, conns.config);
    const replicaWait = replicaWaitFrom(args, conns.config);
    const dryRun = Boolean(args["dry-run"]);
    // A dry run only reads: it neither waits for the nightly run's lock nor for replicas.
    const ctx = await openWarehouse(conns, { source: false, lock: !dryRun, replicas: !dryRun, replicaWait });
    setTarget(ctx.target.db.label);
    onCleanup(() => ctx.close());
    const summary = await expireFacts(
      ctx,
      { policy, dryRun, includeAggregates: Boolean(args["include-aggregates"]), extras: factExtrasFrom(conns.config), protect: [], batchSize, today, timezone, limit },
      runProgress(),
    );
    if (dryRun) process.stdout.write(formatRetentionTable(summary.decisions) + "\n");
    reportSummary(formatExpireSummary(summary, dryRun), { dry_run: dryRun, days_deleted: summary.daysDeleted.length });
  },
});
