// `run`, the nightly job, into each warehouse engine (ENGINES: the test bed's MariaDB primary +
// replica, and a SQLite file) from one generated MariaDB source: end to end (facts, bridge,
// aggregates, etl_runs, expiry of an old day, the replica on MariaDB), and the ways it stops:
// the source down (`step etl`), schema drift (`step init`, exit 3), the lock held (exit 75), each
// leaving the days already in the warehouse as they were.
import { beforeAll, describe, expect, test } from "bun:test";
import type { MysqlDb } from "../../../src/engine/mysql/mysql-db.ts";
import { quoteIdent } from "../../../src/engine/ident.ts";
import { connect, dsn, freshDatabase, runCli, servers, waitForReplica, type CliResult, ok, withDb } from "../../support/servers.ts";
import { ENGINES, hasReplica, holdRunLock, warehouseFor, withWarehouse, type Engine, type TestWarehouse } from "../../support/engines.ts";
import { expectedFacts, firstDifference, readWarehouseDay } from "../../support/expected-facts.ts";

const D = "2026-11-20";
const SEED = 8128;
const FLEET = 500;
/** Every aggregate table, written out here (not the registry) so that one the run forgets fails; server_retirements may be empty on a day. */
const AGGREGATES = ["server_by_cpu", "server_by_puppet_service", "server_by_site", "server_by_team", "server_by_vendor_model", "server_retirements"];
const DENSE = AGGREGATES.filter((t) => t !== "server_retirements");

/** 'YYYY-MM-DD' plus n days, and its ISO weekday (1=Mon), computed here with Date, not with the code under test. */
const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const weekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** stderr without the warning every past --report-date earns ("… is not today"). */
const errorLines = (r: CliResult) =>
  r.stderr
    .trimEnd()
    .split("\n")
    .filter((l) => l && !/is not today/.test(l));

/** A port on which nothing listens (bound once by us, then closed). */
function closedPort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

function runArgs(source: string, dw: TestWarehouse, reportDate: string, extra: string[] = []): string[] {
  const { primary } = servers();
  return [
    "run",
    "--source", source.startsWith("mysql://") ? source : dsn(primary, source),
    "--target", dw.dsn,
    ...dw.replicaArgs,
    "--report-date", reportDate,
    ...extra,
  ];
}

type Server = "primary" | "replica";
const count = (dw: TestWarehouse, sql: string, params: unknown[] = [], server: Server = "primary") =>
  withWarehouse(dw, async (db) => Number((await db.query<{ n: number | string }>(sql, params))[0]!.n), server);
const factsOn = (dw: TestWarehouse, day: string, server: Server = "primary") =>
  count(dw, "SELECT COUNT(*) AS n FROM server_facts WHERE report_date = ?", [day], server);
const rolesOn = (dw: TestWarehouse, day: string, server: Server = "primary") =>
  count(dw, "SELECT COUNT(*) AS n FROM server_fact_roles WHERE report_date = ?", [day], server);
// report_date reads back as 'YYYY-MM-DD' text on both engines (mysql2 dateStrings; SQLite TEXT).
const runs = (dw: TestWarehouse) =>
  withWarehouse(dw, (db) => db.query<{ id: number; status: string; d: string }>("SELECT id, status, report_date AS d FROM etl_runs ORDER BY id"));

