// Issue 13, "History that retention deletes", on each warehouse engine: a generated ServerDB
// (a SQLite file, 120 days of history), backfilled and run into a warehouse that holds the
// daily window, then the typos a new operator makes. A report date two years ahead is refused;
// a future day already in the warehouse (an older version's typo) no longer moves retention's
// anchor (the code before issue 13 deleted 76 of 93 days here, 14,308 fact and 22,032 bridge
// rows, in the next run, then the night's own snapshot in a standalone expire); a policy
// typo (--keep-daily 9) is refused as a large delete; backfill and aggregate refuse days after
// today and impossible dates; an etl over a past day's old snapshot needs --replace-past-day.
// Every CLI child runs with TZ=UTC, so "today" is the UTC date this file computes on its own.
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "../../../src/engine/db.ts";
import { FACT_COLUMNS, ROLE_COLUMNS } from "../../../src/warehouse/columns.ts";
import { runCli, type CliResult, ok } from "../../support/servers.ts";
import { ENGINES, warehouseFor, withWarehouse, type TestWarehouse } from "../../support/engines.ts";
import { oracleDecisions } from "../../support/retention-oracle.ts";
import { addDayPartitions } from "../../support/day-partitions.ts";

const ENV = { TZ: "UTC" };
const cli = (args: string[]) => runCli(args, { env: ENV, timeoutMs: 120_000 });

/** 'YYYY-MM-DD' plus n days, with Date arithmetic of its own (not the code under test's). */
const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const TODAY = new Date().toISOString().slice(0, 10);
/** The typo: the right day and month, two years on (2028 for 2026). */
const TYPO = plusDays(TODAY, 730);

/** stderr's lines, the "is not today" warning of a past or forced date left out. */
const errorLines = (r: CliResult) =>
  r.stderr
    .trimEnd()
    .split("\n")
    .filter((l) => l && !/is not today/.test(l));

