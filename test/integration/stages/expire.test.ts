// `expire` on each warehouse engine (ENGINES: the test bed's primary + replica, and a SQLite
// file): a 400-day calendar with gaps (see test/support/retention-oracle.ts), moved to end today
// (UTC, as --timezone UTC), plus two days after today, of synthetic facts and bridge rows written
// with SQL. The dry run lists every day with the oracle's reason and writes nothing; the real run
// is refused as a large delete without --allow-large-delete, then leaves exactly the oracle's
// days in server_facts and server_fact_roles, keeps the aggregates, and on MariaDB deletes in
// batches (counted by GTIDs) and has waited for the replica.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { MysqlDb } from "../../../src/engine/mysql/mysql-db.ts";
import { quoteIdent } from "../../../src/engine/ident.ts";
import { SQL, engineSql } from "../../../src/sql.ts";
import { aggregateTableNames } from "../../../src/stages/expire.ts";
import { connect, dsn, freshDatabase, runCli, servers, type CliResult, withDb } from "../../support/servers.ts";
import { ENGINES, hasReplica, holdRunLock, warehouseFor, watchWrites, withWarehouse, type TestWarehouse } from "../../support/engines.ts";
import {
  BIG, FACT_COLUMNS, ORPHAN_NEW, ORPHAN_OLD, SHIFT, SMALL_FACTS, SMALL_ROLES, TODAY, expireDates, fillExpireWarehouse, insertRows, plusDays,
} from "../../support/expire-fixture.ts";
import { oracleDayName, oracleDecisions, oracleIsoWeek, type OracleDecision } from "../../support/retention-oracle.ts";
import { addDayPartitions } from "../../support/day-partitions.ts";

const BATCH = 500;
function ok(what: string, r: CliResult): CliResult {
  if (r.exitCode !== 0) throw new Error(`${what} exited ${r.exitCode}\nstdout: ${r.stdout.slice(-3000)}\nstderr: ${r.stderr.slice(-3000)}`);
  return r;
}

async function fillWarehouse(dw: TestWarehouse, dates: readonly string[], bigDay: string | undefined, orphans: readonly string[]): Promise<void> {
  await withWarehouse(dw, (db) => fillExpireWarehouse(db, dates, bigDay, orphans));
}

type DayCounts = Record<string, number>;

async function perDay(dw: TestWarehouse, table: string, server: "primary" | "replica" = "primary"): Promise<DayCounts> {
  return withWarehouse(
    dw,
    async (db) => {
      const rows = await db.query<{ d: string; n: number }>(`SELECT report_date AS d, COUNT(*) AS n FROM ${quoteIdent(table)} GROUP BY report_date ORDER BY report_date`);
      return Object.fromEntries(rows.map((r) => [String(r.d), Number(r.n)]));
    },
    server,
  );
}

async function gtidSeq(): Promise<number> {
  return withDb("", async (db) => {
    const [{ pos }] = await db.query<{ pos: string }>("SELECT @@GLOBAL.gtid_binlog_pos AS pos");
    const parts = pos.split(",").filter(Boolean);
    expect(parts.length).toBe(1); // one replication domain: the sequence number counts transactions
    return Number(parts[0]!.split("-")[2]);
  });
}

function expire(dw: TestWarehouse, extra: string[]): Promise<CliResult> {
  return runCli(["expire", "--target", dw.dsn, ...dw.replicaArgs, "--batch-size", String(BATCH), "--timezone", "UTC", ...extra], {
    timeoutMs: 120_000,
  });
}

/** The dry run's table as [date, weekday, iso_week, action, reason] rows (header checked). */
function parseTable(stdout: string): string[][] {
  const lines = stdout.trimEnd().split("\n");
  expect(lines[0]!.split(/ {2,}/)).toEqual(["date", "weekday", "iso_week", "action", "reason"]);
  return lines.slice(1, -1).map((l) => l.split(/ {2,}/));
}

const pick = (counts: DayCounts, days: Iterable<string>) => Object.fromEntries([...days].filter((d) => d in counts).map((d) => [d, counts[d]!]));

