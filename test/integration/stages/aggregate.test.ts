// `aggregate` end to end on each warehouse engine (ENGINES: the test bed's MariaDB primary +
// replica, and a SQLite file). Facts for several days come from real `etl` runs over a
// generated fleet that changes between runs (status and memory changes, servers deleted,
// servers with several roles sharing a puppet service, CPU sentinels); every server_by_* row
// is compared with an independent GROUP BY in TypeScript (test/support/expected-aggregates.ts).
// Then reruns, --only, missing and skipped days, --all after an expire, the run lock, and the
// query plans: the per-day statements use the report_date index (MariaDB EXPLAIN, SQLite
// EXPLAIN QUERY PLAN), so their cost does not grow with history.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { MysqlDb } from "../../../src/engine/mysql/mysql-db.ts";
import { FACT_COLUMNS, ROLE_COLUMNS } from "../../../src/warehouse/columns.ts";
import { AGGREGATE_TABLES, AGGREGATE_TABLE_NAMES, placeholderCount } from "../../../src/stages/aggregate-tables.ts";
import { engineSql } from "../../../src/sql.ts";
import { connect, dsn, freshDatabase, runCli, servers, type CliResult, ok, withDb } from "../../support/servers.ts";
import { aggregateLine, expectedAggregatesIn } from "../../support/expected-aggregates.ts";
import { ENGINES, hasReplica, holdRunLock, inList, warehouseFor, withWarehouse, type Engine, type TestWarehouse } from "../../support/engines.ts";
import { addDayPartitions } from "../../support/day-partitions.ts";

const D0 = "2026-11-17"; // before any load: no facts
const D1 = "2026-11-18";
const D2 = "2026-11-19";
const D3 = "2026-11-20";
const FLEET = 800;
const SEED = 20261118;
/** Ids of the hand-made sites, CPUs and roles, far above the generated ones. */
const B = 9_100_000;

const etl = (source: string, dw: TestWarehouse, day: string) =>
  runCli(["etl", "--source", dsn(servers().primary, source), "--target", dw.dsn, "--report-date", day]);

/** `aggregate` against `dw`, waiting for the replica (as the read-only `ro` user) on MariaDB. */
const aggregate = (dw: TestWarehouse, ...args: string[]) => runCli(["aggregate", "--target", dw.dsn, ...dw.replicaArgs, ...args]);

/** What the oracle expects for `days`, from the warehouse's own facts and bridge rows (and each day's previous fact day). */
async function expectedFor(dw: TestWarehouse, days: string[]): Promise<Record<string, string[]>> {
  return withWarehouse(dw, (db) => expectedAggregatesIn(db, days));
}

/** Every aggregate row (optionally of some days only), per table, as sorted comparable lines. */
async function aggregates(dw: TestWarehouse, days?: string[], server: "primary" | "replica" = "primary"): Promise<Record<string, string[]>> {
  return withWarehouse(
    dw,
    async (db) => {
      const out: Record<string, string[]> = {};
      for (const table of AGGREGATE_TABLE_NAMES) {
        const rows = days
          ? await db.query(`SELECT * FROM ${table} WHERE report_date IN ${inList(days.length)}`, days)
          : await db.query(`SELECT * FROM ${table}`);
        out[table] = rows.map((r) => aggregateLine(table, r)).sort();
      }
      return out;
    },
    server,
  );
}

/** The generated servers' ids, ascending (the hand-made changes pick from them by position). */
let ids: number[] = [];
let source = "";
/** One warehouse per engine, loaded by the same etl runs of the same source. */
const warehouses = new Map<Engine, TestWarehouse>();
/** etl into every engine's warehouse. */
async function etlAll(day: string): Promise<void> {
  for (const w of warehouses.values()) ok(`etl ${day} [${w.engine}]`, await etl(source, w, day));
}

/** Run SQL on the source. */
const onSource = (sql: string, params: unknown[] = []) => withDb(source, (db) => db.execute(sql, params));
const pick = (from: number, to: number) => ids.slice(from, to);

