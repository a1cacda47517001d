// `etl` when things go wrong, on the test bed's MariaDB primary + replica: a stalled replica,
// a run killed with SIGKILL mid-load, two runs at once, and bad credentials, host or source.
// Each must fail loudly in one line (or recover on rerun) and never corrupt a day.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { quoteIdent } from "../../../src/engine/ident.ts";
import { runLockName } from "../../../src/engine/mysql/advisory-lock.ts";
import { REPO_ROOT, dsn, etlArgs, freshDatabase, runCli, servers, waitForReplica, type CliResult, ok, withDb } from "../../support/servers.ts";
import { firstDifference, readWarehouseDay, type WarehouseDay } from "../../support/expected-facts.ts";

const D = "2026-11-20";
const SEED = 4711;

async function generate(fleet: number): Promise<string> {
  const database = await freshDatabase("src");
  ok(
    "generate",
    await runCli(["generate", "--source", dsn(servers().primary, database), "--servers", String(fleet), "--seed", String(SEED), "--end-date", D], {
      timeoutMs: 180_000,
    }),
  );
  return database;
}

async function freshWarehouse(): Promise<string> {
  const dw = await freshDatabase("dw");
  ok("init", await runCli(["init", "--target", dsn(servers().primary, dw)]));
  return dw;
}