for (const engine of ENGINES) describe(`expire on a 400-day calendar with gaps [${engine}]`, () => {
  const dates = expireDates();
  const oracle: OracleDecision[] = oracleDecisions(dates, 90, "monday", TODAY);
  const kept = oracle.filter((d) => d.keep).map((d) => d.date);
  const doomed = oracle.filter((d) => !d.keep).map((d) => d.date);
  const bigDay = doomed.find((d) => d >= plusDays("2026-09-01", SHIFT))!;
  let dw: TestWarehouse;
  let aggregatesBefore: Record<string, DayCounts>;

  beforeAll(async () => {
    dw = await warehouseFor(engine, "expire");
    ok("init", await runCli(["init", "--target", dw.dsn]));
    await fillWarehouse(dw, dates, bigDay, [ORPHAN_OLD, ORPHAN_NEW]);
    aggregatesBefore = {};
    for (const t of aggregateTableNames()) aggregatesBefore[t] = await perDay(dw, t);
  }, 60_000);

  test("the fixture is what the assertions assume", async () => {
    expect(doomed.length).toBeGreaterThan(150);
    expect(kept.length).toBeGreaterThan(120);
    expect(bigDay).toBeDefined();
    const facts = await perDay(dw, "server_facts");
    expect(Object.keys(facts)).toEqual(dates);
    expect(facts[bigDay]).toBe(SMALL_FACTS + BIG);
    // The aggregate tables came with init (the registry's server_by_* tables) and hold every day.
    expect(aggregateTableNames().length).toBeGreaterThan(0);
    for (const t of aggregateTableNames()) expect(Object.keys(aggregatesBefore[t]!)).toEqual(dates);
  });

  test("--dry-run lists every day with the oracle's decision and reason, and writes nothing", async () => {
    const factsBefore = await perDay(dw, "server_facts");
    const rolesBefore = await perDay(dw, "server_fact_roles");
    const writes = await watchWrites(dw);
    const r = ok("expire --dry-run", await expire(dw, ["--dry-run"]));
    const expected = [
      ...oracle,
      { date: ORPHAN_OLD, keep: false, reason: "expired (bridge rows only, no facts)" },
      { date: ORPHAN_NEW, keep: true, reason: "daily (bridge rows only, no facts)" },
    ]
      .sort((a, b) => (a.date < b.date ? -1 : 1))
      .map((d) => [d.date, oracleDayName(d.date), oracleIsoWeek(d.date), d.keep ? "keep" : "delete", d.reason]);
    expect(parseTable(r.stdout)).toEqual(expected);
    // The reasons of docs/data-contract.md "Retention" all occur.
    const reasons = new Set(expected.map((row) => row[4]!.replace(/\d{4}-W\d\d/, "W")));
    for (const reason of ["daily", "weekly: monday", "weekly: earliest in week W", "after today (never expired)", "expired"]) expect(reasons).toContain(reason);
    // The rows that would go: every doomed day's three servers and three bridge rows, the big day's, the old orphan's.
    expect(r.stdout.trimEnd().split("\n").pop()).toBe(
      `expire (dry run): ${doomed.length + 1} of ${expected.length} days would be deleted ` +
        `(${doomed.length * SMALL_FACTS + BIG} fact rows, ${doomed.length * SMALL_ROLES + BIG + 1} bridge rows), ${kept.length + 1} kept; ` +
        "nothing was changed; a real run would refuse: more than --max-delete-share 10% of the days, pass --allow-large-delete if this is meant" +
        `; target ${dw.dsn}`,
    );
    expect(await writes.changed()).toBe(false);
    await writes.close();
    expect(await perDay(dw, "server_facts")).toEqual(factsBefore);
    expect(await perDay(dw, "server_fact_roles")).toEqual(rolesBefore);
  });

  test("without --allow-large-delete it deletes nothing (exit 2) and says what it would have deleted", async () => {
    const writes = await watchWrites(dw);
    const r = await expire(dw, []);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n").filter((l) => !l.includes("after today"))).toEqual([
      // Days present: the calendar's and the two orphan days.
      `serverdb-etl: error: expire would delete ${doomed.length + 1} of ${dates.length + 2} days ` +
        `(${Math.round((100 * (doomed.length + 1)) / (dates.length + 2))}%; ${ORPHAN_OLD} … ${doomed.at(-1)}): ` +
        `${doomed.length * SMALL_FACTS + BIG} fact rows, ${doomed.length * SMALL_ROLES + BIG + 1} bridge rows, ` +
        "more than --max-delete-share 10% of the days in one run, so nothing was deleted: check the policy (every day of the last 90, " +
        "then one monday a week; expire --dry-run lists each day), or pass --allow-large-delete",
    ]);
    expect(await writes.changed()).toBe(false);
    await writes.close();
  });

  test("expire keeps exactly the oracle's days, in batches, aggregates untouched, and a replica already matches", async () => {
    const factsBefore = await perDay(dw, "server_facts");
    const rolesBefore = await perDay(dw, "server_fact_roles");
    const gtid = hasReplica(engine) ? await gtidSeq() : 0;
    const r = ok("expire", await expire(dw, ["--allow-large-delete"]));
    const gtidAfter = hasReplica(engine) ? await gtidSeq() : 0;

    const facts = await perDay(dw, "server_facts");
    const roles = await perDay(dw, "server_fact_roles");
    expect(Object.keys(facts)).toEqual(kept);
    expect(Object.keys(roles)).toEqual([...kept, ORPHAN_NEW].sort());
    // Kept days are untouched.
    expect(facts).toEqual(pick(factsBefore, kept));
    expect(roles).toEqual(pick(rolesBefore, [...kept, ORPHAN_NEW]));

    // MariaDB's tables hold a partition per day: the days' partitions go, one ALTER TABLE per 50
    // days and table (the old orphan day's too), nothing else is written; the big day costs no
    // more than a small one. (GTIDs count MariaDB's transactions; SQLite has no such counter, and
    // deletes a day in transactions of --batch-size rows, tested below for the access paths.)
    if (hasReplica(engine)) expect(gtidAfter - gtid).toBe(2 * Math.ceil((doomed.length + 1) / 50));

    const factsRemoved = doomed.length * SMALL_FACTS + BIG;
    const rolesRemoved = doomed.length * SMALL_ROLES + BIG + 1;
    expect(r.stdout).toMatch(
      new RegExp(
        `^expire: ${doomed.length + 1} days deleted \\(${ORPHAN_OLD} … ${doomed[doomed.length - 1]}\\), ${factsRemoved} fact rows, ` +
          `${rolesRemoved} bridge rows removed; ${kept.length + 1} days kept; replica wait \\d+\\.\\d s, total \\d+\\.\\d s; target \\S+\\n$`,
      ),
    );

    // The command waited for the replica: it matches the moment the command returns.
    if (hasReplica(engine)) {
      expect(await perDay(dw, "server_facts", "replica")).toEqual(facts);
      expect(await perDay(dw, "server_fact_roles", "replica")).toEqual(roles);
    }

    // Aggregates keep daily resolution for ever.
    for (const t of aggregateTableNames()) expect(await perDay(dw, t)).toEqual(aggregatesBefore[t]!);
  });

  test("a second expire finds nothing to delete and writes nothing", async () => {
    const writes = await watchWrites(dw);
    const r = ok("expire again", await expire(dw, []));
    expect(r.stdout).toMatch(/^expire: 0 days deleted, 0 fact rows, 0 bridge rows removed; \d+ days kept/);
    expect(await writes.changed()).toBe(false);
    await writes.close();
  });
});

