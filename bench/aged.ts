// Benchmark of the nightly `run` (etl + aggregate + expire) as the warehouse ages (issue 14): the
// same night on a warehouse holding 1, 30, 130… days of a 100k-server fleet, with the stock
// 128 MiB buffer pool, for this version's day-clustered layout and the previous one (clustered by
// id, keys on status, site and report_date). The history is one real etl day copied server-side
// to the days retention keeps (90 daily, then Mondays), on the primary and the replica alike
// without the binlog, so that building it takes minutes, not the hours 130 etl runs would.
// Each night is today: timed twice per size, tonight's rows removed (untimed) before each.
// Layouts: `new` is this version's (both fact tables LIST-partitioned by report_date, one partition
// per day, as init makes them: local secondary keys, expire drops a day's partition); `unpart` the
// version before (day-clustered, not partitioned: expire deletes rows; also the partitioning
// decision's "against batched deletes", timed below); `old` 0.1's (clustered by id); `lean`
// unpartitioned with the primary key only (what the secondary keys cost a night).
// Usage: bun run bench/aged.ts [--servers 100000] [--days 1,30,130] [--layout new,unpart,old,lean]
//        [--pool 128M] [--flush 1] [--nights 2] [--datadir-parent /var/tmp]
// Prints a markdown table (the one in BENCHMARKS.md "The warehouse as it ages").
import { parseArgs } from "node:util";
import { quoteIdent } from "../src/engine/ident.ts";
import { addDays } from "../src/plans/report-date.ts";
import { FACT_COLUMNS, ROLE_COLUMNS } from "../src/warehouse/columns.ts";
import { startPair, type Pair } from "../test/support/pair.ts";
import { connect, dsn } from "../test/support/servers.ts";
import type { MysqlDb } from "../src/engine/mysql/mysql-db.ts";
import { cli } from "./support.ts";
import { addDayPartitions } from "../test/support/day-partitions.ts";

const { values: opts } = parseArgs({
  options: {
    servers: { type: "string", default: "100000" },
    days: { type: "string", default: "1,30,130" },
    layout: { type: "string", default: "new,old" },
    pool: { type: "string", default: "128M" },
    flush: { type: "string", default: "1" },
    nights: { type: "string", default: "2" },
    seed: { type: "string", default: "7" },
    "datadir-parent": { type: "string", default: "/var/tmp" },
  },
});

/** The previous version's keys, made from this version's table (the columns are the same). */
const OLD_KEYS =
  "ALTER TABLE server_facts DROP PRIMARY KEY, ADD PRIMARY KEY (id, report_date), DROP KEY id, " +
  "ADD KEY status (status), ADD KEY site (site), ADD KEY report_date (report_date)";

/** `lean`: the day-clustered primary key alone. */
const LEAN_KEYS = "ALTER TABLE server_facts DROP KEY id, DROP KEY name";

/** The layouts before this version's partitions. */
const UNPARTITIONED = ["ALTER TABLE server_facts REMOVE PARTITIONING", "ALTER TABLE server_fact_roles REMOVE PARTITIONING"];

/** The night timed is today (a later day is refused); the history ends the day before. */
const TONIGHT = new Date().toISOString().slice(0, 10);
const DW = "serverdb_dw";

/** The `n` days before TONIGHT that the default retention keeps: the last 90 daily, then Mondays. */
export function historyDays(n: number): string[] {
  const out: string[] = [];
  for (let d = addDays(TONIGHT, -1); out.length < n; d = addDays(d, -1)) {
    const daily = out.length < 90;
    if (daily || new Date(`${d}T00:00:00Z`).getUTCDay() === 1) out.push(d);
  }
  return out.reverse();
}

/**
 * On one server, without the binlog (each server is written alike): the day `from` copied to every
 * day of `to`, inserted in the order of the table's primary key (per day for the day-clustered
 * layout; per block of ids, every day of each, for the id-clustered one), so that building the
 * history is sequential on either layout and only the timed nights pay for the layout.
 */