const factCount = (dw: string) =>
  withDb(dw, async (db) => Number((await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM server_facts"))[0]!.n));
const runStatuses = (dw: string) =>
  withDb(dw, async (db) => (await db.query<{ id: number; status: string; error: string | null }>("SELECT id, status, error FROM etl_runs ORDER BY id")));

/** A failure as a DBA should see it: non-zero, exactly one line on stderr, no stack trace. */
function expectOneLineFailure(r: CliResult): string {
  expect(r.exitCode).not.toBe(0);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

// --- spawned runs (for SIGKILL and concurrency), with runCli's environment rules ---
const home = mkdtempSync(join(tmpdir(), "etl-failures-home-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const spawned: Subprocess[] = [];
afterAll(async () => {
  for (const p of spawned) if (p.exitCode === null) p.kill("SIGKILL");
  await Promise.all(spawned.map((p) => p.exited));
});

function spawnCli(args: string[]): Subprocess<"ignore", "pipe", "pipe"> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => v !== undefined && !/^(SERVERDB_ETL_|MYSQL_)|^CREDENTIALS_DIRECTORY$/.test(k)),
  ) as Record<string, string>;
  const proc = Bun.spawn([process.execPath, "run", join(REPO_ROOT, "src/cli.ts"), ...args], {
    cwd: REPO_ROOT,
    env: { ...env, HOME: home },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  spawned.push(proc);
  return proc;
}

/** Poll `check` every 20 ms until it returns true; fail after `ms`. */
async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await Bun.sleep(20);
  }
}

/** Wait until the server has released the run lock of `dw` (GET_LOCK dies with its connection). */
async function lockReleased(dw: string): Promise<void> {
  await withDb("", (db) =>
    until(`the run lock of ${dw} to be released`, 15_000, async () => {
      const [row] = await db.query<{ holder: number | null }>("SELECT IS_USED_LOCK(?) AS holder", [runLockName(dw)]);
      return row!.holder === null;
    }),
  );
}

let source: string;
/** A warehouse holding day D of `source` from one clean run: the "nothing changed" baseline. */
let dw: string;
let baseline: WarehouseDay;

beforeAll(async () => {
  source = await generate(1500);
  dw = await freshWarehouse();
  ok("etl", await runCli(etlArgs(source, dw, D)));
  baseline = await withDb(dw, (db) => readWarehouseDay(db, D));
}, 120_000);

describe("a replica that stops applying", () => {
  test("fails the run within its --replica-timeout, naming the replica; a rerun succeeds once it is back", async () => {
    const { replica } = servers();
    await withDb("", (db) => db.execute("STOP SLAVE SQL_THREAD"), replica);
    let failed: CliResult;
    let seconds: number;
    try {
      const started = performance.now();
      failed = await runCli(etlArgs(source, dw, D, ["--replica-timeout", "5"]), { timeoutMs: 40_000 });
      seconds = (performance.now() - started) / 1000;
    } finally {
      await withDb("", (db) => db.execute("START SLAVE SQL_THREAD"), replica);
    }
    expect(failed.exitCode).not.toBe(0);
    expect(seconds).toBeLessThan(15);
    expect(failed.stderr).toContain(`127.0.0.1:${replica.port}`);
    const afterFailure = await runStatuses(dw);
    expect(afterFailure[afterFailure.length - 1]!.status).toBe("failed");

    await waitForReplica();
    ok("rerun", await runCli(etlArgs(source, dw, D, ["--replica-timeout", "5"])));
    const statuses = await runStatuses(dw);
    expect(statuses[statuses.length - 1]!.status).toBe("success");
    const after = await withDb(dw, (db) => readWarehouseDay(db, D));
    expect(firstDifference("server_facts", after.facts, baseline.facts)).toBeUndefined();
    expect(firstDifference("server_fact_roles", after.roles, baseline.roles)).toBeUndefined();
    expect(after.runIds).toEqual([String(statuses[statuses.length - 1]!.id)]);
  }, 60_000);
});

describe("refused connections and a broken source", () => {
  const GOOD = "C0rrect-Horse-Battery";
  const BAD = "Wr0ng-Staple-Donkey";

  test("a wrong target password: one line, no password in the output, nothing written", async () => {
    await withDb("", async (db) => {
      await db.execute("CREATE USER 'etl_pw'@'%' IDENTIFIED BY ?", [GOOD]);
      await db.execute(`GRANT ALL ON ${quoteIdent(dw)}.* TO 'etl_pw'@'%'`);
      await db.execute(`GRANT SELECT ON ${quoteIdent(source)}.* TO 'etl_pw'@'%'`);
    });
    const { primary, replica } = servers();
    const args = [
      "etl",
      "--source", dsn(primary, source),
      "--target", dsn(primary, dw, "etl_pw"),
      "--replica", dsn(replica, dw, "ro"),
    ];
    // The same user with the right password works, so the failure below is the password's.
    ok("etl with the right password", await runCli([...args, "--report-date", D], { env: { SERVERDB_ETL_TARGET_PASSWORD: GOOD } }));
    const before = await factCount(dw);
    const runsBefore = (await runStatuses(dw)).length;

    const r = await runCli(args, { env: { SERVERDB_ETL_TARGET_PASSWORD: BAD } });
    const line = expectOneLineFailure(r);
    expect(line).toMatch(/denied|password/i);
    for (const secret of [BAD, GOOD]) expect(r.stdout + r.stderr).not.toContain(secret);
    expect(await factCount(dw)).toBe(before);
    expect((await runStatuses(dw)).length).toBe(runsBefore);
  }, 60_000);

  test("an unknown host: one line naming it, nothing written", async () => {
    const before = await factCount(dw);
    const runsBefore = (await runStatuses(dw)).length;
    const { primary, replica } = servers();
    for (const args of [
      ["etl", "--source", "mysql://root@nonexistent.invalid/serverdb2", "--target", dsn(primary, dw), "--replica", dsn(replica, dw, "ro")],
      ["etl", "--source", dsn(primary, source), "--target", "mysql://root@nonexistent.invalid/serverdb_dw"],
    ]) {
      const r = await runCli(args, { timeoutMs: 30_000 });
      expect(expectOneLineFailure(r)).toContain("nonexistent.invalid");
    }
    expect(await factCount(dw)).toBe(before);
    expect((await runStatuses(dw)).length).toBe(runsBefore);
  }, 60_000);

  test("a source without servers_cpu: one line naming the table, nothing written, the run marked failed", async () => {
    const broken = await freshDatabase("src");
    await withDb(source, async (db) => {
      for (const row of await db.query<Record<string, string>>("SHOW TABLES")) {
        const t = Object.values(row)[0]!;
        if (t === "servers_cpu") continue;
        await db.execute(`CREATE TABLE ${quoteIdent(broken)}.${quoteIdent(t)} LIKE ${quoteIdent(source)}.${quoteIdent(t)}`);
        await db.execute(`INSERT INTO ${quoteIdent(broken)}.${quoteIdent(t)} SELECT * FROM ${quoteIdent(source)}.${quoteIdent(t)}`);
      }
    });
    const before = await factCount(dw);
    const runsBefore = (await runStatuses(dw)).length;
    const r = await runCli(etlArgs(broken, dw, undefined));
    expect(expectOneLineFailure(r)).toContain("servers_cpu");
    expect(await factCount(dw)).toBe(before);
    const statuses = await runStatuses(dw);
    expect(statuses.slice(runsBefore).map((s) => s.status)).toEqual(["failed"]);
  }, 60_000);
});

describe("runs that die or overlap (20,000 servers)", () => {
  let big: string;
  beforeAll(async () => {
    big = await generate(20_000);
  }, 180_000);

  test("SIGKILL mid-load: the lock is freed, the run stays 'running', a rerun equals a clean run", async () => {
    const target = await freshWarehouse();
    const proc = spawnCli(etlArgs(big, target, D, ["--batch-size", "200"]));
    let midway = 0;
    await withDb(target, (db) =>
      until("the run to be loading", 60_000, async () => {
        const [row] = await db.query<{ running: number; n: number }>(
          "SELECT (SELECT COUNT(*) FROM etl_runs WHERE status = 'running') AS running, " +
            "(SELECT COUNT(*) FROM server_facts WHERE report_date = ?) AS n",
          [D],
        );
        midway = Number(row!.n);
        if (proc.exitCode !== null) throw new Error(`etl ended before it could be killed: exit ${proc.exitCode}`);
        return Number(row!.running) === 1 && midway > 0;
      }),
    );
    proc.kill("SIGKILL");
    expect(await proc.exited).not.toBe(0);
    expect(midway).toBeLessThan(20_000);
    await lockReleased(target);
    const killed = await runStatuses(target);
    expect(killed.map((r) => r.status)).toEqual(["running"]);

    ok("rerun", await runCli(etlArgs(big, target, D, ["--batch-size", "1000"]), { timeoutMs: 120_000 }));
    const clean = await freshWarehouse();
    ok("clean run", await runCli(etlArgs(big, clean, D), { timeoutMs: 120_000 }));

    const rerun = await withDb(target, (db) => readWarehouseDay(db, D));
    const reference = await withDb(clean, (db) => readWarehouseDay(db, D));
    expect(reference.facts.length).toBeGreaterThan(10_000);
    expect(firstDifference("server_facts", rerun.facts, reference.facts)).toBeUndefined();
    expect(firstDifference("server_fact_roles", rerun.roles, reference.roles)).toBeUndefined();
    const statuses = await runStatuses(target);
    expect(statuses.map((r) => r.status)).toEqual(["running", "success"]);
    expect(rerun.runIds).toEqual([String(statuses[1]!.id)]);
  }, 150_000);

  test("a second run while one holds the lock exits 75 saying another run is active", async () => {
    const target = await freshWarehouse();
    const slow = spawnCli(etlArgs(big, target, D, ["--batch-size", "20"]));
    try {
      await withDb(target, (db) =>
        until("the first run to hold the lock", 60_000, async () => {
          if (slow.exitCode !== null) throw new Error(`the first run ended early: exit ${slow.exitCode}`);
          const [row] = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM etl_runs WHERE status = 'running'");
          return Number(row!.n) === 1;
        }),
      );
      const second = await runCli(etlArgs(big, target, undefined));
      expect(second.exitCode).toBe(75);
      expect(expectOneLineFailure(second)).toMatch(/another .*run/i);
      // The refused run wrote nothing: still only the first run's row.
      expect((await runStatuses(target)).length).toBe(1);
      expect(slow.exitCode).toBeNull();
    } finally {
      slow.kill("SIGKILL");
      await slow.exited;
      await lockReleased(target);
    }
  }, 90_000);
});