/**
 * Sentinel servers alone in their own sites, and roles sharing a service: 20 servers with two
 * roles of one service, one with the same service spelled with a trailing space, one with a
 * different case, one role without a service, one server stripped of its roles.
 */
async function addEdgeCases(): Promise<void> {
  await onSource(
    "INSERT INTO servers_site (id, shortname, name, availability_zone_id) VALUES (?, 'AGS1', 'sockets unknown', NULL), (?, 'AGS2', 'cores unknown', NULL), (?, 'AGS3', 'all known', NULL)",
    [B + 1, B + 2, B + 3],
  );
  await onSource("INSERT INTO servers_cpu (id, version, cores, threads) VALUES (?, 'Mystery Accelerator', NULL, NULL), (?, 'Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz', 8, 16)", [B + 1, B + 2]);
  // [server, site, cpu_count, cpu, memory]
  const sentinels: [number, number, number | null, number, string | null][] = [
    [ids[0], B + 1, null, B + 2, "100.500"], // cpu_count unknown (-1): adds no sockets and no cores
    [ids[1], B + 2, 2, B + 1, null], // cores per socket unknown (-1): 2 sockets, no cores; memory unknown
    [ids[2], B + 3, 4, B + 2, "64.000"], // 4 × 8 = 32 cores
  ];
  for (const [id, site, count, cpu, memory] of sentinels) {
    await onSource("UPDATE servers_asset SET site_id = ?, status = 'active' WHERE id = ?", [site, id]);
    await onSource("UPDATE servers_server SET cpu_count = ?, cpu_id = ?, memory = ? WHERE rackedasset_ptr_id = ?", [count, cpu, memory, id]);
  }
  await onSource(
    "INSERT INTO servers_serverrole (id, name, puppet_service, managed_by) VALUES " +
      "(?, 'agg-a', 'agg::shared', NULL), (?, 'agg-b', 'agg::shared', NULL), (?, 'agg-c', 'agg::shared ', NULL), " +
      "(?, 'agg-d', 'Agg::Shared', NULL), (?, 'agg-e', NULL, NULL)",
    [B + 1, B + 2, B + 3, B + 4, B + 5],
  );
  await giveRoles(pick(3, 23), [B + 1, B + 2]);
  await giveRoles([ids[23]], [B + 1, B + 3]);
  await giveRoles([ids[24]], [B + 1, B + 4]);
  await giveRoles([ids[25]], [B + 5]);
  await onSource("DELETE FROM servers_server_role WHERE server_id = ?", [ids[26]]);
}

async function giveRoles(servers: number[], roles: number[]): Promise<void> {
  for (const s of servers) for (const r of roles) await onSource("INSERT INTO servers_server_role (server_id, serverrole_id) VALUES (?, ?)", [s, r]);
}

/**
 * Servers whose retirement the warehouse must see, or must not: [position in ids, status on D1,
 * D2, D3, delivery_date (null: unknown), created_at]. Far from the positions churn and the
 * later tests change.
 */
const RETIRING: [number, string, string, string, string | null, string][] = [
  [400, "in_use", "retired", "retired", "2019-03-04", "2019-02-01 10:00:00"], // retires on D2
  [401, "in_use", "retired", "retired", "2021-07-08", "2021-06-30 08:00:00"], // retires on D2
  [402, "in_use", "retired", "retired", "2016-12-31", "2016-12-01 09:00:00"], // retires on D2
  [403, "spare", "retired", "retired", "2020-01-15", "2020-01-02 11:00:00"], // spare → retired: not a retirement from service
  [404, "in_use", "retired", "retired", null, "2018-05-06 23:30:00"], // delivery unknown: in service since the day it was created
  [405, "retired", "retired", "retired", "2015-04-01", "2015-03-01 12:00:00"], // retired all along: never seen retiring
  [406, "in_use", "in_use", "retired", "2022-09-10", "2022-09-01 07:00:00"], // retires on D3, against D2
];