/** A usage error: exit 2, exactly one line on stderr, no stack. */
function refused(what: string, r: CliResult): string {
  if (r.exitCode !== 2) throw new Error(`${what}: expected exit 2, got ${r.exitCode}\nstdout: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-2000)}`);
  const lines = errorLines(r);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toStartWith("serverdb-etl: error: ");
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

type DayCounts = Record<string, number>;
async function perDay(dw: TestWarehouse, table: string): Promise<DayCounts> {
  return withWarehouse(dw, async (db) => {
    const rows = await db.query<{ d: string; n: number | string }>(`SELECT report_date AS d, COUNT(*) AS n FROM ${table} GROUP BY report_date ORDER BY report_date`);
    return Object.fromEntries(rows.map((r) => [String(r.d), Number(r.n)]));
  });
}
const upTo = (counts: DayCounts, last: string) => Object.fromEntries(Object.entries(counts).filter(([d]) => d <= last));
const runCount = (dw: TestWarehouse) => withWarehouse(dw, async (db) => Number((await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM etl_runs"))[0]!.n));

/** Copy day `from`'s facts and bridge rows to `to` with SQL: a future day as an older version wrote it. */
async function copyDay(db: Db, from: string, to: string): Promise<void> {
  await addDayPartitions(db, [to]);
  for (const [table, columns] of [["server_facts", FACT_COLUMNS], ["server_fact_roles", ROLE_COLUMNS]] as const) {
    const names = columns.map((c) => c.name);
    const select = names.map((n) => (n === "report_date" ? "?" : n)).join(", ");
    await db.execute(`INSERT INTO ${table} (${names.join(", ")}) SELECT ${select} FROM ${table} WHERE report_date = ?`, [to, from]);
  }
}

let sourcePath = "";
let source = "";

beforeAll(async () => {
  sourcePath = join(mkdtempSync(join(tmpdir(), "serverdb-etl-date-typos-")), "serverdb.sqlite");
  source = `sqlite:${sourcePath}`;
  ok("generate", await cli(["generate", "--source", source, "--servers", "200", "--history-days", "120", "--seed", "13"]));
}, 60_000);

/** A warehouse as a first-week operator has it: the days retention keeps up to yesterday, backfilled, then tonight's run. */
async function steadyWarehouse(engine: (typeof ENGINES)[number], prefix: string): Promise<TestWarehouse> {
  const dw = await warehouseFor(engine, prefix);
  ok("init", await cli(["init", "--target", dw.dsn]));
  ok("backfill", await cli(["backfill", "--source", source, "--target", dw.dsn, ...dw.replicaArgs, "--from", plusDays(TODAY, -100)]));
  ok("run", await cli(["run", "--source", source, "--target", dw.dsn, ...dw.replicaArgs]));
  return dw;
}

for (const engine of ENGINES) describe(`history that retention deletes [${engine}]`, () => {
  let dw: TestWarehouse;
  let facts: DayCounts;
  let roles: DayCounts;
  const target = () => ["--target", dw.dsn, ...dw.replicaArgs];

  beforeAll(async () => {
    dw = await steadyWarehouse(engine, "typos");
    facts = await perDay(dw, "server_facts");
    roles = await perDay(dw, "server_fact_roles");
  }, 180_000);

  test("the fixture holds the daily window up to today, and weekly days before it", () => {
    const days = Object.keys(facts);
    expect(days.at(-1)).toBe(TODAY);
    // Every day of the 90-day window counted from today is there.
    for (let i = 0; i < 90; i++) expect([plusDays(TODAY, -i), facts[plusDays(TODAY, -i)]! > 0]).toEqual([plusDays(TODAY, -i), true]);
    expect(days.length).toBeGreaterThan(90);
  });

  // [command, args]: the future date refused before anything is written.
  const futureCases: Array<[string, (dw: TestWarehouse) => string[], RegExp]> = [
    ["etl --report-date two years ahead", (w) => ["etl", "--source", source, "--target", w.dsn, "--report-date", TYPO], new RegExp(`--report-date ${TYPO} is after today \\(${TODAY} in UTC\\).*--allow-future-date`)],
    ["run --report-date two years ahead", (w) => ["run", "--source", source, "--target", w.dsn, "--report-date", TYPO], new RegExp(`--report-date ${TYPO} is after today \\(${TODAY} in UTC\\).*--allow-future-date`)],
    // Tomorrow is as far in the future as two years: one rule.
    ["etl --report-date tomorrow", (w) => ["etl", "--source", source, "--target", w.dsn, "--report-date", plusDays(TODAY, 1)], /is after today.*--allow-future-date/],
    ["aggregate --date two years ahead", (w) => ["aggregate", "--target", w.dsn, "--date", TYPO], new RegExp(`--date ${TYPO} is after today \\(${TODAY} in UTC\\).*--allow-future-date`)],
    ["aggregate --to two years ahead", (w) => ["aggregate", "--target", w.dsn, "--from", plusDays(TODAY, -2), "--to", TYPO], new RegExp(`--to ${TYPO} is after today`)],
    ["backfill --to two years ahead", (w) => ["backfill", "--source", source, "--target", w.dsn, "--from", plusDays(TODAY, -3), "--to", TYPO], new RegExp(`--to ${TYPO} is after today \\(${TODAY} in UTC\\).*history`)],
    // Without --to, a --from after today used to say only "is after --to".
    ["backfill --from two years ahead", (w) => ["backfill", "--source", source, "--target", w.dsn, "--from", TYPO], new RegExp(`--from ${TYPO} is after today`)],
    // Impossible calendar dates, for every date option.
    ["etl --report-date 2026-02-30", (w) => ["etl", "--source", source, "--target", w.dsn, "--report-date", "2026-02-30"], /invalid --report-date "2026-02-30"/],
    ["aggregate --date 2026-02-30", (w) => ["aggregate", "--target", w.dsn, "--date", "2026-02-30"], /invalid --date "2026-02-30"/],
    ["aggregate --to 2026-02-30", (w) => ["aggregate", "--target", w.dsn, "--from", "2026-02-01", "--to", "2026-02-30"], /invalid --to "2026-02-30"/],
    ["backfill --from 2026-02-30", (w) => ["backfill", "--source", source, "--target", w.dsn, "--from", "2026-02-30"], /invalid --from "2026-02-30"/],
    ["backfill --to 2025-13-01", (w) => ["backfill", "--source", source, "--target", w.dsn, "--from", "2025-12-01", "--to", "2025-13-01"], /invalid --to "2025-13-01"/],
  ];
  for (const [what, args, message] of futureCases) {
    test(`${what}: exit 2, one line, nothing written`, async () => {
      const runs = await runCount(dw);
      const r = await cli(args(dw));
      expect(refused(what, r)).toMatch(message);
      expect(r.stdout).toBe("");
      expect(await runCount(dw)).toBe(runs);
      expect(await perDay(dw, "server_facts")).toEqual(facts);
    });
  }

  test("a future day already in the warehouse: run and expire delete no day of the window counted from today, and keep that day", async () => {
    // As an older version wrote it: tonight's fleet under the typo's date.
    await withWarehouse(dw, (db) => copyDay(db, TODAY, TYPO));
    const run = ok("run", await cli(["run", "--source", source, ...target()]));
    // Before issue 13: "expire: 76 days deleted (2026-09-05 … 2026-12-02), 14308 fact rows, 22032 bridge rows" here.
    expect(run.stdout).toMatch(/^expire: 0 days deleted/m);
    expect(upTo(await perDay(dw, "server_facts"), TODAY)).toEqual(facts);
    expect(upTo(await perDay(dw, "server_fact_roles"), TODAY)).toEqual(roles);

    // A standalone expire: the old code then deleted the night's own snapshot (not protected there).
    const expire = ok("expire", await cli(["expire", ...target()]));
    expect(expire.stdout).toMatch(/^expire: 0 days deleted/);
    // It says so, at WARNING: the day is kept, retention counts from today, delete it by hand if it is a typo.
    expect(expire.stderr).toContain(`1 day after today (${TYPO}; today is ${TODAY} in UTC)`);
    const after = await perDay(dw, "server_facts");
    expect(upTo(after, TODAY)).toEqual(facts);
    expect(after[TYPO]).toBe(facts[TODAY]);

    const dry = ok("expire --dry-run", await cli(["expire", "--target", dw.dsn, "--dry-run"]));
    expect(dry.stdout).toMatch(new RegExp(`^${TYPO} .* keep +after today \\(never expired\\)$`, "m"));

    await withWarehouse(dw, async (db) => {
      await db.execute("DELETE FROM server_fact_roles WHERE report_date = ?", [TYPO]);
      await db.execute("DELETE FROM server_facts WHERE report_date = ?", [TYPO]);
    });
  }, 120_000);

  test("--allow-future-date writes a future day on purpose, with the usual not-today warning", async () => {
    const tomorrow = plusDays(TODAY, 1);
    const r = ok("etl --allow-future-date", await cli(["etl", "--source", source, ...target(), "--report-date", tomorrow, "--allow-future-date"]));
    expect(r.stderr).toContain(`--report-date ${tomorrow} is not today`);
    expect((await perDay(dw, "server_facts"))[tomorrow]).toBe(facts[TODAY]);
    const agg = ok("aggregate --allow-future-date", await cli(["aggregate", ...target(), "--date", tomorrow, "--allow-future-date"]));
    expect(agg.stdout).toStartWith(`aggregate ${tomorrow}: ok`);
    await withWarehouse(dw, async (db) => {
      await db.execute("DELETE FROM server_fact_roles WHERE report_date = ?", [tomorrow]);
      await db.execute("DELETE FROM server_facts WHERE report_date = ?", [tomorrow]);
    });
  }, 60_000);

  describe("a policy typo (--keep-daily 9 for 90) is a large delete", () => {
    const oracle = () => oracleDecisions(Object.keys(facts), 9, "monday", TODAY);

    test("expire refuses it: exit 2, one line with the days and rows it would delete; nothing deleted", async () => {
      const doomed = oracle().filter((d) => !d.keep).map((d) => d.date);
      expect(doomed.length).toBeGreaterThan(60);
      const factRows = doomed.reduce((n, d) => n + facts[d]!, 0);
      const roleRows = doomed.reduce((n, d) => n + roles[d]!, 0);
      const line = refused("expire --keep-daily 9", await cli(["expire", ...target(), "--keep-daily", "9"]));
      const share = Math.round((100 * doomed.length) / Object.keys(facts).length);
      expect(line).toContain(
        `expire would delete ${doomed.length} of ${Object.keys(facts).length} days (${share}%; ${doomed[0]} … ${doomed.at(-1)}): ${factRows} fact rows, ${roleRows} bridge rows`,
      );
      expect(line).toContain("more than --max-delete-share 10%");
      expect(line).toContain("--allow-large-delete");
      expect(await perDay(dw, "server_facts")).toEqual(facts);
      expect(await perDay(dw, "server_fact_roles")).toEqual(roles);
    }, 60_000);

    test("the dry run says what would go and that a real run needs --allow-large-delete", async () => {
      const doomed = oracle().filter((d) => !d.keep).map((d) => d.date);
      const factRows = doomed.reduce((n, d) => n + facts[d]!, 0);
      const r = ok("expire --dry-run", await cli(["expire", "--target", dw.dsn, "--keep-daily", "9", "--dry-run"]));
      const last = r.stdout.trimEnd().split("\n").at(-1)!;
      expect(last).toContain(`${doomed.length} of ${Object.keys(facts).length} days would be deleted (${factRows} fact rows`);
      expect(last).toContain("--allow-large-delete");
    }, 60_000);

    test("run: the night is loaded and aggregated, then `step expire` refuses (exit 2); no day deleted", async () => {
      const r = await cli(["run", "--source", source, ...target(), "--keep-daily", "9"]);
      expect(refused("run --keep-daily 9", r)).toStartWith("serverdb-etl: error: step expire: expire would delete ");
      expect(r.stdout).toMatch(/^etl /m);
      expect(r.stdout).toMatch(/^aggregate /m);
      expect(await perDay(dw, "server_facts")).toEqual(facts);
    }, 60_000);

    test("with --allow-large-delete the oracle's days stay, every other day goes", async () => {
      const kept = oracle().filter((d) => d.keep).map((d) => d.date);
      ok("expire --allow-large-delete", await cli(["expire", ...target(), "--keep-daily", "9", "--allow-large-delete"]));
      expect(Object.keys(await perDay(dw, "server_facts"))).toEqual(kept);
      expect(Object.keys(await perDay(dw, "server_fact_roles"))).toEqual(kept);
    }, 60_000);
  });
});

for (const engine of ENGINES) describe(`backfill and etl around days already there [${engine}]`, () => {
  test("a future day in the warehouse no longer shrinks the backfill's daily window", async () => {
    const dw = await warehouseFor(engine, "typos_bf");
    ok("init", await cli(["init", "--target", dw.dsn]));
    ok("etl", await cli(["etl", "--source", source, "--target", dw.dsn, ...dw.replicaArgs]));
    await withWarehouse(dw, (db) => copyDay(db, TODAY, TYPO));
    const r = ok("backfill", await cli(["backfill", "--source", source, "--target", dw.dsn, ...dw.replicaArgs, "--from", plusDays(TODAY, -20)]));
    // The old code counted the window back from the typo's day and built only the Mondays.
    expect(r.stdout).toContain(`20 days kept by retention, 20 days built (${plusDays(TODAY, -20)} … ${plusDays(TODAY, -1)})`);
  }, 120_000);

  test("etl over a past day whose snapshot is older than a day: refused unless --replace-past-day", async () => {
    const dw = await steadyWarehouse(engine, "typos_past");
    const day = plusDays(TODAY, -30);
    const before = await perDay(dw, "server_facts");
    // The backfill finished moments ago; make its run of `day` as old as a real night's would be.
    await withWarehouse(dw, (db) => db.execute("UPDATE etl_runs SET finished_at = ? WHERE report_date = ?", [`${plusDays(day, 1)} 02:31:07`, day]));
    const runs = await runCount(dw);
    const line = refused("etl over an old day", await cli(["etl", "--source", source, "--target", dw.dsn, "--report-date", day]));
    expect(line).toMatch(new RegExp(`--report-date ${day} already holds the snapshot of backfill run \\d+ \\(finished ${plusDays(day, 1)} 02:31:07 UTC\\).*--replace-past-day`));
    expect(await runCount(dw)).toBe(runs);
    expect(await perDay(dw, "server_facts")).toEqual(before);
    // The same through run.
    refused("run over an old day", await cli(["run", "--source", source, "--target", dw.dsn, "--report-date", day]));
    expect(await runCount(dw)).toBe(runs);

    // A rerun of a day whose snapshot is fresh (yesterday's night, redone this morning) goes ahead…
    ok("etl rerun of a fresh day", await cli(["etl", "--source", source, "--target", dw.dsn, ...dw.replicaArgs, "--report-date", plusDays(TODAY, -1)]));
    // …and so does the old day with the flag.
    ok("etl --replace-past-day", await cli(["etl", "--source", source, "--target", dw.dsn, ...dw.replicaArgs, "--report-date", day, "--replace-past-day"]));
    expect((await perDay(dw, "server_facts"))[day]).toBe(before[TODAY]);
  }, 180_000);
});