for (const engine of ENGINES) describe(`expire options [${engine}]`, () => {
  let dw: TestWarehouse;
  // 2026-03-02 is a Monday; 28 consecutive days, so four ISO weeks (2026-W10 … W13).
  const dates = Array.from({ length: 28 }, (_, i) => new Date(Date.UTC(2026, 2, 2 + i)).toISOString().slice(0, 10));
  let lockHolder: { release(): Promise<void> } | undefined;

  beforeAll(async () => {
    dw = await warehouseFor(engine, "expire_opt");
    ok("init", await runCli(["init", "--target", dw.dsn]));
    await fillWarehouse(dw, dates, undefined, []);
  }, 60_000);

  afterAll(async () => {
    await lockHolder?.release();
  });

  test("a bad --keep-weekday is a one-line usage error (exit 2) before anything connects", async () => {
    const r = await runCli(["expire", "--target", "mysql://root@127.0.0.1:1/nowhere", "--keep-weekday", "funday"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      'serverdb-etl: error: --keep-weekday "funday": use a day name, monday … sunday (or mon … sun)',
    ]);
    const r2 = await runCli(["expire", "--target", "mysql://root@127.0.0.1:1/nowhere", "--keep-daily", "0"]);
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr).toContain("--keep-daily must be a positive whole number");
  });

  test("another run holding the lock: exit 75, nothing deleted; a dry run does not need the lock", async () => {
    lockHolder = await holdRunLock(dw);
    const before = await perDay(dw, "server_facts");
    const r = await expire(dw, ["--keep-daily", "3"]);
    expect(r.exitCode).toBe(75);
    expect(await perDay(dw, "server_facts")).toEqual(before);
    const dry = ok("dry run under a held lock", await expire(dw, ["--keep-daily", "3", "--dry-run"]));
    expect(dry.stdout).toContain("would be deleted");
    await lockHolder.release();
    lockHolder = undefined;
  });

  test("--keep-daily 3 --keep-weekday sun --include-aggregates: the Sundays and the last 3 days stay, aggregates of the rest go", async () => {
    const r = ok("expire", await expire(dw, ["--keep-daily", "3", "--keep-weekday", "SUN", "--include-aggregates", "--allow-large-delete"]));
    const expectedKept = oracleDecisions(dates, 3, "sunday", TODAY).filter((d) => d.keep).map((d) => d.date);
    // By hand: the Sundays of W10, W11, W12 and the last three days (W13's Sunday among them).
    expect(expectedKept).toEqual(["2026-03-08", "2026-03-15", "2026-03-22", "2026-03-27", "2026-03-28", "2026-03-29"]);
    expect(Object.keys(await perDay(dw, "server_facts"))).toEqual(expectedKept);
    expect(Object.keys(await perDay(dw, "server_fact_roles"))).toEqual(expectedKept);
    const tables = aggregateTableNames();
    for (const t of tables) expect(Object.keys(await perDay(dw, t))).toEqual(expectedKept);
    expect(r.stdout).toContain(`, ${(dates.length - expectedKept.length) * tables.length} aggregate rows removed;`);
    if (hasReplica(engine)) for (const t of tables) expect(await perDay(dw, t, "replica")).toEqual(await perDay(dw, t));
  });
});

