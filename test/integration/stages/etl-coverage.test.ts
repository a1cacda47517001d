// Acceptance gaps of the etl issue, closed on the test bed's MariaDB primary + replica:
// chained commands (`etl aggregate expire` in one invocation, and a failing first step that
// stops the chain), the REPLACE path under a small max_allowed_packet (local_infile OFF, so
// no LOAD DATA), and MysqlDb.stream's backpressure (a paused consumer blocks the server).
import { beforeAll, describe, expect, test } from "bun:test";
import { connect, dsn, freshDatabase, runCli, servers, type CliResult, ok, withDb } from "../../support/servers.ts";
import { expectedFacts, firstDifference, readWarehouseDay, type Expected } from "../../support/expected-facts.ts";
import { EXPECTED_DIMENSIONS, EXPECTED_TABLES, aggregateLine, expectedAggregates } from "../../support/expected-aggregates.ts";

/** A past day: never today, whenever the suite runs. */
const D = "2024-03-05";
const FLEET = 300;
/** The day of a run that fails. */
const D_FAILED = "2024-03-06";
const SEED = 20240305;
const AGGREGATE_TABLES = EXPECTED_TABLES;

let source: string;
let expected: Expected;

beforeAll(async () => {
  source = await freshDatabase("cov_src");
  ok("generate", await runCli(["generate", "--source", dsn(servers().primary, source), "--servers", String(FLEET), "--seed", String(SEED), "--end-date", D], { timeoutMs: 120_000 }));
  expected = await withDb(source, (db) => expectedFacts(db));
}, 150_000);

async function freshWarehouse(): Promise<string> {
  const dw = await freshDatabase("cov_dw");
  ok("init", await runCli(["init", "--target", dsn(servers().primary, dw)]));
  return dw;
}

/** The target and replica arguments every writing step of `dw` takes. */
function targetArgs(dw: string): string[] {
  const { primary, replica } = servers();
  return ["--target", dsn(primary, dw), "--replica", dsn(replica, dw, "ro")];
}

const etlArgs = (src: string, dw: string, extra: string[] = [], day = D) =>
  ["etl", "--source", dsn(servers().primary, src), ...targetArgs(dw), "--report-date", day, "--progress", "none", ...extra];

/** Every server_by_* row of day D, per table, as the oracle's comparable lines. */
async function aggregatesOf(dw: string, server: "primary" | "replica" = "primary"): Promise<Record<string, string[]>> {
  return withDb(
    dw,
    async (db) => {
      const out: Record<string, string[]> = {};
      for (const table of AGGREGATE_TABLES) {
        out[table] = (await db.query(`SELECT * FROM ${table} WHERE report_date = ?`, [D])).map((r) => aggregateLine(table, r)).sort();
      }
      return out;
    },
    servers()[server],
  );
}

/** What the oracle makes of the warehouse's own facts and bridge rows of day D. */
const expectedAggregatesOf = (dw: string) =>
  withDb(dw, async (db) =>
    expectedAggregates(
      await db.query("SELECT * FROM server_facts WHERE report_date = ?", [D]),
      await db.query("SELECT * FROM server_fact_roles WHERE report_date = ?", [D]),
    ),
  );

const stderrLines = (r: CliResult) => r.stderr.split("\n").filter((l) => l.trim() !== "");

