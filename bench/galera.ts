// Benchmark of `etl` into a three-node Galera cluster (issue 16) against the cluster's own
// `INSERT … SELECT` of the same rows (bench/reference.sql, one transaction on node 1, then
// WSREP_SYNC_WAIT_UPTO_GTID on nodes 2 and 3 until both have applied it). The cluster is the test
// bed's (test/support/galera.ts: three mariadbd on 127.0.0.1, datadirs under /dev/shm or
// TESTBED_TMPDIR); the source database is generated on the cluster itself (node 1). etl writes
// through node 1 and finds nodes 2 and 3 from wsrep_incoming_addresses, as a nightly run would.
// For the async primary + replica on the same medium: bun run bench/etl.ts --datadir-parent /dev/shm.
// Usage: bun run bench/galera.ts [--servers 100000] [--runs 2] [--seed 7]
// Prints a markdown table (the one in BENCHMARKS.md "Into a three-node Galera cluster").
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { quoteIdent } from "../src/engine/ident.ts";
import { addDays } from "../src/plans/report-date.ts";
import { startGalera, type GaleraCluster } from "../test/support/galera.ts";
import { connect, dsn } from "../test/support/servers.ts";
import { cli } from "./support.ts";

const { values: opts } = parseArgs({
  options: {
    servers: { type: "string", default: "100000" },
    runs: { type: "string", default: "2" },
    seed: { type: "string", default: "7" },
  },
});
const SERVERS = Number(opts.servers);

/** Until `node` has applied `gtid` (WSREP_SYNC_WAIT_UPTO_GTID in slices of 10 s, 600 s at most). */
async function waitApplied(port: number, gtid: string): Promise<void> {
  const db = await connect({ name: "node", port, socket: "", dataDir: "", serverId: 1 });
  try {
    for (const started = Date.now(); Date.now() - started < 600_000; ) {
      try {
        await db.query("SELECT WSREP_SYNC_WAIT_UPTO_GTID(?, 10) AS ok", [gtid]);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== "ER_LOCK_WAIT_TIMEOUT") throw err;
      }
    }
    throw new Error(`node on port ${port} did not apply ${gtid} within 600 s`);
  } finally {
    await db.close();
  }
}

/** The server-side reference: one INSERT … SELECT transaction on node 1, then nodes 2 and 3 in step. */
async function reference(c: GaleraCluster, reportDate: string): Promise<{ writerS: number; totalS: number }> {
  const sql = readFileSync(resolve(import.meta.dir, "reference.sql"), "utf8").replaceAll("{schema}", quoteIdent("serverdb2")).replaceAll("{dw}", quoteIdent("serverdb_ref"));
  const [facts, roles] = sql.split(/;\s*\n/).map((s) => s.replace(/^\s*--.*$/gm, "").trim()).filter(Boolean);
  const n1 = await connect(c.nodes[0]!);
  try {
    const started = performance.now();
    await n1.execute("BEGIN");
    await n1.execute(facts!, [reportDate, 0]);
    await n1.execute(roles!, [reportDate, 0]);
    await n1.execute("COMMIT");
    const writerS = (performance.now() - started) / 1000;
    const [{ gtid }] = await n1.query<{ gtid: string }>("SELECT WSREP_LAST_WRITTEN_GTID() AS gtid");
    await Promise.all(c.nodes.slice(1).map((n) => waitApplied(n.port, gtid)));
    return { writerS, totalS: (performance.now() - started) / 1000 };
  } finally {
    await n1.close();
  }
}

/** Seconds per phase from the etl summary line. */
function phases(summary: string): { load: number; wait: number } {
  const num = (re: RegExp) => Number(re.exec(summary)?.[1] ?? NaN);
  return { load: num(/load ([\d.]+) s/), wait: num(/replica wait ([\d.]+) s/) };
}

/** Every node holds the day exactly as the run wrote it. */
async function checkNodes(c: GaleraCluster, reportDate: string): Promise<void> {
  for (const n of c.nodes) {
    const db = await connect(n);
    try {
      const [{ k }] = await db.query<{ k: number }>("SELECT COUNT(*) AS k FROM `serverdb_dw`.`server_facts` WHERE report_date = ?", [reportDate]);
      if (Number(k) !== SERVERS) throw new Error(`${n.name} holds ${k} rows of ${reportDate}, expected ${SERVERS}`);
    } finally {
      await db.close();
    }
  }
}

const rows: string[] = [];
const cluster = await startGalera();
process.stderr.write(`cluster up in ${cluster.bringUpS.toFixed(1)} s on ports ${cluster.nodes.map((n) => n.port).join(", ")}\n`);
try {
  const n1 = cluster.nodes[0]!;
  const gen = await cli(["generate", "--source", dsn(n1, "serverdb2"), "--servers", String(SERVERS), "--seed", opts.seed!]);
  process.stderr.write(`${gen.stdout.trim()}\n`);
  for (const db of ["serverdb_dw", "serverdb_ref"]) {
    const root = await connect(n1);
    await root.execute(`CREATE DATABASE ${quoteIdent(db)}`);
    await root.close();
    await cli(["init", "--target", dsn(n1, db)]);
  }
  const ref = await reference(cluster, "2026-01-01");
  process.stderr.write(`reference: ${ref.writerS.toFixed(2)} s on node 1, ${ref.totalS.toFixed(2)} s until nodes 2 and 3 have it\n`);
  for (let run = 1; run <= Number(opts.runs); run++) {
    const reportDate = addDays("2026-01-01", run);
    const etl = await cli(["etl", "--source", dsn(n1, "serverdb2"), "--target", dsn(n1, "serverdb_dw"), "--report-date", reportDate]);
    await checkNodes(cluster, reportDate);
    const ph = phases(etl.stdout);
    process.stderr.write(`etl run ${run}: ${etl.stdout.trim()} (wall ${etl.seconds.toFixed(2)} s, ${etl.maxRssMb.toFixed(0)} MB)\n`);
    rows.push(
      `| ${SERVERS.toLocaleString("en")} | ${run} | ${ref.totalS.toFixed(2)} (${ref.writerS.toFixed(2)}) | ${etl.seconds.toFixed(2)} | ${ph.load.toFixed(2)} | ${ph.wait.toFixed(2)} | ${etl.maxRssMb.toFixed(0)} | ${(etl.seconds / ref.totalS).toFixed(2)}× |`,
    );
  }
} finally {
  await cluster.stop();
}
console.log("| servers | run | reference s (node 1 only) | etl wall s | load s | node wait s | peak RSS MB | etl / reference |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) console.log(r);
