// What only a SQLite warehouse has: its path (bad paths are one line and exit 2 for every
// command, even as root), the default target ./serverdb_dw.sqlite, the run lock on
// <file>.lock (a second run exits 75 naming the first; a killed run leaves no stale lock),
// no replicas, and doctor's file checks. The source is a MariaDB ServerDB on the test bed.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MysqlDb } from "../../../../src/engine/mysql/mysql-db.ts";
import { connect, dsn, freshDatabase, REPO_ROOT, runCli, servers, type CliResult, ok } from "../../../support/servers.ts";
import { warehouseFor, type TestWarehouse } from "../../../support/engines.ts";

const D = "2026-11-20";

/** stderr lines without the warning every past --report-date earns. */
const errorLines = (r: CliResult) =>
  r.stderr
    .trimEnd()
    .split("\n")
    .filter((l) => l && !/is not today/.test(l));

const dir = mkdtempSync(join(tmpdir(), "serverdb-etl-sqlite-paths-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let source: string;
let sourceDsn: string;

beforeAll(async () => {
  source = await freshDatabase("sqlsrc");
  sourceDsn = dsn(servers().primary, source);
  ok("generate", await runCli(["generate", "--source", sourceDsn, "--servers", "300", "--seed", "99", "--end-date", D], { timeoutMs: 120_000 }));
}, 120_000);

describe("bad SQLite paths: one line, exit 2, for every command that takes --target", () => {
  const aDirectory = join(dir, "a-directory");
  const aFile = join(dir, "a-file.txt");
  const garbage = join(dir, "not-sqlite.sqlite");
  beforeAll(() => {
    mkdirSync(aDirectory);
    writeFileSync(aFile, "plain text\n");
    // 200 bytes that do not start with "SQLite format 3\0".
    writeFileSync(garbage, "this is not a database; ".repeat(8));
  });

  // Only init creates a missing file; every other command needs the tables init makes.
  const missingFile = (path: string) => `sqlite:${path} does not exist; check the path (for a warehouse, serverdb-etl init --target sqlite:${path} creates it)`;
  // [what, target path, the line's distinctive part for init, and for the other commands]
  const cases: Array<[string, () => string, string, string?]> = [
    ["a directory", () => aDirectory, "is a directory; give the path of a SQLite file"],
    ["a path whose parent is a regular file", () => join(aFile, "dw.sqlite"), `${aFile} is a file, not a directory`],
    ["a file in a directory that does not exist", () => join(dir, "missing", "dw.sqlite"), `directory ${join(dir, "missing")} does not exist`],
    ["a file that is not SQLite", () => garbage, "is not a SQLite database"],
    // Refused even to root (the test bed runs as root, where chmod does not stop anyone).
    [
      "a place no one can create a file",
      () => "/proc/serverdb-etl-test.sqlite",
      "unable to open database file; check that the file and its directory exist and are writable",
      missingFile("/proc/serverdb-etl-test.sqlite"),
    ],
    // A typo in the path of an existing warehouse: no empty file is left behind.
    ["a warehouse file that does not exist (etl, aggregate, expire, run)", () => join(dir, "typo.sqlite"), "", missingFile(join(dir, "typo.sqlite"))],
  ];
  const commands: Array<[string, () => string[]]> = [
    ["init", () => ["init"]],
    ["etl", () => ["etl", "--source", sourceDsn, "--report-date", D]],
    ["aggregate", () => ["aggregate", "--all"]],
    ["expire", () => ["expire"]],
    ["run", () => ["run", "--source", sourceDsn, "--report-date", D]],
  ];

  for (const [what, path, forInit, forOthers] of cases) {
    test(`${what}`, async () => {
      for (const [name, args] of commands) {
        const message = name === "init" ? forInit : (forOthers ?? forInit);
        if (!message) continue; // init creates a file where it can: that is its job
        const target = `sqlite:${path()}`;
        const r = await runCli([...args(), "--target", target]);
        expect({ name, exit: r.exitCode, stdout: r.stdout }).toEqual({ name, exit: 2, stdout: "" });
        const lines = errorLines(r);
        expect({ name, lines: lines.length }).toEqual({ name, lines: 1 });
        expect(lines[0]).toStartWith(`serverdb-etl: error: ${target}`);
        expect(lines[0]).toContain(message);
      }
      // Nothing was created where it could have been.
      expect(existsSync(join(dir, "missing"))).toBe(false);
      expect(existsSync(join(dir, "typo.sqlite"))).toBe(false);
      expect(await Bun.file(garbage).text()).toBe("this is not a database; ".repeat(8));
    }, 60_000);
  }
});

describe("the default target", () => {
  test("with no target configured anywhere, init creates ./serverdb_dw.sqlite and says so at INFO", async () => {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k, v]) => v !== undefined && !/^(SERVERDB_ETL_|MYSQL_)|^CREDENTIALS_DIRECTORY$/.test(k)),
    ) as Record<string, string>;
    const proc = Bun.spawn([process.execPath, "run", join(REPO_ROOT, "src/cli.ts"), "init", "--verbose", "INFO"], {
      cwd,
      env: { ...env, HOME: cwd },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect({ code, stderr: stderr.includes("no --target given; using sqlite:./serverdb_dw.sqlite") }).toEqual({ code: 0, stderr: true });
    expect(stdout).toContain("-- serverdb-etl: created table server_facts in sqlite:./serverdb_dw.sqlite\n");
    const db = new Database(join(cwd, "serverdb_dw.sqlite"), { readonly: true });
    try {
      expect(db.query("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name = 'server_facts'").get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });
});

describe("the run lock of a SQLite warehouse", () => {
  let dw: TestWarehouse;
  let blocker: MysqlDb | undefined;

  beforeAll(async () => {
    dw = await warehouseFor("sqlite", "lockdw");
    ok("init", await runCli(["init", "--target", dw.dsn]));
  });
  afterAll(async () => {
    await blocker?.close();
  });

  /** Keep a run inside its lock: its extract waits on a source table locked by us. */
  async function blockSource(): Promise<MysqlDb> {
    blocker = await connect(servers().primary, source);
    await blocker.execute("LOCK TABLES servers_server WRITE");
    return blocker;
  }

  function startRun(day: string) {
    return Bun.spawn([process.execPath, "run", join(REPO_ROOT, "src/cli.ts"), "run", "--source", sourceDsn, "--target", dw.dsn, "--report-date", day], {
      cwd: REPO_ROOT,
      stdout: "pipe",
      stderr: "pipe",
    });
  }

  /**
   * Wait until the run `pid` has published itself in <file>.lock's holder row (it does so just
   * before it takes the lock for the run; the row of an earlier run stays until then).
   */
  async function waitForHolder(pid: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (existsSync(`${dw.name}.lock`)) {
        const db = new Database(`${dw.name}.lock`, { readonly: true });
        try {
          const row = db.query("SELECT pid FROM holder").get() as { pid: number } | null;
          if (row?.pid === pid) return;
        } catch {
          // table not there yet
        } finally {
          db.close();
        }
      }
      await Bun.sleep(50);
    }
    throw new Error(`run ${pid} did not publish itself in the lock file`);
  }

  test("two runs at once: the second exits 75 at once, naming the first's pid; the first then finishes", async () => {
    const held = await blockSource();
    const first = startRun(D);
    try {
      await waitForHolder(first.pid);
      // The lock is taken just after the row is published: give the first run that moment.
      await Bun.sleep(200);
      const second = await runCli(["run", "--source", sourceDsn, "--target", dw.dsn, "--report-date", D]);
      expect(second.exitCode).toBe(75);
      expect(second.stdout).toBe("");
      const lines = errorLines(second);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`another serverdb-etl run holds the lock on ${dw.label} since `);
      expect(lines[0]).toContain(`pid ${first.pid} on `);
    } finally {
      await held.execute("UNLOCK TABLES");
    }
    expect(await first.exited).toBe(0);
    expect(await new Response(first.stdout).text()).toContain(`run ${D}: ok`);
  }, 60_000);

  test("a run killed while holding the lock leaves no stale lock: the next run goes ahead", async () => {
    const held = await blockSource();
    const victim = startRun(D);
    try {
      await waitForHolder(victim.pid);
      await Bun.sleep(200);
      victim.kill("SIGKILL");
      await victim.exited;
    } finally {
      await held.execute("UNLOCK TABLES");
    }
    const next = ok("run after a kill", await runCli(["run", "--source", sourceDsn, "--target", dw.dsn, "--report-date", D]));
    expect(next.stdout).toContain(`run ${D}: ok`);
  }, 60_000);
});