async function copyDays(db: MysqlDb, from: string, to: readonly string[], layout: string): Promise<void> {
  await db.execute("SET SESSION sql_log_bin = 0");
  await db.execute("CREATE TEMPORARY TABLE bench_days (day date PRIMARY KEY)");
  for (const day of to) await db.execute("INSERT INTO bench_days VALUES (?)", [day]);
  for (const [table, columns, order] of [
    ["server_facts", FACT_COLUMNS.map((c) => c.name), "f.id, d.day"],
    ["server_fact_roles", ROLE_COLUMNS.map((c) => c.name), "d.day, f.id"],
  ] as const) {
    const cols = columns.map((c) => quoteIdent(c));
    const select = columns.map((c) => (c === "report_date" ? "d.day" : `f.${quoteIdent(c)}`)).join(", ");
    const insert = `INSERT INTO ${DW}.${table} (${cols.join(", ")}) SELECT ${select} FROM ${DW}.${table} f JOIN bench_days d`;
    if (layout === "old" && table === "server_facts") {
      const [{ lo, hi }] = await db.query<{ lo: number; hi: number }>(`SELECT MIN(id) AS lo, MAX(id) AS hi FROM ${DW}.server_facts WHERE report_date = ?`, [from]);
      for (let at = Number(lo); at <= Number(hi); at += 2000) {
        await db.execute(`${insert} WHERE f.report_date = ? AND f.id BETWEEN ? AND ? ORDER BY ${order}`, [from, at, at + 1999]);
      }
    } else {
      for (const day of to) {
        await db.execute(`${insert.replace("JOIN bench_days d", "JOIN bench_days d ON d.day = ?")} WHERE f.report_date = ? ORDER BY f.id`, [day, from]);
      }
    }
  }
  await db.execute("DROP TEMPORARY TABLE bench_days");
}

/** Seconds per step from `run`'s last line ("…; init 0.0 s, etl 5.1 s, aggregate 0.4 s, expire 0.2 s; …"). */
function steps(line: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of line.matchAll(/\b(init|etl|aggregate|expire) ([\d.]+) s\b/g)) out[m[1]!] = Number(m[2]);
  return out;
}

/** Remove tonight's facts and bridge rows (not timed), on both servers through the binlog. */
async function forgetTonight(pair: Pair): Promise<void> {
  const p = await connect(pair.primary);
  try {
    for (const t of ["server_fact_roles", "server_facts"]) await p.execute(`DELETE FROM ${DW}.${t} WHERE report_date = ?`, [TONIGHT]);
  } finally {
    await p.close();
  }
}

async function sizeMb(pair: Pair): Promise<number> {
  const p = await connect(pair.primary);
  try {
    // InnoDB's size estimates lag behind bulk inserts until the statistics are read again.
    await p.query(`ANALYZE TABLE ${DW}.server_facts, ${DW}.server_fact_roles`);
    const [{ b }] = await p.query<{ b: number }>("SELECT SUM(DATA_LENGTH + INDEX_LENGTH) AS b FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", [DW]);
    return Number(b) / 2 ** 20;
  } finally {
    await p.close();
  }
}

const servers = Number(opts.servers);
const sizes = opts.days!.split(",").map(Number).sort((a, b) => a - b);
const rows: string[] = [];
const notes: string[] = [];

/** One server's every day, by id (as a person investigating it would ask), cold-ish: the median of 5 ids. */
async function serverHistory(pair: Pair, layout: string, size: number): Promise<string> {
  const p = await connect(pair.primary, DW);
  try {
    const ids = await p.query<{ id: number }>("SELECT id FROM server_facts WHERE report_date = ? ORDER BY id LIMIT 5 OFFSET ?", [TONIGHT, Math.floor(servers * 0.4)]);
    const ms: number[] = [];
    for (const { id } of ids) {
      const t = performance.now();
      const rows = await p.query("SELECT report_date, status, site FROM server_facts WHERE id = ? ORDER BY report_date", [id]);
      ms.push(performance.now() - t);
      if (rows.length < size) throw new Error(`server ${id}: ${rows.length} days, expected ${size} or more`);
    }
    ms.sort((a, b) => a - b);
    return `${layout}, ${size} days: one server's history by id ${ms[2]!.toFixed(1)} ms (median of 5; ${ms[0]!.toFixed(1)}-${ms[4]!.toFixed(1)})`;
  } finally {
    await p.close();
  }
}

