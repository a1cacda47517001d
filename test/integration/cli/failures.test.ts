// Every way a night goes wrong, provoked for real on the test bed: each gives exactly one line on
// stderr that names the problem and the fix, no stack trace, and its exit code. --verbose DEBUG
// adds the SQL (values elided) and the stack.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { MysqlDb } from "../../../src/engine/mysql/mysql-db.ts";
import { quoteIdent } from "../../../src/engine/ident.ts";
import { runLockName } from "../../../src/engine/mysql/advisory-lock.ts";
import { connect, dsn, freshDatabase, runCli, servers, waitForReplica, type CliResult, ok, withDb } from "../../support/servers.ts";

/** A port on which nothing listens (bound once by us, then closed). */
function closedPort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/** The one line a DBA gets: `code` as exit code, a single stderr line, no stack trace. */
function oneLine(r: CliResult, code: number): string {
  const lines = r.stderr.trimEnd().split("\n");
  if (r.exitCode !== code || lines.length !== 1) {
    throw new Error(`expected exit ${code} and one stderr line, got exit ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

let source: string;
let dw: string;
const target = () => dsn(servers().primary, dw);
const etl = (extra: string[], targetDsn = target(), sourceDsn = dsn(servers().primary, source)) => [
  "etl",
  "--source", sourceDsn,
  "--target", targetDsn,
  ...extra,
];

beforeAll(async () => {
  source = await freshDatabase("fail_src");
  ok("generate", await runCli(["generate", "--source", dsn(servers().primary, source), "--servers", "300", "--seed", "5"], { timeoutMs: 120_000 }));
  dw = await freshDatabase("fail_dw");
  ok("init", await runCli(["init", "--target", target()]));
  await withDb("", async (db) => {
    // A user that may read the warehouse but not write it.
    await db.execute("CREATE USER IF NOT EXISTS 'fail_reader'@'%'");
    await db.execute(`GRANT SELECT ON ${quoteIdent(dw)}.* TO 'fail_reader'@'%'`);
    await db.execute("CREATE USER IF NOT EXISTS 'fail_pw'@'%' IDENTIFIED BY 'Right-Password-1'");
    await db.execute(`GRANT ALL ON ${quoteIdent(dw)}.* TO 'fail_pw'@'%'`);
  });
  await waitForReplica();
}, 150_000);

afterAll(async () => {
  await withDb("", async (db) => {
    await db.execute("DROP USER IF EXISTS 'fail_reader'@'%'");
    await db.execute("DROP USER IF EXISTS 'fail_pw'@'%'");
  });
});

describe("unreachable", () => {
  test("the source: names host:port, says nothing listens there; exit 1", async () => {
    const port = closedPort();
    const line = oneLine(await runCli(etl([], target(), `mysql://root@127.0.0.1:${port}/serverdb2`)), 1);
    expect(line).toContain(`127.0.0.1:${port}`);
    expect(line).toContain("nothing listens there; check host and port");
  });

  test("the target: the same, for the warehouse", async () => {
    const port = closedPort();
    const line = oneLine(await runCli(etl([], `mysql://root@127.0.0.1:${port}/serverdb_dw`)), 1);
    expect(line).toContain(`127.0.0.1:${port}`);
    expect(line).toContain("nothing listens there");
  });
});

describe("credentials and privileges", () => {
  test("a wrong password: says so, points at where passwords come from, never prints it", async () => {
    const r = await runCli(etl([], dsn(servers().primary, dw, "fail_pw")), { env: { SERVERDB_ETL_TARGET_PASSWORD: "Wrong-Password-2" } });
    const line = oneLine(r, 1);
    expect(line).toContain("Access denied for user 'fail_pw'");
    expect(line).toContain("check the user and its password");
    expect(r.stdout + r.stderr).not.toContain("Wrong-Password-2");
  });

  test("a missing privilege is named, with the GRANT on that table: a SELECT-only warehouse user", async () => {
    const line = oneLine(await runCli(etl([], dsn(servers().primary, dw, "fail_reader"))), 1);
    expect(line).toMatch(/INSERT command denied to user 'fail_reader'/);
    // Was GRANT INSERT ON the database.*: more than the one table that needs it.
    expect(line).toContain(`lacks INSERT on \`${dw}\`.\`etl_runs\`: GRANT INSERT ON \`${dw}\`.\`etl_runs\` TO 'fail_reader'@'`);
  });

  test("a target database the user may not use (here: a name that does not exist): no GRANT on it, no wrong role", async () => {
    const line = oneLine(await runCli(etl([], dsn(servers().primary, "fail_no_such_dw", "fail_reader"))), 1);
    expect(line).toContain("Access denied for user 'fail_reader'@'%' to database 'fail_no_such_dw'");
    expect(line).toContain("may not use this database, or it does not exist (the server does not say which): check the database name in the DSN");
    // It said: GRANT SELECT ON `fail_no_such_dw`.* … for a source.
    expect(line).not.toContain("for a source");
    expect(line).not.toMatch(/GRANT \w+ ON/);
  });
});