/** Give the RETIRING servers their status of `day` (0, 1, 2 for D1, D2, D3), and on day 0 their dates. */
async function setRetiring(day: 0 | 1 | 2): Promise<void> {
  for (const [at, ...rest] of RETIRING) {
    const [delivery, created] = [rest[3], rest[4]];
    await onSource("UPDATE servers_asset SET status = ? WHERE id = ?", [rest[day], ids[at]]);
    if (day !== 0) continue;
    await onSource("UPDATE servers_asset SET created_at = ? WHERE id = ?", [created, ids[at]]);
    await onSource(
      "INSERT INTO servers_deliveryasset (asset_type, delivery_date, asset_id) VALUES ('server', ?, ?) ON DUPLICATE KEY UPDATE delivery_date = VALUES(delivery_date)",
      [delivery, ids[at]],
    );
  }
}

/** Day-to-day churn: status and memory changes, servers that stop being Servers, more roles. */
async function churn(at: number, status: string): Promise<void> {
  await onSource("UPDATE servers_asset SET status = ? WHERE id IN (?)", [status, pick(at, at + 20)]);
  await onSource("UPDATE servers_server SET memory = memory + 32 WHERE rackedasset_ptr_id IN (?) AND memory < 90000", [pick(at + 20, at + 50)]);
  const gone = pick(at + 50, at + 55);
  await onSource("DELETE FROM servers_server_role WHERE server_id IN (?)", [gone]);
  await onSource("DELETE FROM servers_server WHERE rackedasset_ptr_id IN (?)", [gone]);
  await giveRoles(pick(at + 55, at + 65), [B + 1, B + 2]);
}

beforeAll(async () => {
  const { primary } = servers();
  source = await freshDatabase("agsrc");
  ok("generate", await runCli(["generate", "--source", dsn(primary, source), "--servers", String(FLEET), "--seed", String(SEED), "--end-date", D3], { timeoutMs: 120_000 }));
  ids = (await withDb(source, (db) => db.query<{ id: number }>("SELECT rackedasset_ptr_id AS id FROM servers_server ORDER BY id"))).map((r) => Number(r.id));
  for (const engine of ENGINES) {
    const w = await warehouseFor(engine, "agdw");
    ok(`init [${engine}]`, await runCli(["init", "--target", w.dsn]));
    warehouses.set(engine, w);
  }
  await addEdgeCases();
  await setRetiring(0);
  await etlAll(D1);
  await churn(30, "retired");
  await setRetiring(1);
  await etlAll(D2);
  await churn(100, "spare");
  await setRetiring(2);
  await etlAll(D3);
}, 240_000);

