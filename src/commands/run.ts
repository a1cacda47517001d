// `serverdb-etl run`: the nightly job the systemd timer starts (glue only; the steps are composed
// in stages/nightly.ts). One process, one set of connections, one run lock for every step.
import { defineCommand } from "citty";
import { connectionFlags, credentialArgs, dateArgs, deleteGuardArgs, globalArgs, retentionArgs, sourceArgs, targetArgs, writeArgs } from "./_args.ts";
import { requireEndpoint, resolveConnections } from "../settings/connections.ts";
import { batchSizeFrom, deleteLimitFrom, puppetdbFrom, replicaWaitFrom, reportDateFrom, retentionFrom, transformFrom } from "../settings/run-options.ts";
import { openWarehouse } from "../stages/context.ts";
import { formatRun, runNightly } from "../stages/nightly.ts";
import { reportLine, reportSummary, runProgress, setReportDate, setTarget } from "../progress/session.ts";
import { onCleanup } from "../cli/cleanup.ts";

export default defineCommand({
  meta: {
    name: "run",
    description:
      "The nightly job, and what the systemd timer (contrib/systemd/serverdb-etl.timer) runs. Connects to the warehouse " +
      "and its replicas, takes the warehouse lock (exit 75 at once if another run holds it) and keeps it for every step, " +
      "then runs in order, stopping at the first failure: " +
      "(1) init --check: compare the warehouse tables with this version's schema, write nothing; on drift print the ALTER " +
      "script on stdout and stop (exit 3) before anything is written; " +
      "(2) etl: snapshot the ServerDB (--source) into server_facts and server_fact_roles for the report date (replaces that day); " +
      "(3) aggregate: rebuild the server_by_* rows of that day only; " +
      "(4) expire: delete the facts and role rows of days the retention policy no longer keeps (--keep-daily, --keep-weekday; " +
      "never the report date, a day after today or a day of the daily window; aggregates are kept; more than --max-delete-share " +
      "of the days needs --allow-large-delete). " +
      "Each step prints one summary line on stdout as it ends, then a final line. A failure is one line on stderr that starts " +
      "with `step <name>:`; the exit code is that step's (0 all done, 1 failure, 2 usage or config, 3 schema drift, 75 lock held). " +
      "The etl step is recorded in etl_runs ('success' or 'failed'). A failing step leaves the other days as they were (only expire deletes, and only " +
      "what retention lets go). Safe to re-run: a rerun replaces the report date's facts and aggregates.",
  },
  args: {
    ...globalArgs,
    ...credentialArgs,
    ...sourceArgs,
    ...targetArgs,
    ...dateArgs,
    ...writeArgs,
    ...retentionArgs,
    ...deleteGuardArgs,
    "skip-expire": {
      type: "boolean",
      description: "Run init --check, etl and aggregate but not expire: tonight no day's facts are deleted",
    },
  },
  async run({ args, rawArgs }) {
    const conns = resolveConnections(connectionFlags(args, rawArgs));
    // Every option is validated before anything connects, so a typo never costs a lock or a half run.
    const source = requireEndpoint(conns, "source");
    const { reportDate, today, timezone } = reportDateFrom(args, conns.config);
    setReportDate(reportDate);
    const batchSize = batchSizeFrom(args, conns.config);
    const replicaWait = replicaWaitFrom(args, conns.config);
    const transform = transformFrom(conns.config);
    const puppetdb = puppetdbFrom(conns.config, transform);
    const retention = retentionFrom(args, conns.config);
    const deleteLimit = deleteLimitFrom(args, conns.config);
    // The source is not opened here: the etl step connects to it, so a source that is down is reported as `step etl`.
    const ctx = await openWarehouse(conns, { source: false, lock: true, replicas: true, replicaWait });
    setTarget(ctx.target.db.label);
    onCleanup(() => ctx.close());
    const summary = await runNightly(
      ctx,
      {
        source,
        reportDate,
        today,
        timezone,
        replacePastDay: Boolean(args["replace-past-day"]),
        batchSize,
        transform,
        puppetdb,
        retention,
        deleteLimit,
        skipExpire: Boolean(args["skip-expire"]),
        report: (step, text) => reportLine(text, { step }),
      },
      runProgress(),
    );
    reportSummary(formatRun(summary), { run_id: summary.etl.runId });
  },
});