describe("missing things", () => {
  test("a target database that does not exist", async () => {
    const line = oneLine(await runCli(etl([], dsn(servers().primary, "fail_no_such_db"))), 1);
    expect(line).toContain("Unknown database 'fail_no_such_db'");
    expect(line).toContain("the database does not exist: fix the database name in the DSN (a new warehouse database is made with CREATE DATABASE, its tables by serverdb-etl init)");
  });

  test("warehouse tables missing (init never ran): exit 3, says to run init, nothing written", async () => {
    const empty = await freshDatabase("fail_empty");
    const line = oneLine(await runCli(etl([], dsn(servers().primary, empty))), 3);
    expect(line).toContain("nothing was written: run serverdb-etl init to create the missing tables");
    const tables = await withDb(empty, (db) => db.query("SHOW TABLES"));
    expect(tables).toEqual([]);
  });

  test("a source without ServerDB's tables: names the table", async () => {
    const empty = await freshDatabase("fail_nosrc");
    const line = oneLine(await runCli(etl([], target(), dsn(servers().primary, empty))), 1);
    expect(line).toContain(`Table '${empty}.servers_server' doesn't exist`);
  });
});

describe("the warehouse differs or is full", () => {
  test("a drifted table: exit 3 before anything is written, pointing at init --check", async () => {
    const drifted = await freshDatabase("fail_drift");
    ok("init", await runCli(["init", "--target", dsn(servers().primary, drifted)]));
    await withDb(drifted, (db) => db.execute("ALTER TABLE server_facts DROP COLUMN memory"));
    const line = oneLine(await runCli(etl([], dsn(servers().primary, drifted))), 3);
    expect(line).toContain("server_facts: ");
    expect(line).toContain("memory");
    expect(line).toContain("run serverdb-etl init --check to see the ALTER statements");
    expect(await withDb(drifted, (db) => db.query("SELECT id FROM etl_runs"))).toEqual([]);
  });

  test("a table that is full (an aggregate table with a size limit): the table named, what to free or raise", async () => {
    const full = await freshDatabase("fail_full");
    const fullDsn = dsn(servers().primary, full);
    ok("init", await runCli(["init", "--target", fullDsn]));
    ok("etl", await runCli(etl([], fullDsn)));
    await withDb(full, async (db) => {
      // On the primary only (not binlogged): a MEMORY table of a few blocks, filled with another day's rows.
      await db.execute("SET SESSION sql_log_bin = 0");
      await db.execute("ALTER TABLE server_by_site ENGINE=MEMORY MAX_ROWS=3");
      await db
        .execute("INSERT INTO server_by_site (report_date, site, region, status) SELECT '2000-01-01', seq, 'r', 's' FROM seq_1_to_1000")
        .then(
          () => {
            throw new Error("the MEMORY table did not fill up");
          },
          (err: Error) => expect(err.message).toContain("is full"),
        );
    });
    const line = oneLine(await runCli(["aggregate", "--target", fullDsn]), 1);
    expect(line).toContain("The table 'server_by_site' is full");
    expect(line).toContain("free space or raise the limit, then rerun");
  });

  test("max_allowed_packet: the load sizes its statements to it (1024 bytes still loads); a statement over it says to raise it", async () => {
    const small = await freshDatabase("fail_packet");
    const smallDsn = dsn(servers().primary, small);
    ok("init", await runCli(["init", "--target", smallDsn]));
    const [{ packet }] = await withDb("", (db) => db.query<{ packet: number }>("SELECT @@GLOBAL.max_allowed_packet AS packet"));
    let loaded: CliResult;
    let line: string;
    try {
      await withDb("", (db) => db.execute("SET GLOBAL max_allowed_packet = 1024"));
      // The smallest value MariaDB takes: every row becomes its own statement, and the run succeeds.
      loaded = await runCli(etl([], smallDsn), { timeoutMs: 60_000 });
      // What the server says to a statement that is over it (the load never sends one; a hand-made one does).
      line = await withDb(small, async (db) => {
        try {
          await db.execute("SELECT ? AS big", ["x".repeat(100_000)]);
          return "no error";
        } catch (err) {
          return (err as Error).message;
        }
      });
    } finally {
      await withDb("", (db) => db.execute("SET GLOBAL max_allowed_packet = ?", [packet]));
    }
    ok("etl with max_allowed_packet 1024", loaded);
    expect(await withDb(small, async (db) => Number((await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM server_facts"))[0]!.n))).toBe(300);
    expect(line).toContain("Got a packet bigger than 'max_allowed_packet' bytes");
    expect(line).toContain("raise it (SET GLOBAL max_allowed_packet = 67108864, and in my.cnf), then rerun");
  }, 90_000);
});

describe("replicas and the lock", () => {
  test("a replica that does not catch up: names it, what to check, and --replica-timeout", async () => {
    const { replica } = servers();
    await withDb("", (db) => db.execute("STOP SLAVE SQL_THREAD"), replica);
    let r: CliResult;
    try {
      r = await runCli(etl(["--replica", dsn(replica, dw, "ro"), "--replica-timeout", "2"]), { timeoutMs: 60_000 });
    } finally {
      await withDb("", (db) => db.execute("START SLAVE SQL_THREAD"), replica);
    }
    await waitForReplica();
    const line = oneLine(r, 1);
    expect(line).toContain(`replica mysql://ro@127.0.0.1:${replica.port}/${dw}`);
    expect(line).toContain("after 2s");
    expect(line).toContain("SHOW SLAVE STATUS");
    expect(line).toContain("--replica-timeout");
  }, 90_000);

  test("the lock held by another run: exit 75, says who and what to do", async () => {
    const holder = await connect(servers().primary);
    try {
      await holder.query("SELECT GET_LOCK(?, 0)", [runLockName(dw)]);
      const line = oneLine(await runCli(etl([])), 75);
      expect(line).toContain(`another serverdb-etl run holds the lock on ${dw}`);
      expect(line).toContain("wait for it to finish");
    } finally {
      await holder.close();
    }
  });
});

describe("invalid dates and options: exit 2 before anything connects", () => {
  const cases: Array<[string[], RegExp]> = [
    [["--report-date", "2026-02-30"], /invalid --report-date "2026-02-30": write a calendar date as YYYY-MM-DD/],
    [["--batch-size", "0"], /--batch-size must be a positive whole number, got "0"/],
    [["--bogus"], /unknown argument --bogus for etl; run serverdb-etl etl --help/],
    [["--progress", "sideways"], /--progress "sideways": use one of auto, tty, log, none/],
    [["--log-format", "xml"], /--log-format "xml": use one of text, json/],
    [["--progress-interval", "-1"], /--progress-interval must be a positive number of seconds/],
  ];
  test.each(cases)("%p", async (extra, message) => {
    // An unreachable target: a usage error must come first.
    const line = oneLine(await runCli(etl(extra, `mysql://root@127.0.0.1:${closedPort()}/x`)), 2);
    expect(line).toMatch(message);
  });
});

describe("--verbose DEBUG", () => {
  test("adds each statement with its values elided, and the stack of a failure", async () => {
    const r = ok("etl --verbose DEBUG", await runCli(etl(["--verbose", "DEBUG", "--progress", "none"])));
    const sql = r.stderr.split("\n").filter((l) => l.startsWith("[debug] [sql] "));
    // The test bed's primary has local_infile ON: the batch is one LOAD DATA, shown by its shape and size.
    expect(sql.some((l) => /LOAD DATA LOCAL INFILE '\S+' REPLACE INTO TABLE `server_facts` .* \(\d+ columns\) \[300 rows, \d+ bytes\]$/.test(l))).toBe(true);
    expect(sql.some((l) => l.includes("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"))).toBe(true);
    // The source session may wait for the load (source-pauses.test.ts): raised before the snapshot opens.
    const raise = sql.findIndex((l) => l.includes("SET SESSION net_write_timeout = GREATEST(@@SESSION.net_write_timeout, ?) [1 bound values]"));
    expect(raise).toBeGreaterThanOrEqual(0);
    expect(raise).toBeLessThan(sql.findIndex((l) => l.includes("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")));
    // The writer's and the lock's sessions outlive a replica wait: both raise wait_timeout.
    expect(sql.filter((l) => l.includes("SET SESSION wait_timeout = GREATEST(@@SESSION.wait_timeout, ?)")).length).toBeGreaterThanOrEqual(2);
    // No value of the data: not one server name of the source appears anywhere in the log.
    const names = await withDb(source, (db) => db.query<{ name: string }>("SELECT name FROM servers_asset WHERE name <> '' LIMIT 50"));
    expect(names.length).toBeGreaterThan(10);
    for (const { name } of names) expect(r.stderr).not.toContain(name);

    const failed = await runCli(etl(["--verbose", "DEBUG"], `mysql://root@127.0.0.1:${closedPort()}/x`));
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain("serverdb-etl: error: ");
    expect(failed.stderr).toMatch(/^\s+at /m);
  });
});