// MariaDB's EXPLAIN and handler counters; SQLite's plans are checked in the describe after it.
if (ENGINES.includes("mariadb")) describe("access paths of the batched delete (days of equal size, as in production) [mariadb]", () => {
  const DAYS = 40;
  const SERVERS = 500;
  const WALK = 100;
  const rangeIdsSql = engineSql("mysql", "range_ids");
  let dw: string;
  const days = Array.from({ length: DAYS }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10));
  const day = days[20]!;

  beforeAll(async () => {
    dw = await freshDatabase("expire_plan");
    ok("init", await runCli(["init", "--target", dsn(servers().primary, dw)]));
    await withDb(dw, async (db) => {
      const facts: unknown[][] = [];
      const roles: unknown[][] = [];
      for (const d of days) {
        for (let id = 1; id <= SERVERS; id++) {
          facts.push([id, d, 2, 8, 16, 64, 1000, 7, "2024-01-01 00:00:00", "2024-01-01 00:00:00", 1]);
          roles.push([d, id, 1 + (id % 3), "r", "s", 7, "t", 1]);
        }
      }
      await addDayPartitions(db, days);
      await insertRows(db, `INSERT INTO server_facts ${FACT_COLUMNS}`, facts);
      await insertRows(db, "INSERT INTO server_fact_roles (report_date, id, role_id, role_name, puppet_service, wou_id, wou_name, etl_run_id)", roles);
      await db.execute("ANALYZE TABLE server_facts, server_fact_roles");
    });
  }, 60_000);

  for (const [table, key] of [["server_facts", "PRIMARY"], ["server_fact_roles", "PRIMARY"]] as const) {
    const q = (sql: string) => sql.replaceAll("{table}", quoteIdent(table));

    test(`${table}: EXPLAIN of the id walks and the range DELETE is a range of ${key} (report_date, id), no filesort, no temporary table`, async () => {
      await withDb(dw, async (db) => {
        for (const after of [-1, 250, 490]) {
          for (const [sql, params] of [
            [q(rangeIdsSql), [day, after, WALK]],
            [q(SQL.staleIds), [day, after, 2, WALK]],
            [q(SQL.rangeDelete), [day, after + 1, after + WALK]],
          ] as const) {
            const plan = await db.query<{ type: string; key: string | null; key_len: string; Extra: string | null }>(`EXPLAIN ${sql}`, params);
            expect(plan.length).toBe(1);
            // key_len 11 = date (3) + bigint id (8): the walk seeks to (day, after), never scans the day
            // from its start. The first walk covers the whole day, where `ref` on the date is the same read.
            const seek = after < 0 && plan[0]!.type === "ref" ? { type: "ref", key_len: "3" } : { type: "range", key_len: "11" };
            expect({ after, key: plan[0]!.key, type: plan[0]!.type, key_len: String(plan[0]!.key_len) }).toEqual({ after, key, ...seek });
            expect(plan[0]!.Extra ?? "").not.toMatch(/filesort|temporary/i);
          }
        }
        const daysPlan = await db.query<{ key: string | null; Extra: string | null }>(`EXPLAIN ${q(engineSql("mysql", "expire_days"))}`);
        expect(daysPlan[0]!.key).toBe(key);
        expect(daysPlan[0]!.Extra).toBe("Using index for group-by"); // one probe per day
      });
    });

    test(`${table}: walking a whole day reads each index entry once (Handler_read_next per batch <= batch)`, async () => {
      await withDb(dw, async (db) => {
        const reads = async () => {
          const rows = await db.query<{ Variable_name: string; Value: string }>("SHOW SESSION STATUS LIKE 'Handler_read_next'");
          return Number(rows[0]!.Value);
        };
        let after: unknown = -1;
        let seen = 0;
        const perBatch: number[] = [];
        for (;;) {
          const before = await reads();
          const ids = await db.query<{ id: number }>(q(rangeIdsSql), [day, after, WALK]);
          perBatch.push((await reads()) - before);
          if (!ids.length) break;
          seen += ids.length;
          after = ids[ids.length - 1]!.id;
        }
        expect(seen).toBe(SERVERS);
        expect(perBatch.length).toBe(SERVERS / WALK + 1);
        expect(Math.max(...perBatch)).toBeLessThanOrEqual(WALK);
      });
    });
  }
});

