// Benchmark of `serverdb-etl backfill` against its yardstick (issue 7): a year of history for
// --servers servers, backfilled with the default retention (~90 daily + ~40 weekly days), must
// take under 3× the time of as many plain `etl` runs. Both on a throwaway MariaDB primary + GTID
// replica (the test bed's startPair, datadirs on disk), source on the primary, each into its own
// warehouse, waiting for the replica as in production. The etl time per run is the mean of
// --etl-runs runs (each a new report date, so every REPLACE writes), extrapolated to the days,
// measured twice: into an empty warehouse before, and into the backfilled one after (a warehouse
// of 130 days is ~100 times bigger than InnoDB's stock buffer pool, and every load pays for it:
// 130 nightly runs would see the warehouse grow the same way).
// Usage: bun run bench/backfill.ts [--servers 100000] [--history-days 365] [--etl-runs 3]
//        [--keep-daily 90] [--days-per-pass N (default: the command's)] [--datadir-parent DIR]
// The binary log would grow by ~2 KB per row written (tens of GB for 100k servers × 130 days):
// it is rotated at 256 MiB and logs older than two minutes are purged (the replica is never that far behind).
// Prints a markdown table (the one in BENCHMARKS.md).
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { quoteIdent } from "../src/engine/ident.ts";
import { addDays } from "../src/plans/report-date.ts";
import { startPair } from "../test/support/pair.ts";
import { connect, dsn } from "../test/support/servers.ts";
import { cli } from "./support.ts";

const { values: opts } = parseArgs({
  options: {
    servers: { type: "string", default: "100000" },
    "history-days": { type: "string", default: "365" },
    "etl-runs": { type: "string", default: "3" },
    "keep-daily": { type: "string", default: "90" },
    "datadir-parent": { type: "string", default: "/var/tmp" },
    seed: { type: "string", default: "7" },
    "days-per-pass": { type: "string" },
  },
});
/** The generated history ends here; backfill covers the year before it, etl runs load later days. */
const END = "2026-06-30";

const servers = Number(opts.servers);
const historyDays = Number(opts["history-days"]);
// The servers' temp tables go next to their datadirs, not to a /tmp shared with other work
// (mariadbd takes TMPDIR from its environment, which it inherits).
const tmp = mkdtempSync(join(opts["datadir-parent"]!, "serverdb-etl-bench-tmp-"));
process.env.TMPDIR = tmp;
const pair = await startPair(opts["datadir-parent"]!);
let row = "";
try {
  const p = await connect(pair.primary);
  await p.execute("SET GLOBAL max_binlog_size = 268435456");
  await p.execute("SET GLOBAL binlog_expire_logs_seconds = 120");
  for (const db of ["serverdb_etl", "serverdb_bf"]) await p.execute(`CREATE DATABASE ${quoteIdent(db)}`);
  await p.close();

  const source = dsn(pair.primary, "serverdb2");
  const gen = await cli(["generate", "--source", source, "--servers", String(servers), "--seed", opts.seed!, "--history-days", String(historyDays), "--end-date", END]);
  process.stderr.write(`${gen.stdout.trim()}\n`);
  const target = (db: string) => ["--target", dsn(pair.primary, db), "--replica", dsn(pair.replica, db, "ro")];
  for (const db of ["serverdb_etl", "serverdb_bf"]) await cli(["init", "--target", dsn(pair.primary, db)]);

  /** Mean wall seconds of --etl-runs etl runs into `db`, on report dates after END. */
  const etlRuns = async (db: string, what: string): Promise<number> => {
    const seconds: number[] = [];
    for (let run = 1; run <= Number(opts["etl-runs"]); run++) {
      const etl = await cli(["etl", "--source", source, ...target(db), "--report-date", addDays(END, run)]);
      seconds.push(etl.seconds);
      process.stderr.write(`etl ${what} ${run}: ${etl.stdout.trim()} (wall ${etl.seconds.toFixed(1)} s, ${etl.maxRssMb.toFixed(0)} MB)\n`);
    }
    return seconds.reduce((a, b) => a + b, 0) / seconds.length;
  };
  const etlMean = await etlRuns("serverdb_etl", "into an empty warehouse");

  const bf = await cli([
    "backfill", "--source", source, ...target("serverdb_bf"),
    "--from", addDays(END, 1 - historyDays), "--to", END, "--timezone", "UTC", "--keep-daily", opts["keep-daily"]!,
    ...(opts["days-per-pass"] ? ["--days-per-pass", opts["days-per-pass"]] : []),
  ]);
  process.stderr.write(`${bf.stdout.trim()} (wall ${bf.seconds.toFixed(1)} s, ${bf.maxRssMb.toFixed(0)} MB)\n`);
  const days = Number(/(\d+) days built/.exec(bf.stdout)?.[1] ?? NaN);
  const rows = Number(/; (\d+) rows,/.exec(bf.stdout)?.[1] ?? NaN);
  // Seconds of the first and last ten days' runs (load and sweep; the aggregates come after). A
  // day's run spans its whole pass (opened when the pass starts, closed after the pass's load).
  const q = await connect(pair.primary, "serverdb_bf");
  const perDay = (await q.query<{ s: number }>("SELECT TIMESTAMPDIFF(SECOND, started_at, finished_at) AS s FROM etl_runs ORDER BY id")).map((r) => Number(r.s));
  await q.close();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  process.stderr.write(`backfill run seconds (each its pass's): first 10 days ${mean(perDay.slice(0, 10)).toFixed(1)}, last 10 days ${mean(perDay.slice(-10)).toFixed(1)}\n`);
  const etlAfter = await etlRuns("serverdb_bf", "into the backfilled warehouse");
  const ratio = (etl: number) => `${(bf.seconds / (days * etl)).toFixed(2)}×`;
  row =
    `| ${servers.toLocaleString("en")} | ${historyDays} | ${days} | ${rows.toLocaleString("en")} | ${bf.seconds.toFixed(0)} | ` +
    `${(bf.seconds / days).toFixed(1)} | ${Math.round(rows / bf.seconds).toLocaleString("en")} | ${bf.maxRssMb.toFixed(0)} | ` +
    `${etlMean.toFixed(1)} | ${ratio(etlMean)} | ${etlAfter.toFixed(1)} | ${ratio(etlAfter)} |`;
} finally {
  await pair.stop();
  rmSync(tmp, { recursive: true, force: true });
}
console.log(
  "| servers | history days | days built | rows | backfill s | s/day | rows/s | peak RSS MB | etl s, empty warehouse | backfill / (days × that) | etl s, backfilled warehouse | backfill / (days × that) |",
);
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
console.log(row);
