// Benchmark of `serverdb-etl etl` against its yardstick (issue 3): the same join written by the
// server itself (bench/reference.sql, INSERT … SELECT, no client) plus the time until the
// replica has applied it. Both run on a throwaway MariaDB primary + GTID replica (the test
// bed's startPair, datadirs on disk by default), source database on the primary.
// Usage: bun run bench/etl.ts [--servers 100000,400000] [--runs 2] [--datadir-parent DIR] [--batch-size N]
//        [--load-path load-data|replace]   (replace: SET GLOBAL local_infile=OFF, so etl falls back to REPLACE … VALUES)
//        [--same-day]   every run the same report date, the source's last_edit moved 1 s before each rerun
//                       (REPLACE over that day's existing rows: delete + insert of every row, then the sweep)
// Each etl run uses a new report date (the nightly case), so every row is written; --same-day
// reruns one date with changed values instead (an identical REPLACE would write nothing).
// Prints a markdown table (the one in BENCHMARKS.md).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { quoteIdent } from "../src/engine/ident.ts";
import { addDays } from "../src/plans/report-date.ts";
import { startPair, type Pair } from "../test/support/pair.ts";
import { connect, dsn } from "../test/support/servers.ts";
import { cli } from "./support.ts";

const { values: opts } = parseArgs({
  options: {
    servers: { type: "string", default: "100000" },
    runs: { type: "string", default: "2" },
    "datadir-parent": { type: "string", default: "/var/tmp" },
    "batch-size": { type: "string" },
    seed: { type: "string", default: "7" },
    "load-path": { type: "string", default: "load-data" },
    "same-day": { type: "boolean", default: false },
  },
});

/** The server-side reference: INSERT … SELECT on the primary, then MASTER_GTID_WAIT on the replica. */
async function reference(pair: Pair, schema: string, dw: string, reportDate: string): Promise<{ primaryS: number; totalS: number }> {
  const sql = readFileSync(resolve(import.meta.dir, "reference.sql"), "utf8")
    .replaceAll("{schema}", quoteIdent(schema))
    .replaceAll("{dw}", quoteIdent(dw));
  const [facts, roles] = sql.split(/;\s*\n/).map((s) => s.replace(/^\s*--.*$/gm, "").trim()).filter(Boolean);
  const p = await connect(pair.primary);
  const r = await connect(pair.replica);
  try {
    const started = performance.now();
    await p.execute("BEGIN");
    await p.execute(facts, [reportDate, 0]);
    await p.execute(roles, [reportDate, 0]);
    await p.execute("COMMIT");
    const primaryS = (performance.now() - started) / 1000;
    const [{ pos }] = await p.query<{ pos: string }>("SELECT @@gtid_binlog_pos AS pos");
    const [{ w }] = await r.query<{ w: number }>("SELECT MASTER_GTID_WAIT(?, 600) AS w", [pos]);
    if (Number(w) !== 0) throw new Error("replica did not catch up with the reference within 600 s");
    return { primaryS, totalS: (performance.now() - started) / 1000 };
  } finally {
    await p.close();
    await r.close();
  }
}

/** Seconds per phase from the etl summary line ("load 4.1 s, sweep 0.2 s, replica wait 0.3 s"). */
function phases(summary: string): { load: number; sweep: number; wait: number } {
  const num = (re: RegExp) => Number(re.exec(summary)?.[1] ?? NaN);
  return { load: num(/load ([\d.]+) s/), sweep: num(/sweep ([\d.]+) s/), wait: num(/replica wait ([\d.]+) s/) };
}

if (!["load-data", "replace"].includes(opts["load-path"]!)) throw new Error("--load-path must be load-data or replace");

/** etl picks LOAD DATA LOCAL when the warehouse has @@local_infile ON; turning it off selects REPLACE … VALUES. */
async function setLoadPath(pair: Pair): Promise<void> {
  const p = await connect(pair.primary);
  try {
    await p.execute(`SET GLOBAL local_infile = ${opts["load-path"] === "load-data" ? "ON" : "OFF"}`);
  } finally {
    await p.close();
  }
}