if (ENGINES.includes("sqlite")) describe("access paths of the batched delete [sqlite]", () => {
  let dw: TestWarehouse;
  let rangeIdsSql = "";
  const days = ["2026-01-01", "2026-01-02", "2026-01-03"];

  beforeAll(async () => {
    dw = await warehouseFor("sqlite", "expire_plan");
    rangeIdsSql = engineSql("sqlite", "range_ids");
    ok("init", await runCli(["init", "--target", dw.dsn]));
    await fillWarehouse(dw, days, days[1], []);
    await withWarehouse(dw, (db) => db.execute("ANALYZE"));
  }, 60_000);

  for (const [table, index] of [["server_facts", "INDEX sqlite_autoindex_server_facts_1"], ["server_fact_roles", "PRIMARY KEY"]] as const) {
    const q = (sql: string) => sql.replaceAll("{table}", quoteIdent(table));

    test(`${table}: EXPLAIN QUERY PLAN of the id walks and the range DELETEs seeks (report_date, id) by ${index}, no sort`, async () => {
      await withWarehouse(dw, async (db) => {
        for (const [sql, params] of [
          [q(rangeIdsSql), [days[1], 250, 100]],
          [q(SQL.staleIds), [days[1], 250, 2, 100]],
          [q(SQL.rangeDelete), [days[1], 251, 350]],
          [q(SQL.staleDelete), [days[1], 2, 251, 350]],
        ] as const) {
          const plan = (await db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((p) => p.detail);
          expect({ sql, plan }).toEqual({ sql, plan: [expect.stringMatching(new RegExp(`^SEARCH ${table} USING (COVERING )?${index} \\(report_date=\\? AND id>\\?`))] });
        }
      });
    });
  }
});