for (const engine of ENGINES) describe(`aggregate on three days of real etl runs [${engine}]`, () => {
  let dw: TestWarehouse;
  beforeAll(() => {
    dw = warehouses.get(engine)!;
  });

  test("--all builds every day exactly as an independent GROUP BY; a replica has the same rows when it returns", async () => {
    const r = ok("aggregate --all", await aggregate(dw, "--all"));
    expect(r.stdout).toStartWith(`aggregate 3 days ${D1} … ${D3}: ok, rows server_by_site=`);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    const want = await expectedFor(dw, [D1, D2, D3]);
    const got = await aggregates(dw);
    for (const table of AGGREGATE_TABLE_NAMES) {
      expect(want[table].length).toBeGreaterThan(3);
      expect({ table, rows: got[table] }).toEqual({ table, rows: want[table] });
    }
    // The command's rows per table are what it wrote.
    for (const table of AGGREGATE_TABLE_NAMES) expect(r.stdout).toMatch(new RegExp(`${table}=${got[table].length}[,;]`));
    // No waitForReplica here: the command waited for the replica itself.
    if (hasReplica(engine)) expect(await aggregates(dw, undefined, "replica")).toEqual(got);
  }, 60_000);

  test("server_retirements: the servers in use on the fact day before and retired on the day, with the day they entered service", async () => {
    ok("aggregate --all", await aggregate(dw, "--all"));
    const mine = RETIRING.map(([at]) => ids[at]);
    const rows = await withWarehouse(dw, (db) => db.query(`SELECT * FROM server_retirements WHERE id IN ${inList(mine.length)}`, mine));
    // What each retired server was, from its fact of the day it retired.
    const factOf = async (day: string, id: number) =>
      (await withWarehouse(dw, (db) => db.query("SELECT * FROM server_facts WHERE report_date = ? AND id = ?", [day, id])))[0]!;
    const line = async (day: string, previous: string, at: number, since: string, known: number) => {
      const f = await factOf(day, ids[at]);
      return [day, ids[at], previous, f.manufacturer, f.model, f.asset_type, f.site, f.wou_name, since, known].join("|");
    };
    const want = [
      await line(D2, D1, 400, "2019-03-04", 1),
      await line(D2, D1, 401, "2021-07-08", 1),
      await line(D2, D1, 402, "2016-12-31", 1),
      await line(D2, D1, 404, "2018-05-06", 0), // no delivery date: the day of created_at
      await line(D3, D2, 406, "2022-09-10", 1),
    ].sort();
    // Not 403 (spare before), not 405 (retired already on D1, the first day: no day before it).
    expect(rows.map((r) => aggregateLine("server_retirements", r)).sort()).toEqual(want);
    // The whole table, every day, against the oracle (churn retired 20 more servers on D2, from several statuses).
    const all = (await aggregates(dw)).server_retirements;
    expect(all).toEqual((await expectedFor(dw, [D1, D2, D3])).server_retirements);
    expect(all.filter((l) => l.startsWith(`${D2}|`)).length).toBeGreaterThan(4);
    expect(all.some((l) => l.startsWith(`${D1}|`))).toBe(false);
  });

  test("the facts hold the cases that matter: sentinels, churn, several roles sharing a service", async () => {
    await withWarehouse(dw, async (db) => {
      const count = async (sql: string, ...p: unknown[]) => Number((await db.query<{ n: number }>(sql, p))[0].n);
      expect(await count("SELECT COUNT(*) AS n FROM server_facts WHERE report_date = ? AND cpu_count = -1", D2)).toBeGreaterThan(1);
      expect(await count("SELECT COUNT(*) AS n FROM server_facts WHERE report_date = ? AND cpu_count >= 0 AND cpu_cores = -1", D2)).toBeGreaterThan(1);
      expect(await count("SELECT COUNT(*) AS n FROM (SELECT id FROM server_fact_roles WHERE report_date = ? GROUP BY id, puppet_service HAVING COUNT(*) > 1) x", D2)).toBeGreaterThanOrEqual(30);
      expect(await count("SELECT COUNT(*) AS n FROM server_facts WHERE report_date = ? AND role_ids = ''", D2)).toBeGreaterThan(0);
      // Churn: each day lost five servers and changed others.
      const perDay = await db.query<{ d: string; n: number }>("SELECT report_date AS d, COUNT(*) AS n FROM server_facts GROUP BY report_date ORDER BY d");
      expect(perDay.map((r) => [r.d, Number(r.n)])).toEqual([[D1, FLEET], [D2, FLEET - 5], [D3, FLEET - 10]]);
    });
  });

  test("sentinels never enter a sum: an unknown socket count or core count contributes 0", async () => {
    const site = (await aggregates(dw, [D1])).server_by_site;
    // date|site|region|status|servers|sockets|cores|memory (thousandths)
    expect(site).toContain(`${D1}|AGS1|<unknown>|active|1|0|0|100500`);
    expect(site).toContain(`${D1}|AGS2|<unknown>|active|1|2|0|0`);
    expect(site).toContain(`${D1}|AGS3|<unknown>|active|1|4|32|64000`);
    // Over the whole day: sockets are the known counts only, which differs from a naive SUM.
    await withWarehouse(dw, async (db) => {
      const [f] = await db.query<{ known: string; naive: string }>(
        "SELECT SUM(CASE WHEN cpu_count >= 0 THEN cpu_count ELSE 0 END) AS known, SUM(cpu_count) AS naive FROM server_facts WHERE report_date = ?",
        [D2],
      );
      const [a] = await db.query<{ s: string }>("SELECT SUM(cpu_sockets) AS s FROM server_by_cpu WHERE report_date = ?", [D2]);
      expect(Number(a.s)).toBe(Number(f.known));
      expect(Number(f.naive)).toBeLessThan(Number(f.known));
    });
  });

  test("server_by_puppet_service: a server counts once per distinct service, whatever its roles", async () => {
    const puppet = (await aggregates(dw, [D1])).server_by_puppet_service;
    // The column's own collation decides (utf8mb4_bin / SQLite RTRIM): exact case, trailing spaces ignored.
    const servedBy = async (service: string) =>
      withWarehouse(dw, async (db) =>
        Number(
          (await db.query<{ n: number }>(
            "SELECT COUNT(DISTINCT id) AS n FROM server_fact_roles WHERE report_date = ? AND puppet_service = ?",
            [D1, service],
          ))[0].n,
        ),
      );
    const total = (service: string) =>
      puppet.filter((l) => l.split("|")[1] === service).reduce((n, l) => n + Number(l.split("|")[3]), 0);
    // 22 servers hold 'agg::shared' twice or with a trailing-space twin: each counts once.
    expect(total("agg::shared")).toBe(await servedBy("agg::shared"));
    expect(total("agg::shared")).toBe(22);
    expect(total("Agg::Shared")).toBe(1); // another case is another service
  });

  test("re-aggregating a day after an etl rerun replaces that day; the other days are untouched, but for what the next day saw retire", async () => {
    const before = await aggregates(dw, [D1, D3]);
    // AGS3's only server moves to AGS1; other servers break.
    await onSource("UPDATE servers_asset SET site_id = ? WHERE id = ?", [B + 1, ids[2]]);
    await onSource("UPDATE servers_asset SET status = 'broken' WHERE id IN (?)", [pick(200, 240)]);
    ok("etl rerun D2", await etl(source, dw, D2));
    const r = ok("aggregate --date D2", await aggregate(dw, "--date", D2));
    expect(r.stdout).toStartWith(`aggregate ${D2}: ok,`);
    const got = await aggregates(dw, [D2]);
    expect(got).toEqual(await expectedFor(dw, [D2]));
    expect(got.server_by_site.some((l) => l.startsWith(`${D2}|AGS3|`))).toBe(false); // the old row is gone
    expect(got.server_by_site).toContain(`${D2}|AGS1|<unknown>|active|2|4|32|164500`);
    // D3's server_retirements compare D3 with D2, so they are rebuilt with D2 (and equal the oracle); the rest is untouched.
    const { server_retirements: after, ...others } = await aggregates(dw, [D1, D3]);
    const { server_retirements: _, ...othersBefore } = before;
    expect(others).toEqual(othersBefore);
    expect(after).toEqual((await expectedFor(dw, [D1, D3])).server_retirements);
    // Idempotent: once more gives the same rows.
    ok("aggregate --date D2 again", await aggregate(dw, "--date", D2));
    expect(await aggregates(dw, [D2])).toEqual(got);
  }, 60_000);

  test("without a selector it builds the day of the newest successful etl run (the D2 rerun, not the newest date)", async () => {
    await withWarehouse(dw, (db) => db.execute("DELETE FROM server_by_team WHERE report_date = ?", [D2]));
    const r = ok("aggregate", await aggregate(dw));
    expect(r.stdout).toStartWith(`aggregate ${D2}: ok,`);
    expect((await aggregates(dw, [D2])).server_by_team).toEqual((await expectedFor(dw, [D2])).server_by_team);
  });

  test("--only builds the named tables and leaves the others alone", async () => {
    await withWarehouse(dw, async (db) => {
      for (const t of AGGREGATE_TABLE_NAMES) await db.execute(`DELETE FROM ${t} WHERE report_date = ?`, [D3]);
    });
    const r = ok("aggregate --only", await aggregate(dw, "--date", D3, "--only", "server_by_team,server_by_site"));
    expect(r.stdout).toMatch(new RegExp(`^aggregate ${D3}: ok, rows server_by_site=\\d+, server_by_team=\\d+; `));
    const got = await aggregates(dw, [D3]);
    const want = await expectedFor(dw, [D3]);
    expect(got.server_by_site).toEqual(want.server_by_site);
    expect(got.server_by_team).toEqual(want.server_by_team);
    for (const t of ["server_by_puppet_service", "server_by_vendor_model", "server_by_cpu"]) expect([t, got[t]]).toEqual([t, []]);
    ok("aggregate D3", await aggregate(dw, "--date", D3)); // whole again for the next tests
  });

  test("--date for a day without facts: exit 1, reported on stderr and in the summary, nothing changed", async () => {
    const before = await aggregates(dw);
    const r = await aggregate(dw, "--date", D0);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toStartWith("aggregate no day: nothing done,");
    expect(r.stdout).toContain(`no facts for ${D0}`);
    expect(r.stderr).toContain(`no facts for ${D0} (expired or never loaded); its aggregates are left as they are`);
    expect(r.stderr).toEndWith(`serverdb-etl: error: nothing aggregated: no facts for ${D0} (expired or never loaded); its aggregates are left as they are; pass a day that has facts, or --all\n`);
    expect(await aggregates(dw)).toEqual(before);
  });

  test("a range lists its days without facts and builds the others (exit 0); a range with none fails", async () => {
    const r = ok("aggregate range", await aggregate(dw, "--from", "2026-11-15", "--to", D1));
    expect(r.stdout).toStartWith(`aggregate ${D1}: ok,`);
    expect(r.stdout).toContain(`no facts for 2026-11-15, 2026-11-16, ${D0}`);
    expect(r.stderr).toContain(`no facts for 3 days (2026-11-15, 2026-11-16, ${D0}; expired or never loaded)`);
    const none = await aggregate(dw, "--from", "2026-10-01", "--to", "2026-10-31");
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain("no day from 2026-10-01 to 2026-10-31 has facts from a successful etl run (31 without facts, 0 skipped)");
  });

  test("a day whose newest etl run did not succeed is skipped with the reason: --date fails, --all goes on", async () => {
    const before = await aggregates(dw, [D3]);
    // A run of D3 that died mid-load ('running' for ever) may have rewritten part of the day.
    const { insertId } = await withWarehouse(dw, (db) =>
      db.execute("INSERT INTO etl_runs (kind, report_date, started_at, status, host, version) VALUES ('etl', ?, '2026-11-20 03:00:00', 'running', 'h', 'v')", [D3]),
    );
    await withWarehouse(dw, (db) => db.execute("UPDATE server_facts SET memory = memory + 1 WHERE report_date = ? AND id = ?", [D3, ids[300]]));
    try {
      const one = await aggregate(dw, "--date", D3);
      expect(one.exitCode).toBe(1);
      expect(one.stderr).toContain(`not aggregating ${D3}: its newest etl run (id ${insertId}) is 'running'`);
      expect(one.stderr).toContain(`rerun serverdb-etl etl --report-date ${D3}`);
      const all = ok("aggregate --all", await aggregate(dw, "--all"));
      expect(all.stdout).toStartWith(`aggregate 2 days ${D1} … ${D2}: ok,`);
      expect(all.stdout).toContain(`skipped ${D3} (newest etl run not successful)`);
      expect(await aggregates(dw, [D3])).toEqual(before);
    } finally {
      await withWarehouse(dw, (db) => db.execute("UPDATE etl_runs SET status = 'failed' WHERE id = ?", [insertId]));
    }
    ok("etl D3 again", await etl(source, dw, D3));
  }, 60_000);

  test("--all after an expire keeps the aggregates of the expired day", async () => {
    ok("aggregate --all", await aggregate(dw, "--all"));
    const d1 = await aggregates(dw, [D1]);
    expect(d1.server_by_site.length).toBeGreaterThan(0);
    // What expire does to a day's facts; the aggregates stay.
    await withWarehouse(dw, async (db) => {
      await db.execute("DELETE FROM server_facts WHERE report_date = ?", [D1]);
      await db.execute("DELETE FROM server_fact_roles WHERE report_date = ?", [D1]);
    });
    const r = ok("aggregate --all after expire", await aggregate(dw, "--all"));
    expect(r.stdout).toStartWith(`aggregate 2 days ${D2} … ${D3}: ok,`);
    expect(r.stderr).toBe(""); // --all asks only for days that have facts: nothing is missing
    expect(await aggregates(dw, [D1])).toEqual(d1);
    if (hasReplica(engine)) expect(await aggregates(dw, [D1], "replica")).toEqual(d1);
    expect(await aggregates(dw, [D2, D3])).toEqual(await expectedFor(dw, [D2, D3]));
  }, 60_000);

  test("takes the run lock: exit 75 while another run holds it", async () => {
    const lock = await holdRunLock(dw);
    try {
      const r = await aggregate(dw, "--all");
      expect(r.exitCode).toBe(75);
      expect(r.stdout).toBe("");
    } finally {
      await lock.release();
    }
  });

  if (engine === "sqlite") {
    test("SQLite's plans: each statement searches one day by an index leading with report_date, never scans a fact table", async () => {
      await withWarehouse(dw, async (db) => {
        for (const { table, insert } of AGGREGATE_TABLES) {
          const plan = await db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${insert}`, Array(placeholderCount(insert)).fill(D3));
          // A read of a fact table, by name or by a statement's alias (f, p, d: server_facts).
          const read = /^(?:SEARCH|SCAN) (?:\w+ AS )?(server_facts|server_fact_roles|f|p|d)\b/;
          const reads = plan.map((p) => p.detail).filter((d) => read.test(d));
          expect([table, reads.length > 0]).toEqual([table, true]);
          if (table === "server_retirements") {
            // The day (f), each server's fact on the previous day (p, the whole key), and that
            // day itself (d: MAX below the day, SQLite's min/max optimization reads one entry).
            expect(reads.map((d) => read.exec(d)![1]).sort()).toEqual(["d", "f", "p"]);
            expect(reads.find((d) => read.exec(d)![1] === "p")).toContain("(report_date=? AND id=?)");
          }
          for (const d of reads) {
            expect([table, d]).toEqual([table, expect.stringMatching(/^SEARCH /)]);
            expect([table, d]).toEqual([table, expect.stringMatching(/report_date=\?|PRIMARY KEY|sqlite_autoindex_server_facts_1/)]);
          }
        }
      });
    });
  }
});

// MariaDB's EXPLAIN (keys, access types, row estimates); SQLite's plans are checked above.
if (ENGINES.includes("mariadb")) describe("cost follows the days aggregated, not the history (EXPLAIN) [mariadb]", () => {
  let hist: TestWarehouse;
  const HISTORY_DAYS = 60;

  beforeAll(async () => {
    hist = await warehouseFor("mariadb", "aghist");
    ok("init", await runCli(["init", "--target", hist.dsn]));
    ok("etl", await etl(source, hist, D3));
    // 60 earlier days of the same fleet, copied server-side: history the statements must not read.
    await withDb(hist.name, async (db) => {
      const copy = (table: string, cols: readonly { name: string }[]) => {
        const list = cols.map((c) => c.name).join(", ");
        const select = cols.map((c) => (c.name === "report_date" ? "?" : c.name)).join(", ");
        return `INSERT INTO ${table} (${list}) SELECT ${select} FROM ${table} WHERE report_date = ?`;
      };
      for (let k = 1; k <= HISTORY_DAYS; k++) {
        const day = new Date(Date.parse(`${D3}T00:00:00Z`) - k * 86_400_000).toISOString().slice(0, 10);
        await addDayPartitions(db, [day]);
        await db.execute(copy("server_facts", FACT_COLUMNS), [day, D3]);
        await db.execute(copy("server_fact_roles", ROLE_COLUMNS), [day, D3]);
      }
      await db.query("ANALYZE TABLE server_facts, server_fact_roles");
    });
  }, 120_000);

  interface ExplainRow {
    table: string | null;
    type: string;
    key: string | null;
    rows: number | string;
    Extra: string | null;
  }
  /** Every row of EXPLAIN. */
  const explainAll = (sql: string, params: unknown[]) => withDb(hist.name, (db) => db.query<ExplainRow>(`EXPLAIN ${sql}`, params));
  /**
   * Base-table rows of EXPLAIN: not a materialized `<derivedN>` (it holds one day already), nor a
   * row without a table (a subquery answered at optimization, "Select tables optimized away").
   */
  const explain = async (sql: string, params: unknown[]) =>
    (await explainAll(sql, params)).filter((r): r is ExplainRow & { table: string } => r.table !== null && !r.table.startsWith("<"));

  for (const { table, insert } of AGGREGATE_TABLES) {
    test(`${table}: each fact table is read by a key on report_date, one day's rows, never scanned`, async () => {
      const rows = await explain(insert, Array(placeholderCount(insert)).fill(D3));
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        // f, p and d are the statements' aliases of server_facts (p: server_retirements' previous day);
        // r is server_retirements itself (a server recorded between the two days is not counted twice).
        if (r.table === "r") {
          expect([r.type, r.key]).toEqual([expect.stringMatching(/^(ref|range)$/), "id"]);
          continue;
        }
        const facts = ["server_facts", "f", "p", "d"].includes(r.table);
        expect(facts || r.table === "server_fact_roles").toBe(true);
        expect(["ref", "range", "eq_ref"]).toContain(r.type);
        // The facts' primary key (report_date, id): a day's range, or one fact per bridge row (eq_ref).
        if (facts) expect([r.table, r.key]).toEqual([r.table, "PRIMARY"]);
        // server_fact_roles' keys both lead with report_date.
        if (!facts) expect(["PRIMARY", "puppet_service"]).toContain(r.key!);
        // The estimate is about one day (800 servers, ~2 role rows each), not 61 days.
        expect(Number(r.rows)).toBeLessThan(FLEET * 4);
      }
    });
  }

  test("server_retirements: the day by the primary key's prefix, the previous day's fact of each server by the whole key, that day found from the key's end", async () => {
    const insert = AGGREGATE_TABLES.find((t) => t.table === "server_retirements")!.insert;
    const plan = await explainAll(insert, Array(placeholderCount(insert)).fill(D3));
    const f = plan.find((r) => r.table === "f")!;
    const p = plan.find((r) => r.table === "p")!;
    expect([f.type, f.key]).toEqual([expect.stringMatching(/^(ref|range)$/), "PRIMARY"]);
    expect([p.type, p.key]).toEqual([expect.stringMatching(/^(eq_ref|ref)$/), "PRIMARY"]);
    expect(Number(p.rows)).toBe(1); // one fact per server of the day
    // MAX(report_date) below the day: read from the index, not by scanning the 60 days below it.
    expect(plan.some((r) => r.table === "d")).toBe(false);
    expect(plan.filter((r) => r.table === null).map((r) => r.Extra)).toEqual(["Select tables optimized away"]);
  });

  test("finding the days with facts reads the primary key's report_date prefix only (a loose index scan)", async () => {
    const [r] = await explain(engineSql("mysql", "fact_days"), ["1000-01-01", "9999-12-31"]);
    expect(r.key).toBe("PRIMARY");
    expect(r.type).toBe("range");
    expect(r.Extra).toContain("Using index for group-by");
  });

  test("aggregating the newest day with 60 days of history equals the oracle for that day alone", async () => {
    const r = ok("aggregate", await aggregate(hist, "--date", D3));
    expect(r.stdout).toStartWith(`aggregate ${D3}: ok,`);
    expect(await aggregates(hist)).toEqual(await expectedFor(hist, [D3]));
  });
});
