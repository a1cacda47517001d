// Benchmark of `report` on a year of history of a 100k-server fleet, on MariaDB and SQLite. The
// issue's target is under 3 s on each engine; this times the shipped binary per engine, format
// and cold/warm run, and where the time goes (each query, the forecast, the rendering), in-process.
// The warehouse: one real generate + init + etl + aggregate of today, then a year made
// server-side: the aggregates copied to all 365 days (daily for ever) with counts scaled by a
// slowly growing factor (0.8 → 1.0), the facts copied to the days the default retention keeps
// (90 daily + Mondays: ~130 days), an etl_runs row per day and ~5% of the fleet in
// server_retirements, spread over the fact days. MariaDB is the bench's own mariadbd
// (stock 128 MiB buffer pool, datadir on disk); SQLite one file next to it.
// Cold = server restarted (MariaDB) and the warehouse's files dropped from the page cache.
// Usage: bun run bench/report.ts [--servers 100000] [--engine mariadb|sqlite|both] [--runs 3]
//        [--keep] [--dir DIR (reuse a warehouse built there by --keep)] [--datadir-parent /var/tmp]
// Prints markdown tables (the ones in BENCHMARKS.md "report: a year of 100,000 servers").
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Db } from "../src/engine/db.ts";
import { openDb } from "../src/engine/index.ts";
import type { MysqlDb } from "../src/engine/mysql/mysql-db.ts";
import { DEFAULT_RETENTION, planRetention } from "../src/plans/retention.ts";
import { addDays, dateIn, hostTimeZone } from "../src/plans/report-date.ts";
import { buildReport, DEFAULT_WEEKS } from "../src/report/build-report.ts";
import { forecastAll } from "../src/report/forecasts.ts";
import { readReportConfig } from "../src/report/report-config.ts";
import { writeReport, type ReportFormat } from "../src/report/render/write-report.ts";
import { parseDsn } from "../src/settings/dsn.ts";
import { SQL } from "../src/sql.ts";
import { findMariadb, freePorts, installDataDir, startServer, stopServer, waitUntilReady, type RunningServer } from "../test/support/mariadb.ts";
import { connect, type TestServer } from "../test/support/servers.ts";
import { cli } from "./support.ts";
import { addDayPartitions } from "../test/support/day-partitions.ts";

const { values: opts } = parseArgs({
  options: {
    servers: { type: "string", default: "100000" },
    engine: { type: "string", default: "both" },
    runs: { type: "string", default: "3" },
    seed: { type: "string", default: "7" },
    keep: { type: "boolean", default: false },
    dir: { type: "string" },
    "datadir-parent": { type: "string", default: "/var/tmp" },
  },
});
if (!["mariadb", "sqlite", "both"].includes(opts.engine!)) throw new Error("--engine takes mariadb, sqlite or both");
const ENGINES = opts.engine === "both" ? (["mariadb", "sqlite"] as const) : ([opts.engine] as ("mariadb" | "sqlite")[]);
const SERVERS = Number(opts.servers);
const RUNS = Number(opts.runs);
const DW = "serverdb_dw";
const AGGREGATES = ["server_by_site", "server_by_team", "server_by_vendor_model", "server_by_cpu", "server_by_puppet_service"] as const;
const MEASURES = new Set(["servers", "cpu_sockets", "cpu_cores", "memory_gib"]);
const FORMATS: ReportFormat[] = ["json", "text", "html"];

const dir = opts.dir ?? mkdtempSync(join(opts["datadir-parent"]!, "serverdb-etl-bench-report-"));
mkdirSync(dir, { recursive: true });
/** The built warehouse's newest day, written when a build finished (for --dir reuse). */
const builtFile = (engine: string) => join(dir, `${engine}.built`);
const newestOf = (engine: string) => (existsSync(builtFile(engine)) ? Bun.file(builtFile(engine)).text() : null);