/** Every aggregate row of `day`, as text, in a stable order: what "left intact" compares. */
async function aggregatesOn(dw: TestWarehouse, day: string, server: Server = "primary", tables = AGGREGATES): Promise<Record<string, string[]>> {
  return withWarehouse(
    dw,
    async (db) => {
      const out: Record<string, string[]> = {};
      for (const table of tables) {
        const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${quoteIdent(table)} WHERE report_date = ?`, [day]);
        out[table] = rows.map((r) => JSON.stringify(Object.values(r).map(String))).sort();
      }
      return out;
    },
    server,
  );
}

let source: string;
const warehouses = new Map<Engine, TestWarehouse>();
let expectedServers: number;
let expectedRoles: number;

beforeAll(async () => {
  const { primary } = servers();
  source = await freshDatabase("run_src");
  ok(
    "generate",
    await runCli(["generate", "--source", dsn(primary, source), "--servers", String(FLEET), "--seed", String(SEED), "--end-date", D], {
      timeoutMs: 180_000,
    }),
  );
  // The oracle: the facts docs/data-contract.md says this source yields, computed by the test's own code.
  const expected = await withDb(source, (db) => expectedFacts(db));
  expectedServers = expected.facts.length;
  expectedRoles = expected.roles.length;
  for (const engine of ENGINES) {
    const dw = await warehouseFor(engine, "run_dw");
    ok(`init [${engine}]`, await runCli(["init", "--target", dw.dsn]));
    warehouses.set(engine, dw);
  }
}, 180_000);

/** The warehouse copied, then `change` made to the copy (by default one column of server_facts dropped: a drifted warehouse). */
async function driftedCopy(dw: TestWarehouse, change = "ALTER TABLE server_facts DROP COLUMN memory"): Promise<TestWarehouse> {
  const copy = await warehouseFor(dw.engine, "run_drift");
  if (dw.engine === "sqlite") {
    await withWarehouse(dw, (db) => db.execute("VACUUM INTO ?", [copy.name]));
    await withWarehouse(copy, (db) => db.execute(change));
    return copy;
  }
  await withDb(copy.name, async (db) => {
    const tables = (await db.query<Record<string, string>>(`SHOW TABLES FROM ${quoteIdent(dw.name)}`)).map((r) => Object.values(r)[0]!);
    expect(tables).toContain("server_facts");
    for (const t of tables) {
      await db.execute(`CREATE TABLE ${quoteIdent(t)} LIKE ${quoteIdent(dw.name)}.${quoteIdent(t)}`);
      await db.execute(`INSERT INTO ${quoteIdent(t)} SELECT * FROM ${quoteIdent(dw.name)}.${quoteIdent(t)}`);
    }
    await db.execute(change);
  });
  return copy;
}

for (const engine of ENGINES) describe(`run [${engine}]`, () => {
  let dw: TestWarehouse;
  beforeAll(() => {
    dw = warehouses.get(engine)!;
  });

  describe("run end to end", () => {
    test("init --check, etl, aggregate and expire of one night: facts, bridge, aggregates, etl_runs, an old day expired, a replica in step", async () => {
      const { primary } = servers();
      // An old week in the warehouse: its Monday and a later day (older than --keep-daily 90).
      // Retention keeps the Monday as the week's snapshot and must delete the other day.
      const old = weekday(plusDays(D, -200)) === 1 ? plusDays(D, -201) : plusDays(D, -200);
      const monday = plusDays(old, 1 - weekday(old));
      expect(weekday(monday)).toBe(1);
      expect(monday < old).toBe(true);
      for (const day of [monday, old]) {
        ok(`etl ${day}`, await runCli(["etl", "--source", dsn(primary, source), "--target", dw.dsn, "--report-date", day]));
      }
      expect(await factsOn(dw, old)).toBe(expectedServers);
      // Three servers in use go out of service before the night of D: its retirements, against `old`.
      const retiring = (await withDb(source, (db) => db.query<{ id: number }>("SELECT id FROM servers_asset WHERE status = 'in_use' ORDER BY id LIMIT 3"))).map((x) => Number(x.id));
      expect(retiring).toHaveLength(3);
      await withDb(source, (db) => db.execute("UPDATE servers_asset SET status = 'retired' WHERE id IN (?)", [retiring]));

      const r = ok("run", await runCli(runArgs(source, dw, D), { timeoutMs: 120_000 }));
      // One line per step as it ends, then the run's line.
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines).toHaveLength(5);
      expect(lines[0]).toStartWith("init --check: ok");
      expect(lines[1]).toStartWith(`etl ${D} run `);
      expect(lines[1]).toContain(`${expectedServers} loaded`);
      expect(lines[2]).toStartWith(`aggregate ${D}: ok`);
      expect(lines[3]).toMatch(/^expire: 1 days? deleted/);
      expect(lines[4]).toStartWith(`run ${D}: ok, ${expectedServers} servers loaded`);
      expect(errorLines(r)).toEqual([]);

      // etl: every server of the source, and its roles, on D; the run recorded as a success.
      expect(await factsOn(dw, D)).toBe(expectedServers);
      expect(await rolesOn(dw, D)).toBe(expectedRoles);
      expect(expectedRoles).toBeGreaterThan(0);
      const last = (await runs(dw)).at(-1)!;
      expect([last.status, last.d]).toEqual(["success", D]);
      expect(lines[1]).toContain(`run ${last.id}:`);

      // aggregate: every table has D, and server_by_site equals a GROUP BY over D's facts.
      for (const table of DENSE) {
        expect([table, await count(dw, `SELECT COUNT(*) AS n FROM ${quoteIdent(table)} WHERE report_date = ?`, [D])]).not.toEqual([table, 0]);
      }
      const [bySite, independent] = await withWarehouse(dw, async (db) => [
        await db.query("SELECT site, region, status, servers FROM server_by_site WHERE report_date = ? ORDER BY site, region, status", [D]),
        await db.query(
          "SELECT site, region, status, COUNT(*) AS servers FROM server_facts WHERE report_date = ? GROUP BY site, region, status ORDER BY site, region, status",
          [D],
        ),
      ]);
      expect(bySite.map((x) => ({ ...x, servers: Number(x.servers) }))).toEqual(independent.map((x) => ({ ...x, servers: Number(x.servers) })));
      expect(bySite.reduce((n, x) => n + Number(x.servers), 0)).toBe(expectedServers);
      // server_retirements: exactly the three, each against the fact day before D (`old`, which expire then deleted).
      const retired = await withWarehouse(dw, (db) => db.query<{ id: number; p: string }>("SELECT id, previous_day AS p FROM server_retirements WHERE report_date = ? ORDER BY id", [D]));
      expect(retired.map((x) => [Number(x.id), String(x.p)])).toEqual(retiring.map((id) => [id, old]));

      // expire: the old non-Monday is gone (facts and bridge), its week's Monday stays.
      expect(await factsOn(dw, old)).toBe(0);
      expect(await rolesOn(dw, old)).toBe(0);
      expect(await factsOn(dw, monday)).toBe(expectedServers);
      expect(await rolesOn(dw, monday)).toBe(expectedRoles);

      // The replica has all of it (the run waited for it; this wait only makes the check exact).
      if (hasReplica(engine)) {
        await waitForReplica();
        expect(await factsOn(dw, D, "replica")).toBe(expectedServers);
        expect(await factsOn(dw, old, "replica")).toBe(0);
        expect(await aggregatesOn(dw, D, "replica")).toEqual(await aggregatesOn(dw, D));
      }
    }, 180_000);
  });

  describe("run stops at the first failing step", () => {
    test("the source down: `step etl`, exit 1, and the days already loaded (facts, bridge, aggregates) untouched", async () => {
      const day = await withWarehouse(dw, (db) => readWarehouseDay(db, D));
      const aggregates = await aggregatesOn(dw, D);
      const runsBefore = await runs(dw);
      expect(day.facts.length).toBe(expectedServers);

      const port = closedPort();
      const r = await runCli(runArgs(`mysql://root@127.0.0.1:${port}/${source}`, dw, plusDays(D, 1)), { timeoutMs: 60_000 });
      expect(r.exitCode).toBe(1);
      const errors = errorLines(r);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toStartWith("serverdb-etl: error: step etl: ");
      expect(errors[0]).toContain(`127.0.0.1:${port}`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      // It got as far as the schema check, and no further.
      expect(r.stdout).toStartWith("init --check: ok");
      expect(r.stdout).not.toMatch(/^(aggregate|expire|run) /m);

      const after = await withWarehouse(dw, (db) => readWarehouseDay(db, D));
      expect(firstDifference("server_facts", after.facts, day.facts)).toBeUndefined();
      expect(firstDifference("server_fact_roles", after.roles, day.roles)).toBeUndefined();
      expect(after.runIds).toEqual(day.runIds);
      expect(await aggregatesOn(dw, D)).toEqual(aggregates);
      expect(await factsOn(dw, plusDays(D, 1))).toBe(0);
      expect(await runs(dw)).toEqual(runsBefore);
    }, 90_000);

    test("schema drift: `step init`, exit 3, the fix on stdout, nothing written", async () => {
      const copy = await driftedCopy(dw);
      const runsBefore = await runs(copy);
      const factsBefore = await count(copy, "SELECT COUNT(*) AS n FROM server_facts");
      expect(runsBefore.length).toBeGreaterThan(0);

      const r = await runCli(runArgs(source, copy, plusDays(D, 1)), { timeoutMs: 60_000 });
      expect(r.exitCode).toBe(3);
      const errors = errorLines(r);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toStartWith("serverdb-etl: error: step init: ");
      expect(errors[0]).toContain("server_facts");
      expect(errors[0]).toContain("serverdb-etl init --check");
      // The migration a DBA would review, as `init --check` prints it: an ALTER, or SQLite's rebuild.
      expect(r.stdout).toMatch(engine === "sqlite" ? /CREATE TABLE "server_facts__serverdb_etl_new"[\s\S]*\n  memory +REAL NOT NULL/ : /ALTER TABLE `server_facts`[\s\S]*ADD COLUMN `memory`/);
      expect(r.stdout).not.toMatch(/^(etl|aggregate|expire|run) /m);

      expect(await runs(copy)).toEqual(runsBefore);
      expect(await count(copy, "SELECT COUNT(*) AS n FROM server_facts")).toBe(factsBefore);
      expect(await factsOn(copy, plusDays(D, 1))).toBe(0);
    }, 90_000);

    // The upgrade to the version that adds server_retirements, done as the README says.
    test("a warehouse of the version before server_retirements: `step init`, exit 3, one line naming init and aggregate --all; doing that makes it run", async () => {
      const copy = await driftedCopy(dw, "DROP TABLE server_retirements");
      const runsBefore = await runs(copy);
      const next = plusDays(D, 1);
      const r = await runCli(runArgs(source, copy, next), { timeoutMs: 60_000 });
      expect(r.exitCode).toBe(3);
      expect(errorLines(r)).toEqual([
        "serverdb-etl: error: step init: the warehouse schema differs from this version's (1 difference in server_retirements; no table was altered): " +
          "run serverdb-etl init to create the missing tables (server_retirements; it creates only those and alters no other table), " +
          "then serverdb-etl aggregate --all to build server_retirements from the facts kept, then rerun serverdb-etl init --check",
      ]);
      expect(r.stdout).toContain("-- server_retirements: table is missing; run serverdb-etl init to create it\n");
      expect(r.stdout).toContain(engine === "sqlite" ? "(sqlite3 " : "(mysql ");
      expect(r.stdout).not.toMatch(/^(etl|aggregate|expire|run) /m);
      expect(await runs(copy)).toEqual(runsBefore);
      expect(await factsOn(copy, next)).toBe(0);

      // The fix as printed: init creates that table and nothing else; aggregate --all fills it.
      const before = await aggregatesOn(copy, D, "primary", DENSE);
      const init = ok("init", await runCli(["init", "--target", copy.dsn]));
      expect(init.stdout).toBe(`-- serverdb-etl: created table server_retirements in ${copy.label}\n`);
      ok("aggregate --all", await runCli(["aggregate", "--all", "--target", copy.dsn]));
      const after = await aggregatesOn(copy, D);
      // The same three servers; the fact day before D is now the Monday `old`'s week kept (expire deleted `old`).
      const seen = await withWarehouse(copy, (db) => db.query<{ id: number; p: string }>("SELECT id, previous_day AS p FROM server_retirements ORDER BY report_date, id"));
      const nightly = await withWarehouse(dw, (db) => db.query<{ id: number; p: string }>("SELECT id, previous_day AS p FROM server_retirements WHERE report_date = ? ORDER BY id", [D]));
      expect(seen.map((x) => Number(x.id))).toEqual(nightly.map((x) => Number(x.id)));
      expect(seen).toHaveLength(3);
      const old = weekday(plusDays(D, -200)) === 1 ? plusDays(D, -201) : plusDays(D, -200); // as the end-to-end test made it
      expect(seen.map((x) => String(x.p))).toEqual(Array(3).fill(plusDays(old, 1 - weekday(old))));
      expect(nightly.map((x) => String(x.p))).toEqual(Array(3).fill(old));
      expect(after.server_retirements).toHaveLength(3);
      for (const t of DENSE) expect([t, after[t]]).toEqual([t, before[t]]);
      ok("run", await runCli(runArgs(source, copy, next), { timeoutMs: 120_000 }));
    }, 120_000);

    test("another run holds the lock: exit 75 at once, nothing written", async () => {
      const runsBefore = await runs(dw);
      const holder = await holdRunLock(dw);
      try {
        const started = performance.now();
        const r = await runCli(runArgs(source, dw, plusDays(D, 1)), { timeoutMs: 60_000 });
        expect(r.exitCode).toBe(75);
        expect((performance.now() - started) / 1000).toBeLessThan(20);
        const errors = errorLines(r);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toContain(`another serverdb-etl run holds the lock on ${engine === "sqlite" ? dw.label : dw.name}`);
        expect(r.stdout).toBe("");
      } finally {
        await holder.release();
      }
      expect(await runs(dw)).toEqual(runsBefore);
      expect(await factsOn(dw, plusDays(D, 1))).toBe(0);
    }, 60_000);
  });

  describe("--skip-expire", () => {
    test("runs init --check, etl and aggregate, and deletes no day that expire would", async () => {
      const { primary } = servers();
      // An old week without its Monday: retention keeps its Tuesday (the week's earliest day
      // present) and lets its Wednesday go.
      const tuesday = plusDays(D, -300 - ((weekday(plusDays(D, -300)) + 5) % 7));
      expect(weekday(tuesday)).toBe(2);
      const wednesday = plusDays(tuesday, 1);
      for (const day of [tuesday, wednesday]) {
        ok(`etl ${day}`, await runCli(["etl", "--source", dsn(primary, source), "--target", dw.dsn, "--report-date", day]));
      }
      const next = plusDays(D, 2);
      const r = ok("run --skip-expire", await runCli(runArgs(source, dw, next, ["--skip-expire"]), { timeoutMs: 120_000 }));
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines.map((l) => l.split(" ")[0])).toEqual(["init", "etl", "aggregate", "run"]);
      expect(lines[3]).toContain("expire skipped");
      expect(await factsOn(dw, next)).toBe(expectedServers);
      expect(await count(dw, "SELECT SUM(servers) AS n FROM server_by_site WHERE report_date = ?", [next])).toBe(expectedServers);
      expect(await factsOn(dw, wednesday)).toBe(expectedServers);

      // The same night without the flag: the Wednesday goes, its week keeps the Tuesday.
      const again = ok("run", await runCli(runArgs(source, dw, next), { timeoutMs: 120_000 }));
      expect(again.stdout).toMatch(/^expire: 1 days? deleted/m);
      expect(await factsOn(dw, wednesday)).toBe(0);
      expect(await factsOn(dw, tuesday)).toBe(expectedServers);
    }, 120_000);
  });
});
