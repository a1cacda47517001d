// `etl`: tonight's snapshot of every Server into server_facts and server_fact_roles.
import { defineCommand } from "citty";
import { connectionFlags, credentialArgs, dateArgs, globalArgs, sourceArgs, targetArgs, writeArgs } from "./_args.ts";
import { resolveConnections } from "../config.ts";
import { batchSizeFrom, replicaWaitFrom, reportDateFrom, transformFrom } from "../options.ts";
import { openWarehouse } from "../pipeline/context.ts";
import { runEtl } from "../pipeline/etl.ts";
import { logProgress } from "../progress/progress.ts";
import { onCleanup } from "../cleanup.ts";
import { formatEtlSummary } from "../pipeline/summary.ts";

export default defineCommand({
  meta: {
    name: "etl",
    description:
      "Snapshot every Server of the ServerDB into the warehouse for one report date. " +
      "Reads the source in one consistent read-only snapshot (START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY); " +
      "writes server_facts and server_fact_roles with batched REPLACE (one transaction per batch, waiting for every --replica " +
      "after each), then deletes that day's rows the run did not write (servers gone since an earlier run that day), " +
      "and records the run in etl_runs. Other days are never touched. Safe to re-run: a rerun replaces the day. " +
      "Takes the warehouse lock (exit 75 if another run holds it).",
  },
  args: { ...globalArgs, ...credentialArgs, ...sourceArgs, ...targetArgs, ...dateArgs, ...writeArgs },
  async run({ args, rawArgs }) {
    const conns = resolveConnections(connectionFlags(args, rawArgs));
    const { reportDate } = reportDateFrom(args, conns.config);
    const batchSize = batchSizeFrom(args, conns.config);
    const replicaWait = replicaWaitFrom(args, conns.config);
    const transform = transformFrom(conns.config);
    const ctx = await openWarehouse(conns, { source: true, lock: true, replicas: true, replicaWait });
    onCleanup(() => ctx.close());
    const summary = await runEtl(ctx, { reportDate, batchSize, transform }, logProgress());
    process.stdout.write(formatEtlSummary(summary) + "\n");
  },
});