describe("chained commands: serverdb-etl etl aggregate expire", () => {
  test("one invocation runs the steps in order: the day's facts, then its aggregates, then expire; one summary line each", async () => {
    const dw = await freshWarehouse();
    const r = ok("etl aggregate expire", await runCli([...etlArgs(source, dw), "aggregate", ...targetArgs(dw), "expire", ...targetArgs(dw)], { timeoutMs: 90_000 }));

    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toStartWith(`etl ${D} run `);
    expect(lines[0]).toContain(`${expected.facts.length} loaded`);
    // aggregate's default day is the newest successful etl run's: only there if etl ran first.
    expect(lines[1]).toStartWith(`aggregate ${D}: ok, rows `);
    expect(lines[2]).toStartWith("expire: 0 days deleted");
    // The only line on stderr: the warning that D is not today.
    expect(stderrLines(r)).toEqual([expect.stringContaining(`--report-date ${D} is not today`)]);

    const facts = await withDb(dw, (db) => readWarehouseDay(db, D));
    expect(firstDifference("server_facts", facts.facts, expected.facts)).toBeUndefined();
    expect(firstDifference("server_fact_roles", facts.roles, expected.roles)).toBeUndefined();
    const want = await expectedAggregatesOf(dw);
    // One day of facts: every server_by_* table has rows; server_retirements none (no day before D to compare with).
    for (const table of Object.keys(EXPECTED_DIMENSIONS)) expect(want[table]!.length).toBeGreaterThan(0);
    expect(want.server_retirements).toEqual([]);
    expect(await aggregatesOf(dw)).toEqual(want);
    // Each step waited for the replica before the next began; by the end it holds the aggregates too.
    expect(await aggregatesOf(dw, "replica")).toEqual(want);
  }, 90_000);

  test("a failing first step (a source without ServerDB's tables) stops the chain: aggregate never runs, exit 1", async () => {
    const dw = await freshWarehouse();
    // The day's facts are there from an earlier run: aggregate would have something to build.
    ok("etl", await runCli(etlArgs(source, dw)));
    const empty = await freshDatabase("cov_nosrc");

    // Another day for the failing run: its 'failed' etl_runs row must not stop aggregate from
    // building D (the newest successful run's day) had it run.
    const r = await runCli([...etlArgs(empty, dw, [], D_FAILED), "aggregate", ...targetArgs(dw)]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).not.toMatch(/^aggregate /m);
    const errors = stderrLines(r).filter((l) => !l.includes("is not today"));
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^serverdb-etl: error: step etl: .*Table '${empty}\\.servers_\\w+' doesn't exist`))]);
    const runs = await withDb(dw, (db) => db.query<{ report_date: string; status: string }>("SELECT report_date, status FROM etl_runs ORDER BY id"));
    expect(runs).toEqual([{ report_date: D, status: "success" }, { report_date: D_FAILED, status: "failed" }]);
    for (const rows of Object.values(await aggregatesOf(dw))) expect(rows).toEqual([]);

    // The control: aggregate on its own does build that day, so its absence above means it did not run.
    ok("aggregate", await runCli(["aggregate", ...targetArgs(dw)]));
    expect(await aggregatesOf(dw)).toEqual(await expectedAggregatesOf(dw));
  }, 90_000);
});

describe("the REPLACE path under a small max_allowed_packet", () => {
  /** REPLACE INTO `server_facts` … as --verbose DEBUG shows it: the rows it carries (bound values / 29). */
  const REPLACE_FACTS = /REPLACE INTO `server_facts` \(29 columns\) VALUES \(\?,…\)(?: ×(\d+))? \[(\d+) bound values\]$/;

  test("local_infile OFF and max_allowed_packet 16 KiB: byte-capped multi-row REPLACEs, the oracle's rows on primary and replica", async () => {
    const dw = await freshWarehouse();
    const [saved] = await withDb("", (db) => db.query<{ local_infile: number; packet: number }>("SELECT @@GLOBAL.local_infile AS local_infile, @@GLOBAL.max_allowed_packet AS packet"));
    let r: CliResult;
    try {
      await withDb("", async (db) => {
        await db.execute("SET GLOBAL local_infile = 0");
        await db.execute("SET GLOBAL max_allowed_packet = 16384");
      });
      // --batch-size 100: without the byte cap, 3 statements of 100 rows each.
      r = await runCli(etlArgs(source, dw, ["--batch-size", "100", "--verbose", "DEBUG"]), { timeoutMs: 90_000 });
    } finally {
      await withDb("", async (db) => {
        await db.execute("SET GLOBAL local_infile = ?", [saved!.local_infile]);
        await db.execute("SET GLOBAL max_allowed_packet = ?", [saved!.packet]);
      });
    }
    ok("etl", r);
    const sql = r.stderr.split("\n").filter((l) => l.startsWith("[debug] [sql] "));
    expect(sql.some((l) => l.includes("LOAD DATA"))).toBe(false);
    const perStatement = sql.flatMap((l) => {
      const m = REPLACE_FACTS.exec(l);
      if (!m) return [];
      const rows = Number(m[2]) / 29;
      expect(rows).toBe(Number(m[1] ?? 1));
      return [rows];
    });
    // Every server once, in statements that the byte cap kept far below 100 rows.
    expect(perStatement.reduce((a, b) => a + b, 0)).toBe(expected.facts.length);
    expect(perStatement.length).toBeGreaterThan(expected.facts.length / 100 + 3);
    expect(Math.max(...perStatement)).toBeLessThan(100);
    expect(Math.max(...perStatement)).toBeGreaterThan(1);

    for (const server of ["primary", "replica"] as const) {
      const day = await withDb(dw, (db) => readWarehouseDay(db, D), servers()[server]);
      expect(firstDifference(`${server} server_facts`, day.facts, expected.facts)).toBeUndefined();
      expect(firstDifference(`${server} server_fact_roles`, day.roles, expected.roles)).toBeUndefined();
    }
  }, 90_000);
});