const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");
const say = (text: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)} load ${load()}] ${text}\n`);
const secs = (t0: number) => (performance.now() - t0) / 1000;

/** The year: 365 days ending `newest`; each day's growth factor (0.8 a year ago, 1.0 on `newest`). */
function year(newest: string): { day: string; f: number; fact: boolean }[] {
  const days = Array.from({ length: 365 }, (_, i) => addDays(newest, i - 364));
  const kept = new Set(planRetention(days, DEFAULT_RETENTION, newest).filter((d) => d.keep).map((d) => d.date));
  return days.map((day, i) => ({ day, f: 0.8 + (0.2 * i) / 364, fact: kept.has(day) }));
}

/** Per kept fact day (k = days back 1…364 maps to the first fact day on or after it): where a retirement seen then lands. */
function retirementDays(newest: string, days: ReturnType<typeof year>): { k: number; day: string; prev: string }[] {
  const facts = days.filter((d) => d.fact).map((d) => d.day);
  const out: { k: number; day: string; prev: string }[] = [];
  for (let k = 1; k <= 364; k++) {
    const back = addDays(newest, -k);
    const i = facts.findIndex((d) => d >= back);
    if (facts[i] === newest) continue; // the real aggregate owns the newest day's retirements
    out.push({ k, day: facts[i]!, prev: i > 0 ? facts[i - 1]! : addDays(facts[i]!, -7) });
  }
  return out;
}

// ---- MariaDB: one server of the bench's own (no binlog, no replica: the report reads one server)

interface Mariadb {
  server: TestServer;
  running: RunningServer;
}

async function startMariadb(dataDir: string, port?: number): Promise<Mariadb> {
  const bin = findMariadb();
  if (!existsSync(dataDir)) await installDataDir(bin, dataDir);
  const p = port ?? (await freePorts(1))[0]!;
  const spec = {
    name: "primary" as const,
    serverId: 1,
    port: p,
    dataDir,
    socket: join(dir, "mariadb.sock"),
    pidFile: join(dir, "mariadb.pid"),
    errorLog: join(dir, "mariadb.err"),
    // Later options win over the test bed's: InnoDB's stock buffer pool, as a default install has.
    extra: ["--innodb-buffer-pool-size=128M"],
  };
  const running = startServer(bin, spec);
  await waitUntilReady(running, 120_000);
  return { server: { name: "primary", port: p, socket: spec.socket, dataDir, serverId: 1 }, running };
}

const mysqlDsn = (m: Mariadb, db: string) => `mysql://root@127.0.0.1:${m.server.port}/${db}`;