/** Removing one day of history: the earlier batched DELETE against DROP PARTITION, each with the replica caught up. */
async function dropVersusDelete(pair: Pair, present: readonly string[]): Promise<string> {
  const [deleted, dropped] = present.slice(1, 3) as [string, string];
  const p = await connect(pair.primary, DW);
  const r = await connect(pair.replica, DW);
  try {
    const caughtUp = async () => {
      const [{ pos }] = await p.query<{ pos: string }>("SELECT @@GLOBAL.gtid_binlog_pos AS pos");
      await r.query("SELECT MASTER_GTID_WAIT(?, 600) AS w", [pos]);
    };
    let t = performance.now();
    for (const table of ["server_fact_roles", "server_facts"]) {
      // expire's way: ranged deletes of 1000 ids each (sql/range_delete.sql's shape).
      for (;;) {
        const res = await p.execute(`DELETE FROM ${table} WHERE report_date = ? ORDER BY id LIMIT 5000`, [deleted]);
        if (res.affectedRows === 0) break;
      }
    }
    const del = (performance.now() - t) / 1000;
    await caughtUp();
    const delLag = (performance.now() - t) / 1000;
    t = performance.now();
    const name = `p${dropped.replaceAll("-", "")}`;
    for (const table of ["server_fact_roles", "server_facts"]) await p.execute(`ALTER TABLE ${table} DROP PARTITION ${name}`);
    const drop = (performance.now() - t) / 1000;
    await caughtUp();
    const dropLag = (performance.now() - t) / 1000;
    return `new: removing one day: DELETE in batches of 5000 ${del.toFixed(1)} s (replica caught up after ${delLag.toFixed(1)} s) against DROP PARTITION ${drop.toFixed(2)} s (replica ${dropLag.toFixed(2)} s)`;
  } finally {
    await p.close();
    await r.close();
  }
}
for (const layout of opts.layout!.split(",")) {
  if (!["new", "unpart", "old", "lean"].includes(layout)) throw new Error("--layout takes new, unpart, old and/or lean");
  const pair = await startPair(opts["datadir-parent"]!, [`--innodb-buffer-pool-size=${opts.pool}`, `--innodb-flush-log-at-trx-commit=${opts.flush}`]);
  try {
    const source = dsn(pair.primary, "serverdb2");
    const target = dsn(pair.primary, DW);
    await cli(["generate", "--source", source, "--servers", String(servers), "--seed", opts.seed!]);
    const root = await connect(pair.primary);
    await root.execute(`CREATE DATABASE ${DW}`);
    await root.close();
    await cli(["init", "--target", target]);
    if (layout !== "new") {
      const p = await connect(pair.primary, DW);
      // Replicated: both servers get the same layout.
      for (const statement of UNPARTITIONED) await p.execute(statement);
      if (layout === "old") await p.execute(OLD_KEYS);
      if (layout === "lean") await p.execute(LEAN_KEYS);
      await p.close();
    }
    const run = (day: string) => cli(["run", "--source", source, "--target", target, "--replica", dsn(pair.replica, DW, "ro"), "--report-date", day]);
    // The seed day: one real nightly run, whose facts and bridge rows every other day copies.
    const all = historyDays(sizes[sizes.length - 1]!);
    const seed = all[all.length - 1]!;
    await run(seed);
    let present = [seed];
    for (const size of sizes) {
      const want = historyDays(size).filter((d) => !present.includes(d));
      const copyStarted = performance.now();
      const [p, r] = await Promise.all([connect(pair.primary, DW), connect(pair.replica, DW)]);
      try {
        // The partitions a run would have added for each day (without the binlog: on each server).
        for (const db of [p, r]) {
          await db.execute("SET SESSION sql_log_bin = 0");
          await addDayPartitions(db, want);
        }
        await Promise.all([copyDays(p, seed, want, layout), copyDays(r, seed, want, layout)]);
      } finally {
        await Promise.all([p.close(), r.close()]);
      }
      present = [...present, ...want];
      const mb = await sizeMb(pair);
      process.stderr.write(`${layout} ${size} days: history copied in ${((performance.now() - copyStarted) / 1000).toFixed(0)} s, ${mb.toFixed(0)} MiB\n`);
      for (let night = 0; night < Number(opts.nights); night++) {
        // Each night loads tonight afresh, as the nightly job does: a rerun would only replace rows.
        await forgetTonight(pair);
        const day = TONIGHT;
        const r = await run(day);
        const last = r.stdout.trim().split("\n").pop()!;
        const s = steps(last);
        process.stderr.write(`${layout} ${size} days, night ${day}: ${last}\n`);
        rows.push(
          `| ${layout} | ${size} | ${mb.toFixed(0)} | ${day} | ${r.seconds.toFixed(1)} | ${(s.etl ?? NaN).toFixed(1)} | ${(s.aggregate ?? NaN).toFixed(1)} | ${(s.expire ?? NaN).toFixed(1)} | ${r.maxRssMb.toFixed(0)} |`,
        );
      }
      notes.push(await serverHistory(pair, layout, size));
      // Last: it removes two days of history, which a later size would then lack.
      if (layout === "new" && size > 1 && size === sizes[sizes.length - 1]) notes.push(await dropVersusDelete(pair, present));
    }
  } finally {
    await pair.stop();
  }
}
console.log(`${servers.toLocaleString("en")} servers, buffer pool ${opts.pool}, innodb_flush_log_at_trx_commit=${opts.flush}, primary + GTID replica, datadirs under ${opts["datadir-parent"]}`);
console.log("| layout | days present | fact tables MiB | night | run wall s | etl s | aggregate s | expire s | peak RSS MB |");
console.log("|---|---:|---:|---|---:|---:|---:|---:|---:|");
for (const row of rows) console.log(row);
for (const note of notes) console.log(`- ${note}`);