describe("a SQLite target has no replicas", () => {
  test("--replica with a SQLite target: one line, exit 2, before anything is written", async () => {
    const dw = await warehouseFor("sqlite", "replicadw");
    ok("init", await runCli(["init", "--target", dw.dsn]));
    const r = await runCli(["etl", "--source", sourceDsn, "--target", dw.dsn, "--replica", dsn(servers().replica, "x", "ro"), "--report-date", D]);
    expect(r.exitCode).toBe(2);
    const lines = errorLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${dw.label} has no replicas to wait for`);
    const db = new Database(dw.name, { readonly: true });
    try {
      expect(db.query("SELECT count(*) AS n FROM etl_runs").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});

describe("doctor on SQLite files", () => {
  test("a loaded warehouse: file, version, WAL, writable, tables, all ok (exit 0)", async () => {
    const dw = await warehouseFor("sqlite", "doctordw");
    ok("init", await runCli(["init", "--target", dw.dsn]));
    ok("etl", await runCli(["etl", "--source", sourceDsn, "--target", dw.dsn, "--report-date", D]));
    const r = ok("doctor", await runCli(["doctor", "--target", dw.dsn, "--json"]));
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: Array<{ role: string; endpoint: string; check: string; result: string; detail: string }> };
    expect(report.ok).toBe(true);
    const rows = report.checks.map((c) => [c.role, c.endpoint, c.check, c.result]);
    expect(rows).toEqual(["connect", "version", "journal_mode", "writable", "tables"].map((check) => ["target", dw.label, check, "ok"]));
    expect(report.checks[0]!.detail).toStartWith(`opened ${dw.name} (`);
    expect(report.checks[1]!.detail).toMatch(/^SQLite 3\.\d+\.\d+/);
  }, 60_000);

  test("a file that does not exist: a failing connect row (exit 4), and doctor does not create it", async () => {
    const dw = await warehouseFor("sqlite", "doctormissing");
    const r = await runCli(["doctor", "--target", dw.dsn, "--json"]);
    expect(r.exitCode).toBe(4);
    const report = JSON.parse(r.stdout) as { checks: Array<{ check: string; result: string; detail: string; fix?: string }> };
    expect(report.checks.map((c) => [c.check, c.result])).toEqual([["connect", "fail"]]);
    expect(report.checks[0]!.detail).toBe("the file does not exist");
    expect(report.checks[0]!.fix).toContain(`serverdb-etl init --target ${dw.label}`);
    expect(existsSync(dw.name)).toBe(false);
  });

  test("a source file that does not exist: the fix names the source DSN, not init (the fix of a warehouse)", async () => {
    const path = join(dir, "serverdb-typo.sqlite");
    const r = await runCli(["doctor", "--source", `sqlite:${path}`, "--json"]);
    expect(r.exitCode).toBe(4);
    const [connectRow] = JSON.parse(r.stdout).checks as Array<{ role: string; check: string; result: string; detail: string; fix?: string }>;
    expect(connectRow).toMatchObject({ role: "source", check: "connect", result: "fail", detail: "the file does not exist" });
    // It said: "check the path (for a warehouse, serverdb-etl init --target … creates it)".
    expect(connectRow.fix).toBe(`check the path in the source DSN (--source, SERVERDB_ETL_SOURCE or [source] dsn): it names ServerDB's SQLite file (serverdb-etl generate --source sqlite:${path} makes a test one)`);
    expect(existsSync(path)).toBe(false);
  });

  test("a warehouse missing a table: the tables row fails and names init", async () => {
    const dw = await warehouseFor("sqlite", "doctordrift");
    ok("init", await runCli(["init", "--target", dw.dsn]));
    const db = new Database(dw.name);
    db.exec("DROP TABLE server_by_cpu");
    db.close();
    const r = await runCli(["doctor", "--target", dw.dsn, "--json"]);
    expect(r.exitCode).toBe(4);
    const report = JSON.parse(r.stdout) as { checks: Array<{ check: string; result: string; detail: string; fix?: string }> };
    const tables = report.checks.find((c) => c.check === "tables")!;
    expect([tables.result, tables.detail, tables.fix]).toEqual(["fail", "1 warehouse tables missing (server_by_cpu)", `serverdb-etl init --target ${dw.label}`]);
  });
});