async function buildMariadb(m: Mariadb, newest: string): Promise<void> {
  const source = mysqlDsn(m, "serverdb2");
  const target = mysqlDsn(m, DW);
  let t = performance.now();
  await cli(["generate", "--source", source, "--servers", String(SERVERS), "--seed", opts.seed!]);
  say(`mariadb: generate ${secs(t).toFixed(0)} s`);
  const root = await connect(m.server);
  await root.execute(`CREATE DATABASE ${DW}`);
  await root.close();
  t = performance.now();
  await cli(["init", "--target", target]);
  await cli(["etl", "--source", source, "--target", target, "--report-date", newest]);
  await cli(["aggregate", "--target", target, "--date", newest]);
  say(`mariadb: init + etl + aggregate of ${newest}: ${secs(t).toFixed(0)} s`);

  const db = await connect(m.server, DW);
  try {
    const days = year(newest);
    const past = days.filter((d) => d.day !== newest);
    await db.execute("CREATE TEMPORARY TABLE bench_days (day date PRIMARY KEY, f double NOT NULL, fact tinyint NOT NULL, run_id bigint unsigned NULL)");
    for (let i = 0; i < past.length; i += 100) {
      const chunk = past.slice(i, i + 100);
      await db.execute(`INSERT INTO bench_days (day, f, fact) VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")}`, chunk.flatMap((d) => [d.day, d.f, d.fact ? 1 : 0]));
    }
    // One successful nightly run per past day, like the one the real etl wrote.
    await db.execute(
      `INSERT INTO etl_runs (kind, report_date, started_at, finished_at, status, rows_extracted, rows_loaded, host, version)
       SELECT 'etl', d.day, TIMESTAMP(d.day, '02:00:00'), TIMESTAMP(d.day, '02:00:12'), 'success', r.rows_extracted, r.rows_loaded, r.host, r.version
         FROM bench_days d JOIN etl_runs r ON r.report_date = ? ORDER BY d.day`,
      [newest],
    );
    await db.execute("UPDATE bench_days d JOIN etl_runs r ON r.report_date = d.day SET d.run_id = r.id");

    t = performance.now();
    for (const table of AGGREGATES) {
      const cols = (await db.query<{ c: string }>("SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION", [DW, table])).map((r) => r.c);
      const select = cols.map((c) => (c === "report_date" ? "d.day" : MEASURES.has(c) ? (c === "memory_gib" ? `ROUND(a.${c} * d.f, 3)` : `ROUND(a.${c} * d.f)`) : `a.${c}`));
      await db.execute(`INSERT INTO ${table} (${cols.join(", ")}) SELECT ${select.join(", ")} FROM ${table} a JOIN bench_days d WHERE a.report_date = ? ORDER BY d.day`, [newest]);
    }
    say(`mariadb: aggregates copied to ${past.length} days in ${secs(t).toFixed(0)} s`);

    // The facts: secondary keys off while copying (put back as init made them), one day per statement in key order.
    t = performance.now();
    const cols = (await db.query<{ c: string }>("SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'server_facts' ORDER BY ORDINAL_POSITION", [DW])).map((r) => r.c);
    const select = cols.map((c) => (c === "report_date" ? "d.day" : c === "etl_run_id" ? "d.run_id" : `f.${c}`)).join(", ");
    await db.execute("ALTER TABLE server_facts DROP KEY id, DROP KEY name");
    const factDays = past.filter((d) => d.fact);
    // The day partitions a run would have added (init makes the fact tables partitioned by day).
    await addDayPartitions(db, factDays.map((d) => d.day), ["server_facts"]);
    for (const [i, d] of factDays.entries()) {
      await db.execute(`INSERT INTO server_facts (${cols.join(", ")}) SELECT ${select} FROM server_facts f JOIN bench_days d ON d.day = ? WHERE f.report_date = ? ORDER BY f.id`, [d.day, newest]);
      if (i % 20 === 19) say(`mariadb: facts copied to ${i + 1} of ${factDays.length} days`);
    }
    say(`mariadb: facts copied to ${factDays.length} days in ${secs(t).toFixed(0)} s; adding the secondary keys`);
    t = performance.now();
    await db.execute("ALTER TABLE server_facts ADD KEY id (id), ADD KEY name (name)");
    say(`mariadb: keys added in ${secs(t).toFixed(0)} s`);

    await db.execute("CREATE TEMPORARY TABLE bench_ret (k int PRIMARY KEY, day date NOT NULL, prev date NOT NULL)");
    const ret = retirementDays(newest, days);
    await db.execute(`INSERT INTO bench_ret VALUES ${ret.map(() => "(?, ?, ?)").join(", ")}`, ret.flatMap((r) => [r.k, r.day, r.prev]));
    await db.execute(
      `INSERT INTO server_retirements (report_date, id, previous_day, manufacturer, model, asset_type, site, wou_name, in_service_since, delivery_known)
       SELECT m.day, f.id, m.prev, f.manufacturer, f.model, f.asset_type, f.site, f.wou_name, COALESCE(f.delivery_date, DATE(f.created_at)),
              CASE WHEN f.delivery_date IS NULL THEN 0 ELSE 1 END
         FROM server_facts f JOIN bench_ret m ON m.k = (f.id * 7919) MOD 364 + 1
        WHERE f.report_date = ?
        ORDER BY CASE WHEN f.status = 'retired' THEN 0 ELSE 1 END, f.id
        LIMIT ${Math.round(SERVERS * 0.05)}`,
      [newest],
    );
    await db.query(`ANALYZE TABLE ${["server_facts", "etl_runs", "server_retirements", ...AGGREGATES].join(", ")}`);
  } finally {
    await db.close();
  }
}