describe("MysqlDb.stream: backpressure", () => {
  test("a consumer paused after 1,000 rows blocks the server writing to it; resumed, every row arrives", async () => {
    const ROWS = 300_000;
    const PAUSE_MS = 4000; // long enough that draining the rest (0.6–3 s under load) stays shorter
    // 300,000 rows of ~510 bytes: ~150 MB, far more than the socket buffers and the stream's 1,000-row buffer.
    const SELECT = "SELECT seq, REPEAT('x', 500) AS pad FROM seq_1_to_300000";
    const db = await connect(servers().primary, "mysql");
    const monitor = await connect(servers().primary);
    try {
      const [{ id }] = await db.query<{ id: number }>("SELECT CONNECTION_ID() AS id");
      const thread = async () =>
        (await monitor.query<{ STATE: string; INFO: string | null }>("SELECT STATE, INFO FROM information_schema.PROCESSLIST WHERE ID = ?", [id]))[0];
      Bun.gc(true);
      const heapBefore = process.memoryUsage().heapUsed;
      const during: Array<{ state: string; info: string | null; heapGrowthMB: number }> = [];
      let received = 0;
      let ordered = true;
      let resumedAt = 0;
      for await (const row of db.stream<{ seq: number; pad: string }>(SELECT)) {
        received++;
        if (row.seq !== received || row.pad.length !== 500) ordered = false;
        if (received !== 1000) continue;
        // The pause: sample the server's side of this connection twice, and this process's heap.
        for (const wait of [PAUSE_MS / 2, PAUSE_MS / 2]) {
          await Bun.sleep(wait);
          Bun.gc(true);
          const t = await thread();
          during.push({ state: t?.STATE ?? "(gone)", info: t?.INFO ?? null, heapGrowthMB: Math.round((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20) });
        }
        resumedAt = performance.now();
      }
      const drainMs = performance.now() - resumedAt;

      // Throughout the pause the server was still in the query, blocked writing to the socket…
      for (const d of during) {
        expect(d.state).toBe("Writing to net");
        expect(d.info).toBe(SELECT);
      }
      // …and the client held a bounded part of the result (the whole of it is ~150 MB of strings).
      for (const d of during) expect(d.heapGrowthMB).toBeLessThan(40);
      // Not because the server is slow: once resumed, the remaining 299,000 rows took less than the pause.
      expect(drainMs).toBeLessThan(PAUSE_MS);
      expect([received, ordered]).toEqual([ROWS, true]);
      expect(await thread().then((t) => t?.INFO ?? null)).toBeNull();
    } finally {
      await db.close();
      await monitor.close();
    }
  }, 30_000);
});
