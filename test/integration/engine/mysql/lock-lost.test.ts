// A run that loses its warehouse lock mid-run (the lock connection KILLed on the test bed's
// primary, as a DBA or a dropped connection would): it must notice, stop between batches with
// one line naming the lock (exit 1), leave its etl_runs row 'failed', and a rerun must succeed.
import { beforeAll, describe, expect, test } from "bun:test";
import { acquireRunLock, runLockName } from "../../../../src/engine/mysql/advisory-lock.ts";
import { lockWarehouse } from "../../../../src/engine/index.ts";
import { parseDsn } from "../../../../src/settings/dsn.ts";
import { LockHeldError } from "../../../../src/errors.ts";
import { dsn, etlArgs, freshDatabase, ok, runCli, servers, withDb } from "../../../support/servers.ts";

const D = "2026-11-20";
const FLEET = 4000;

let source: string;

beforeAll(async () => {
  source = await freshDatabase("src");
  ok(
    "generate",
    await runCli(["generate", "--source", dsn(servers().primary, source), "--servers", String(FLEET), "--seed", "4712", "--end-date", D], {
      timeoutMs: 120_000,
    }),
  );
}, 150_000);

/** etl of today (no --report-date: no "not today" warning on stderr). */
const etlOfToday = (dw: string, batchSize: number) => etlArgs(source, dw, undefined, ["--batch-size", String(batchSize)]);

describe("losing the run lock mid-run", () => {
  test("KILL of the lock connection: exit 1 in one line naming the lock, the run 'failed', a rerun succeeds", async () => {
    const dw = await freshDatabase("dw");
    ok("init", await runCli(["init", "--target", dsn(servers().primary, dw)]));
    const name = runLockName(dw);

    let exitedAt = 0;
    // 5 servers a batch: ~800 transactions, each with a replica wait: seconds, long enough to kill it midway.
    const run = runCli(etlOfToday(dw, 5), { timeoutMs: 60_000 }).then((r) => {
      exitedAt = performance.now();
      return r;
    });
    let killedAt = 0;
    let loadedBeforeKill = 0;
    let holder = 0;
    await withDb(dw, async (db) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (exitedAt) throw new Error(`etl ended before its lock could be killed:\n${(await run).stderr}`);
        if (Date.now() > deadline) throw new Error("etl did not start loading within 30 s");
        const [row] = await db.query<{ holder: number | null; n: number }>(
          "SELECT IS_USED_LOCK(?) AS holder, (SELECT COUNT(*) FROM server_facts) AS n",
          [name],
        );
        if (row!.holder !== null && Number(row!.n) > 0) {
          holder = Number(row!.holder);
          loadedBeforeKill = Number(row!.n);
          break;
        }
        await Bun.sleep(20);
      }
      await db.execute(`KILL CONNECTION ${holder}`);
      killedAt = performance.now();
    });

    const r = await run;
    const seconds = (exitedAt - killedAt) / 1000;
    process.stderr.write(`lock-lost: KILL of the lock connection to exit: ${seconds.toFixed(2)} s (${loadedBeforeKill} servers loaded before the KILL)\n`);
    expect(r.exitCode, r.stderr).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^serverdb-etl: error: lost the warehouse run lock ${name.replace(/\./g, "\\.")} on mysql://root@127\\.0\\.0\\.1:\\d+/${dw} ` +
          `\\(its connection ${holder} closed(: [^)]*)?\\); stopped between two batches so that two runs never write at once; rerun$`,
      ),
    );
    expect(seconds).toBeLessThan(2); // heard through onLost at once, not at the next 5 s check

    const runs = await withDb(dw, (db) => db.query<{ id: number; status: string; error: string | null }>("SELECT id, status, error FROM etl_runs ORDER BY id"));
    expect(runs.map((x) => x.status)).toEqual(["failed"]);
    expect(runs[0]!.error).toContain(`lost the warehouse run lock ${name}`);
    const loaded = await withDb(dw, async (db) => Number((await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM server_facts"))[0]!.n));
    expect(loaded).toBeGreaterThanOrEqual(loadedBeforeKill);
    ok("rerun", await runCli(etlOfToday(dw, 1000), { timeoutMs: 60_000 }));
    // The rerun's day is whole and all its own: as many facts as it loaded, every one with its run id.
    const [last] = await withDb(dw, (db) =>
      db.query<{ id: number; status: string; rows_loaded: number; n: number; other: number }>(
        "SELECT r.id, r.status, r.rows_loaded, COUNT(f.id) AS n, SUM(f.etl_run_id <> r.id) AS other " +
          "FROM etl_runs r JOIN server_facts f ON f.report_date = r.report_date WHERE r.id = (SELECT MAX(id) FROM etl_runs) GROUP BY r.id",
      ),
    );
    expect(last!.status).toBe("success");
    expect(Number(last!.n)).toBe(Number(last!.rows_loaded));
    expect(Number(last!.n)).toBeGreaterThan(loaded); // the killed run stopped part-way
    expect(Number(last!.other)).toBe(0);
  }, 90_000);

  test("the watch checks from its own connection: the holder stays idle, so a refused run still learns since when", async () => {
    const dw = await freshDatabase("dw");
    const lost: string[] = [];
    const lock = await lockWarehouse(parseDsn(dsn(servers().primary, dw), "test"), dw, (err) =>
      lost.push(err.message),
    );
    try {
      await Bun.sleep(2100); // two checks at least
      const err = await withDb("", (db) => acquireRunLock(db, dw)).catch((e) => e);
      expect(err).toBeInstanceOf(LockHeldError);
      expect(err.message).toMatch(/ \([23]s ago; connection \d+ from /);
      expect(lost).toEqual([]);
    } finally {
      await lock.release();
    }
    expect(await withDb("", async (db) => (await db.query<{ h: number | null }>("SELECT IS_USED_LOCK(?) AS h", [runLockName(dw)]))[0]!.h)).toBeNull();
    expect(lost).toEqual([]); // the release is no loss
  }, 20_000);
});