// ---- SQLite: the same warehouse in one file

async function buildSqlite(file: string, newest: string): Promise<void> {
  const source = `sqlite:${join(dir, "serverdb.sqlite")}`;
  const target = `sqlite:${file}`;
  let t = performance.now();
  await cli(["generate", "--source", source, "--servers", String(SERVERS), "--seed", opts.seed!]);
  await cli(["init", "--target", target]);
  await cli(["etl", "--source", source, "--target", target, "--report-date", newest]);
  await cli(["aggregate", "--target", target, "--date", newest]);
  say(`sqlite: generate + init + etl + aggregate of ${newest}: ${secs(t).toFixed(0)} s`);
  const db = new Database(file);
  try {
    db.run("PRAGMA journal_mode = WAL");
    db.run("PRAGMA synchronous = NORMAL");
    const days = year(newest);
    const past = days.filter((d) => d.day !== newest);
    db.run("CREATE TEMP TABLE bench_days (day TEXT PRIMARY KEY, f REAL NOT NULL, fact INTEGER NOT NULL, run_id INTEGER)");
    const ins = db.prepare("INSERT INTO bench_days (day, f, fact) VALUES (?, ?, ?)");
    db.transaction(() => past.forEach((d) => ins.run(d.day, d.f, d.fact ? 1 : 0)))();
    db.run(
      `INSERT INTO etl_runs (kind, report_date, started_at, finished_at, status, rows_extracted, rows_loaded, host, version)
       SELECT 'etl', d.day, d.day || ' 02:00:00', d.day || ' 02:00:12', 'success', r.rows_extracted, r.rows_loaded, r.host, r.version
         FROM bench_days d JOIN etl_runs r ON r.report_date = ? ORDER BY d.day`,
      [newest],
    );
    db.run("UPDATE bench_days SET run_id = (SELECT r.id FROM etl_runs r WHERE r.report_date = bench_days.day)");
    t = performance.now();
    for (const table of AGGREGATES) {
      const cols = (db.query(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((r) => r.name);
      const select = cols.map((c) => (c === "report_date" ? "d.day" : MEASURES.has(c) ? (c === "memory_gib" ? `ROUND(a.${c} * d.f, 3)` : `CAST(ROUND(a.${c} * d.f) AS INTEGER)`) : `a.${c}`));
      db.run(`INSERT INTO ${table} (${cols.join(", ")}) SELECT ${select.join(", ")} FROM ${table} a JOIN bench_days d WHERE a.report_date = ? ORDER BY d.day`, [newest]);
    }
    say(`sqlite: aggregates copied to ${past.length} days in ${secs(t).toFixed(0)} s`);
    t = performance.now();
    const cols = (db.query("PRAGMA table_info(server_facts)").all() as { name: string }[]).map((r) => r.name);
    const select = cols.map((c) => (c === "report_date" ? "d.day" : c === "etl_run_id" ? "d.run_id" : `f.${c}`)).join(", ");
    db.run("DROP INDEX server_facts_id");
    db.run("DROP INDEX server_facts_name");
    const factDays = past.filter((d) => d.fact);
    const copy = db.prepare(`INSERT INTO server_facts (${cols.join(", ")}) SELECT ${select} FROM server_facts f JOIN bench_days d ON d.day = ? WHERE f.report_date = ? ORDER BY f.id`);
    for (const [i, d] of factDays.entries()) {
      copy.run(d.day, newest);
      if (i % 20 === 19) say(`sqlite: facts copied to ${i + 1} of ${factDays.length} days`);
    }
    say(`sqlite: facts copied to ${factDays.length} days in ${secs(t).toFixed(0)} s; adding the indexes`);
    t = performance.now();
    // As sql/sqlite/create_server_facts.sql makes them.
    db.run("CREATE INDEX IF NOT EXISTS server_facts_id ON server_facts (id)");
    db.run("CREATE INDEX IF NOT EXISTS server_facts_name ON server_facts (name)");
    say(`sqlite: indexes added in ${secs(t).toFixed(0)} s`);
    db.run("CREATE TEMP TABLE bench_ret (k INTEGER PRIMARY KEY, day TEXT NOT NULL, prev TEXT NOT NULL)");
    const r = db.prepare("INSERT INTO bench_ret VALUES (?, ?, ?)");
    db.transaction(() => retirementDays(newest, days).forEach((x) => r.run(x.k, x.day, x.prev)))();
    db.run(
      `INSERT INTO server_retirements (report_date, id, previous_day, manufacturer, model, asset_type, site, wou_name, in_service_since, delivery_known)
       SELECT m.day, f.id, m.prev, f.manufacturer, f.model, f.asset_type, f.site, f.wou_name, COALESCE(f.delivery_date, date(f.created_at)),
              CASE WHEN f.delivery_date IS NULL THEN 0 ELSE 1 END
         FROM server_facts f JOIN bench_ret m ON m.k = (f.id * 7919) % 364 + 1
        WHERE f.report_date = ?
        ORDER BY CASE WHEN f.status = 'retired' THEN 0 ELSE 1 END, f.id
        LIMIT ${Math.round(SERVERS * 0.05)}`,
      [newest],
    );
    db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}

// ---- Measuring

/** Drop `path`'s files (recursively) from the page cache: posix_fadvise(DONTNEED) through dd. */
async function evict(path: string): Promise<void> {
  const files = statSync(path).isDirectory() ? readdirSync(path, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)) : [path];
  for (const f of files) {
    await Bun.spawn(["dd", `of=${f}`, "oflag=nocache", "conv=notrunc,fdatasync", "count=0", "status=none"], { stderr: "ignore" }).exited;
  }
}

interface Sizes {
  factRows: number;
  factDays: number;
  aggregateRows: number;
  aggregateDays: number;
  retirements: number;
  etlRuns: number;
  mib: number;
}

async function sizes(db: Db, mib: number): Promise<Sizes> {
  const one = async (sql: string) => Number(Object.values((await db.query<Record<string, unknown>>(sql))[0]!)[0]);
  let aggregateRows = 0;
  for (const t of AGGREGATES) aggregateRows += await one(`SELECT COUNT(*) FROM ${t}`);
  return {
    factRows: await one("SELECT COUNT(*) FROM server_facts"),
    factDays: await one("SELECT COUNT(DISTINCT report_date) FROM server_facts"),
    aggregateRows,
    aggregateDays: await one("SELECT COUNT(DISTINCT report_date) FROM server_by_site"),
    retirements: await one("SELECT COUNT(*) FROM server_retirements"),
    etlRuns: await one("SELECT COUNT(*) FROM etl_runs"),
    mib,
  };
}

/** Which sql/report file a statement is (the {days} list makes the aggregate reads differ from the file). */
function sqlName(sql: string): string {
  for (const [k, v] of Object.entries(SQL)) if (k.startsWith("report") && (sql === v || sql.startsWith(v.split("{days}")[0]!))) return k;
  return sql.replace(/\s+/g, " ").slice(0, 40);
}

/** `db` with every query() and stream() timed into `times` (name → ms, summed; a stream until its last row). */
function timed(db: Db, times: Map<string, number>): Db {
  return new Proxy(db, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (prop === "query") {
        return async (sql: string, params?: unknown[]) => {
          const t0 = performance.now();
          try {
            return await (v as Db["query"]).call(target, sql, params);
          } finally {
            const name = sqlName(sql);
            times.set(name, (times.get(name) ?? 0) + performance.now() - t0);
          }
        };
      }
      if (prop === "stream") {
        return async function* (sql: string, params?: unknown[]) {
          const t0 = performance.now();
          let inside = 0; // the consumer's time between rows is not the query's
          try {
            for await (const row of (v as Db["stream"]).call(target, sql, params)) {
              const t1 = performance.now();
              yield row;
              inside += performance.now() - t1;
            }
          } finally {
            const name = `${sqlName(sql)} (streamed)`;
            times.set(name, (times.get(name) ?? 0) + performance.now() - t0 - inside);
          }
        };
      }
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** In-process: each query, buildReport, the forecast alone, and each renderer. */
async function breakdown(dsn: string): Promise<string[]> {
  const db = await openDb(parseDsn(dsn, "--target"), { purpose: "inspect" });
  try {
    const times = new Map<string, number>();
    const config = readReportConfig({});
    let t0 = performance.now();
    const report = await buildReport(timed(db, times), { config, weeks: DEFAULT_WEEKS, metered: null });
    const build = performance.now() - t0;
    const lastWeek = report.growth.reduce((m, g) => (g.week > m ? g.week : m), "");
    t0 = performance.now();
    await forecastAll(report.growth, ["team", "site"], lastWeek, report.weeks);
    const forecast = performance.now() - t0;
    const render: string[] = [];
    for (const f of FORMATS) {
      t0 = performance.now();
      await writeReport(report, f, join(dir, `breakdown.${f}`), "bench");
      render.push(`${f} ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    }
    const queries = [...times.values()].reduce((a, b) => a + b, 0);
    return [
      `buildReport ${(build / 1000).toFixed(2)} s = queries ${(queries / 1000).toFixed(2)} s + computing ${((build - queries) / 1000).toFixed(2)} s (of which the forecast + backtest of ${new Set(report.backtest.map((b) => `${b.dimension}/${b.key}`)).size} series ${(forecast / 1000).toFixed(2)} s)`,
      `queries: ${[...times].sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(3)} s`).join(", ")}`,
      `rendering: ${render.join(", ")}`,
    ];
  } finally {
    await db.close();
  }
}

/** EXPLAIN (MariaDB) or EXPLAIN QUERY PLAN (SQLite) of every sql/report file, with the bench's days: one line per plan row. */
async function explain(dsn: string, newest: string): Promise<string[]> {
  const db = await openDb(parseDsn(dsn, "--target"), { purpose: "inspect" });
  try {
    // The report's day list: a year of weeks (Sundays back from the newest day) and the newest day.
    const days = [newest, ...Array.from({ length: 53 }, (_, i) => addDays(newest, -7 * (i + 1) + 1))];
    const out: string[] = [];
    for (const [k, v] of Object.entries(SQL)) {
      if (!k.startsWith("report")) continue;
      const sql = v.replace("{days}", days.map(() => "?").join(", "));
      const params = v.includes("{days}") ? days : sql.includes("?") ? [newest] : [];
      const prefix = db.engine === "sqlite" ? "EXPLAIN QUERY PLAN " : "EXPLAIN ";
      const rows = await db.query<Record<string, unknown>>(prefix + sql, params);
      out.push(`${k}:`);
      for (const r of rows) {
        out.push(db.engine === "sqlite" ? `    ${r.detail}` : `    ${["table", "type", "key", "key_len", "rows", "Extra"].map((c) => `${c}=${r[c]}`).join(" ")}`);
      }
    }
    return out;
  } finally {
    await db.close();
  }
}

interface Row {
  engine: string;
  format: string;
  seconds: number[];
  rss: number[];
  loads: string[];
}

async function timeFormats(engine: string, target: string, cold: () => Promise<void>): Promise<Row[]> {
  const rows: Row[] = [];
  for (const format of FORMATS) {
    const row: Row = { engine, format, seconds: [], rss: [], loads: [] };
    for (let i = 0; i < RUNS; i++) {
      if (i === 0) await cold();
      const args = ["report", "--target", target, "--format", format, ...(format === "html" ? ["--out", join(dir, "report.html")] : [])];
      row.loads.push(loadavg()[0]!.toFixed(1));
      const r = await cli(args);
      row.seconds.push(r.seconds);
      row.rss.push(r.maxRssMb);
      say(`${engine} ${format} run ${i + 1}${i === 0 ? " (cold)" : ""}: ${r.seconds.toFixed(2)} s, ${r.maxRssMb.toFixed(0)} MiB, ${r.stdout.length} bytes on stdout`);
    }
    rows.push(row);
  }
  return rows;
}

const out: string[] = [];
const newest = dateIn(hostTimeZone());
let mariadb: Mariadb | undefined;
try {
  for (const engine of ENGINES) {
    let target: string;
    let cold: () => Promise<void>;
    let mib: number;
    let built = await newestOf(engine);
    if (engine === "mariadb") {
      const dataDir = join(dir, "mariadb-data");
      if (!built) rmSync(dataDir, { recursive: true, force: true });
      mariadb = await startMariadb(dataDir);
      if (!built) {
        const t = performance.now();
        await buildMariadb(mariadb, newest);
        say(`mariadb: warehouse built in ${secs(t).toFixed(0)} s`);
        writeFileSync(builtFile(engine), newest);
        built = newest;
      }
      target = mysqlDsn(mariadb, DW);
      cold = async () => {
        const port = mariadb!.server.port;
        await stopServer(mariadb!.running, 60_000);
        await evict(dataDir);
        mariadb = await startMariadb(dataDir, port);
      };
      const root = await connect(mariadb.server);
      const [{ b }] = await (root as MysqlDb).query<{ b: number }>("SELECT SUM(DATA_LENGTH + INDEX_LENGTH) AS b FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", [DW]);
      await root.close();
      mib = Number(b) / 2 ** 20;
    } else {
      const file = join(dir, "serverdb_dw.sqlite");
      if (!built) {
        rmSync(file, { force: true });
        const t = performance.now();
        await buildSqlite(file, newest);
        say(`sqlite: warehouse built in ${secs(t).toFixed(0)} s`);
        writeFileSync(builtFile(engine), newest);
        built = newest;
      }
      target = `sqlite:${file}`;
      cold = async () => {
        for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) await evict(f);
      };
      mib = statSync(file).size / 2 ** 20;
    }
    const sizeDb = await openDb(parseDsn(target, "--target"), { purpose: "inspect" });
    const s = await sizes(sizeDb, mib);
    await sizeDb.close();
    const rows = await timeFormats(engine, target, cold);
    const detail = await breakdown(target);
    const plans = await explain(target, built);
    out.push(
      `### ${engine}: ${s.factRows.toLocaleString("en")} fact rows on ${s.factDays} days, ${s.aggregateRows.toLocaleString("en")} aggregate rows on ${s.aggregateDays} days, ` +
        `${s.retirements.toLocaleString("en")} retirements, ${s.etlRuns} etl_runs, ${s.mib.toFixed(0)} MiB; newest day ${built}`,
      "",
      "| format | cold s | warm s | peak RSS MiB | load (1 min) per run |",
      "|---|---:|---:|---:|---|",
      ...rows.map((r) => `| ${r.format} | ${r.seconds[0]!.toFixed(2)} | ${r.seconds.slice(1).map((x) => x.toFixed(2)).join(" / ")} | ${Math.max(...r.rss).toFixed(0)} | ${r.loads.join(" / ")} |`),
      "",
      ...detail.map((d) => `- ${d} (load ${load()})`),
      "",
      "Plans:",
      "```",
      ...plans,
      "```",
      "",
    );
    if (mariadb) {
      await stopServer(mariadb.running, 60_000);
      mariadb = undefined;
    }
  }
} finally {
  if (mariadb) await stopServer(mariadb.running, 60_000);
  if (!opts.keep && !opts.dir) rmSync(dir, { recursive: true, force: true });
  else say(`kept ${dir} (rerun with --dir ${dir} to time the same warehouses again)`);
}
process.stdout.write(
  [`${SERVERS.toLocaleString("en")} servers, seed ${opts.seed}, compiled binary (dist/serverdb-etl when built), ${RUNS} runs per format, ${cpus().length} cores, load ${load()} at the end`, "", ...out].join("\n") + "\n",
);
