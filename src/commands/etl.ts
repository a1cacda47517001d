// `etl`: tonight's snapshot of every Server into server_facts and server_fact_roles.
import { defineCommand } from "citty";
import { connectionFlags, credentialArgs, dateArgs, globalArgs, sourceArgs, targetArgs, writeArgs } from "./_args.ts";
import { resolveConnections } from "../settings/connections.ts";
import { batchSizeFrom, puppetdbFrom, replicaWaitFrom, reportDateFrom, transformFrom } from "../settings/run-options.ts";
import { openWarehouse } from "../stages/context.ts";
import { runEtl } from "../stages/etl.ts";
import { reportSummary, runProgress, setReportDate, setTarget } from "../progress/session.ts";
import { onCleanup } from "../cli/cleanup.ts";
import { formatEtlSummary } from "../stages/etl-summary.ts";
import { checkWarehouseSchema, driftBeforeWriteError, layoutWarning } from "../stages/init.ts";
import { logger } from "../log.ts";

export default defineCommand({
  meta: {
    name: "etl",
    description:
      "Snapshot every Server of the ServerDB into the warehouse for one report date. " +
      "Reads the source in one consistent read-only snapshot (START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY); " +
      "writes server_facts and server_fact_roles in batches (LOAD DATA LOCAL INFILE … REPLACE where the warehouse has local_infile ON, " +
      "else multi-row REPLACE; one transaction per batch, waiting for every --replica after each), then deletes that day's rows the run did not write (servers gone since an earlier run that day), " +
      "and records the run in etl_runs. Other days are never touched. Safe to re-run: a rerun replaces the day. " +
      "A --report-date after today is refused (--allow-future-date), and so is a past day whose snapshot finished over a day ago (--replace-past-day). " +
      "With [puppetdb] in --config, PuppetDB is read once (in the background while the source opens) into the declared PuppetDB columns; " +
      "PuppetDB down, slow or answering junk leaves them at their defaults with one WARN line and warning puppetdb_<reason>=1 (exit 0: the snapshot is complete; a rerun of the day fills them in). " +
      "Takes the warehouse lock (exit 75 if another run holds it).",
  },
  args: { ...globalArgs, ...credentialArgs, ...sourceArgs, ...targetArgs, ...dateArgs, ...writeArgs },
  async run({ args, rawArgs }) {
    const conns = resolveConnections(connectionFlags(args, rawArgs));
    const { reportDate, today } = reportDateFrom(args, conns.config);
    setReportDate(reportDate);
    const batchSize = batchSizeFrom(args, conns.config);
    const replicaWait = replicaWaitFrom(args, conns.config);
    const transform = transformFrom(conns.config);
    const puppetdb = puppetdbFrom(conns.config, transform);
    const ctx = await openWarehouse(conns, { source: true, lock: true, replicas: true, replicaWait });
    setTarget(ctx.target.db.label);
    onCleanup(() => ctx.close());
    // A warehouse whose tables differ from this version's fails before anything is written
    // (exit 3), with the difference and where to find the fix, instead of half-way on a column.
    const drifts = await checkWarehouseSchema(ctx.target.db, transform.extras);
    const drift = driftBeforeWriteError(drifts);
    if (drift) throw drift;
    const layout = layoutWarning(drifts);
    if (layout) logger("etl").warn(layout);
    const replacePastDay = Boolean(args["replace-past-day"]);
    const summary = await runEtl(ctx, { reportDate, batchSize, transform, today, replacePastDay, puppetdb }, runProgress());
    reportSummary(formatEtlSummary(summary), { run_id: summary.runId });
  },
});