/** Change a value of every server in the source (not timed), so a same-day rerun rewrites every row. */
async function touchSource(pair: Pair): Promise<void> {
  const p = await connect(pair.primary);
  try {
    await p.execute("UPDATE `serverdb2`.`servers_asset` SET `last_edit` = `last_edit` + INTERVAL 1 SECOND");
  } finally {
    await p.close();
  }
}

/** The replica must hold the day exactly as this run wrote it: `servers` fact rows, all stamped with its run id. */
async function checkReplica(pair: Pair, reportDate: string, summary: string, servers: number): Promise<void> {
  const runId = Number(/ run (\d+):/.exec(summary)?.[1]);
  const r = await connect(pair.replica);
  try {
    const [row] = await r.query<{ n: number; stale: number }>(
      "SELECT COUNT(*) AS n, COALESCE(SUM(etl_run_id <> ?), 0) AS stale FROM `serverdb_dw`.`server_facts` WHERE report_date = ?",
      [runId, reportDate],
    );
    if (Number(row!.n) !== servers || Number(row!.stale) !== 0)
      throw new Error(`replica holds ${row!.n} rows of ${reportDate} (${row!.stale} not from run ${runId}); expected ${servers}`);
  } finally {
    await r.close();
  }
}

const rows: string[] = [];
for (const servers of opts.servers!.split(",").map(Number)) {
  const pair = await startPair(opts["datadir-parent"]!);
  try {
    const source = dsn(pair.primary, "serverdb2");
    const gen = await cli(["generate", "--source", source, "--servers", String(servers), "--seed", opts.seed!]);
    process.stderr.write(`${servers}: ${gen.stdout.trim()}\n`);
    for (const db of ["serverdb_dw", "serverdb_ref"]) {
      const p = await connect(pair.primary);
      await p.execute(`CREATE DATABASE ${quoteIdent(db)}`);
      await p.close();
      await cli(["init", "--target", dsn(pair.primary, db)]);
    }
    await setLoadPath(pair);
    const ref = await reference(pair, "serverdb2", "serverdb_ref", "2026-01-01");
    process.stderr.write(`${servers}: reference ${ref.primaryS.toFixed(2)} s on the primary, ${ref.totalS.toFixed(2)} s until the replica has it\n`);
    for (let run = 1; run <= Number(opts.runs); run++) {
      const reportDate = addDays("2026-01-01", opts["same-day"] ? 1 : run);
      if (opts["same-day"] && run > 1) await touchSource(pair);
      const args = ["etl", "--source", source, "--target", dsn(pair.primary, "serverdb_dw"), "--replica", dsn(pair.replica, "serverdb_dw", "ro"), "--report-date", reportDate];
      if (opts["batch-size"]) args.push("--batch-size", opts["batch-size"]);
      const etl = await cli(args);
      const ph = phases(etl.stdout);
      await checkReplica(pair, reportDate, etl.stdout, servers);
      const ratio = etl.seconds / ref.totalS;
      process.stderr.write(`${servers}: etl run ${run}: ${etl.stdout.trim()} (wall ${etl.seconds.toFixed(2)} s, ${etl.maxRssMb.toFixed(0)} MB)\n`);
      rows.push(
        `| ${servers.toLocaleString("en")} | ${run} | ${ref.totalS.toFixed(2)} (${ref.primaryS.toFixed(2)}) | ${etl.seconds.toFixed(2)} | ${ph.load.toFixed(2)} | ${ph.sweep.toFixed(2)} | ${ph.wait.toFixed(2)} | ${Math.round(servers / etl.seconds).toLocaleString("en")} | ${etl.maxRssMb.toFixed(0)} | ${ratio.toFixed(2)}× |`,
      );
    }
  } finally {
    await pair.stop();
  }
}
console.log(`load path: ${opts["load-path"]}${opts["same-day"] ? ", same report date each run (values changed between runs)" : ", a new report date each run"}`);
console.log("| servers | run | reference s (primary only) | etl wall s | load s | sweep s | replica wait s | servers/s | peak RSS MB | etl / reference |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const row of rows) console.log(row);
