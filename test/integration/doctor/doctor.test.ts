// `doctor` end to end against the test bed: the primary as source and target, the replica as
// replica (read through the `ro` user), and the failures the issues name: wrong password,
// unreachable port, missing or mistyped database, missing privileges (whose GRANTs are run here
// as printed, and must then be enough for the nightly job and a backfill, and no more).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { connect, dsn, freshDatabase, ok, runCli, servers, waitForReplica } from "../../support/servers.ts";
import { quoteIdent } from "../../../src/engine/ident.ts";
import { SQL } from "../../../src/sql.ts";
import { sourceTables } from "../../../src/doctor/source-tables.ts";
import { warehouseTableNames } from "../../../src/engine/mysql/catalog.ts";

let sourceDb: string;
let targetDb: string;
/** The real password of doctor_pw; a wrong one is used in the failure test. */
const password = `pw-${randomBytes(9).toString("hex")}`;
let serverVersion: string;

beforeAll(async () => {
  const { primary } = servers();
  sourceDb = await freshDatabase("doctor_src");
  targetDb = await freshDatabase("doctor_dw");
  const root = await connect(primary, sourceDb);
  try {
    await root.execute(SQL.serverdbSchema);
    [{ v: serverVersion }] = await root.query<{ v: string }>("SELECT VERSION() AS v");
    // Created on the primary, so they replicate and exist on the replica too.
    await root.execute("CREATE USER 'doctor_pw'@'%' IDENTIFIED BY ?", [password]);
    await root.execute(`GRANT ALL PRIVILEGES ON ${quoteIdent(targetDb)}.* TO 'doctor_pw'@'%'`);
    await root.execute("CREATE USER 'doctor_sel'@'%'");
    await root.execute(`GRANT SELECT ON ${quoteIdent(targetDb)}.* TO 'doctor_sel'@'%'`);
    await root.execute("CREATE USER 'doctor_nomon'@'%'");
    // SELECT on three of the ServerDB tables only.
    await root.execute("CREATE USER 'doctor_srcpart'@'%'");
    for (const t of ["servers_asset", "servers_rackedasset", "servers_server"]) {
      await root.execute(`GRANT SELECT ON ${quoteIdent(sourceDb)}.${quoteIdent(t)} TO 'doctor_srcpart'@'%'`);
    }
    // Sees every database's name, may use none.
    await root.execute("CREATE USER 'doctor_showdb'@'%'");
    await root.execute("GRANT SHOW DATABASES ON *.* TO 'doctor_showdb'@'%'");
    // Hold nothing until a test runs what doctor prints.
    for (const u of LEAST) await root.execute(`CREATE USER '${u}'@'%'`);
  } finally {
    await root.close();
  }
  await waitForReplica();
});

afterAll(async () => {
  const root = await connect(servers().primary);
  try {
    await root.execute(`DROP USER IF EXISTS 'doctor_pw'@'%', 'doctor_sel'@'%', 'doctor_nomon'@'%', 'doctor_srcpart'@'%', 'doctor_showdb'@'%', ${LEAST.map((u) => `'${u}'@'%'`).join(", ")}`);
  } finally {
    await root.close();
  }
});

/** Accounts that start with no privilege at all. */
const LEAST = ["doctor_lp_src", "doctor_lp_dw", "doctor_lp_mon"];

/** One character changed right after the prefix: one edit from the real name, far from the other test databases. */
function typo(name: string): string {
  return name.replace(/^doctor_(.)/, (_, c: string) => `doctor_${c === "x" ? "y" : "x"}`);
}

interface JsonCheck {
  role: string;
  endpoint: string;
  check: string;
  result: string;
  detail: string;
  fix?: string;
  statements?: string[];
}

async function doctorJson(args: string[]): Promise<{ exitCode: number; checks: JsonCheck[]; stdout: string }> {
  const r = await runCli(["doctor", "--json", ...args]);
  if (!r.stdout.startsWith("{")) throw new Error(`doctor --json printed no JSON (exit ${r.exitCode}): ${r.stderr}`);
  return { exitCode: r.exitCode, checks: JSON.parse(r.stdout).checks, stdout: r.stdout };
}

/** Run statements as root on the primary (they replicate), then wait for the replica. */
async function runAsRoot(statements: string[]): Promise<void> {
  const root = await connect(servers().primary);
  try {
    for (const st of statements) await root.execute(st);
  } finally {
    await root.close();
  }
  await waitForReplica();
}

/** The table's lines for one endpoint (lines that contain its DSN). */
function rowsFor(stdout: string, endpoint: string): string[] {
  return stdout.split("\n").filter((l) => l.includes(` ${endpoint} `));
}

/** One endpoint's line for one check, split into its columns. */
function cell(stdout: string, endpoint: string, check: string): { result: string; detail: string } {
  const found = rowsFor(stdout, endpoint)
    .map((l) => l.split(/ {2,}/))
    .filter((c) => c[2] === check);
  expect(found).toHaveLength(1);
  const [, , , result, ...detail] = found[0];
  return { result, detail: detail.join("  ") };
}

/** A TCP port on which nothing listens: bind one, note it, close it. */
function closedPort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

describe("doctor", () => {
  test("a healthy source, target and replica: exit 0, every role listed with its server facts", async () => {
    const { primary, replica } = servers();
    const args = ["doctor", "--source", dsn(primary, sourceDb), "--target", dsn(primary, targetDb), "--replica", dsn(replica, "", "ro")];
    const r = await runCli(args);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const shownVersion = `MariaDB ${serverVersion.match(/^\d+\.\d+\.\d+/)![0]}`;
    for (const [role, endpoint] of [["source", dsn(primary, sourceDb)], ["target", dsn(primary, targetDb)], ["replica", dsn(replica, "", "ro")]]) {
      const rows = rowsFor(r.stdout, endpoint);
      expect(rows.every((l) => l.startsWith(role))).toBe(true);
      expect(cell(r.stdout, endpoint, "version").detail).toStartWith(shownVersion);
      expect(rows.some((l) => /\bFAIL\b/.test(l))).toBe(false);
    }
    const target = dsn(primary, targetDb);
    expect(cell(r.stdout, target, "binlog")).toEqual({ result: "ok", detail: "binary log ON, format ROW" });
    expect(cell(r.stdout, target, "gtid").detail).toMatch(/^gtid_binlog_pos \d+-1-\d+/);
    expect(cell(r.stdout, target, "privileges").result).toBe("ok");
    const rep = dsn(replica, "", "ro");
    expect(cell(r.stdout, rep, "privileges").result).toBe("ok");
    expect(cell(r.stdout, rep, "replication")).toMatchObject({ result: "ok", detail: expect.stringMatching(/^running, \d+ s behind$/) });
    expect(cell(r.stdout, rep, "gtid").detail).toStartWith("Using_Gtid Slave_Pos");
    expect(cell(r.stdout, rep, "upstream")).toMatchObject({ result: "ok", detail: expect.stringContaining(`server_id ${primary.serverId}`) });
    expect(cell(r.stdout, rep, "read_only").result).toBe("ok");
    expect(cell(r.stdout, dsn(primary, sourceDb), "tables").result).toBe("ok");
    expect(r.stdout).toMatch(/\d+ checks: \d+ ok, \d+ warnings?, 0 failed/);
  });

  test("a target with history: the buffer_pool row gives one day's facts and keys against the buffer pool", async () => {
    const { primary } = servers();
    const src = await freshDatabase("doctor_hot_src");
    const dw = await freshDatabase("doctor_hot_dw");
    expect((await runCli(["generate", "--source", dsn(primary, src), "--servers", "400", "--seed", "3"])).exitCode).toBe(0);
    expect((await runCli(["init", "--target", dsn(primary, dw)])).exitCode).toBe(0);
    for (const day of ["2026-10-01", "2026-10-02", "2026-10-03"]) {
      expect((await runCli(["etl", "--source", dsn(primary, src), "--target", dsn(primary, dw), "--report-date", day])).exitCode).toBe(0);
    }
    // The figures, independently: what information_schema says, over the days present.
    const root = await connect(primary, dw);
    let bytes = 0;
    let pool = 0;
    try {
      [{ bytes }] = await root.query<{ bytes: number }>(
        "SELECT SUM(DATA_LENGTH + INDEX_LENGTH) AS bytes FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE 'server\\_fact%'",
        [dw],
      );
      [{ pool }] = await root.query<{ pool: number }>("SELECT @@innodb_buffer_pool_size AS pool");
    } finally {
      await root.close();
    }
    const r = await runCli(["doctor", "--json", "--target", dsn(primary, dw)]);
    const row = JSON.parse(r.stdout).checks.find((c: { check: string }) => c.check === "buffer_pool");
    const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
    expect(row).toMatchObject({
      role: "target",
      result: "ok",
      detail: `one day of facts and their keys is ~${mib(Number(bytes) / 3)} (${mib(Number(bytes))} over 3 days), the buffer pool ${mib(Number(pool))}: a night's work stays in memory`,
    });
  });

  test("--json prints the same checks for scripts", async () => {
    const { primary, replica } = servers();
    const r = await runCli(["doctor", "--json", "--target", dsn(primary, targetDb), "--replica", dsn(replica, "", "ro")]);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.summary.fail).toBe(0);
    expect(new Set(doc.checks.map((c: { role: string }) => c.role))).toEqual(new Set(["target", "replica"]));
    const binlog = doc.checks.find((c: { role: string; check: string }) => c.role === "target" && c.check === "binlog");
    expect(binlog).toMatchObject({ endpoint: dsn(primary, targetDb), result: "ok" });
  });

  test("wrong password, unreachable port, missing database: one line each, non-zero, fast, no password anywhere", async () => {
    const { primary } = servers();
    const wrong = `wrong-${randomBytes(9).toString("hex")}`;
    const targetDsn = dsn(primary, targetDb, "doctor_pw");
    const sourceDsn = dsn(primary, "doctor_no_such_db");
    const replicaDsn = `mysql://root@127.0.0.1:${closedPort()}/`;
    const started = performance.now();
    const r = await runCli(["doctor", "--verbose", "DEBUG", "--source", sourceDsn, "--target", targetDsn, "--replica", replicaDsn], {
      env: { SERVERDB_ETL_TARGET_PASSWORD: wrong },
    });
    const seconds = (performance.now() - started) / 1000;
    expect(r.exitCode).toBe(4);
    expect(seconds).toBeLessThan(10);
    const target = rowsFor(r.stdout, targetDsn);
    const source = rowsFor(r.stdout, sourceDsn);
    const replica = rowsFor(r.stdout, replicaDsn);
    expect(target).toHaveLength(1);
    expect(target[0]).toMatch(/ connect +FAIL +Access denied for user 'doctor_pw'/);
    // Root may use any name, so the server says the database does not exist (ER_BAD_DB_ERROR):
    // the connection works, the database row fails, the server's own checks still run.
    expect(cell(r.stdout, sourceDsn, "connect").result).toBe("ok");
    const database = cell(r.stdout, sourceDsn, "database");
    expect(database.result).toBe("FAIL");
    expect(database.detail).toStartWith("`doctor_no_such_db` does not exist on this server (");
    expect(database.detail).toContain("fix: fix the database name in the source DSN (--source, SERVERDB_ETL_SOURCE or [source] dsn)");
    expect(source.filter((l) => /\bFAIL\b/.test(l))).toHaveLength(1);
    expect(cell(r.stdout, sourceDsn, "version").result).toBe("ok");
    expect(replica).toHaveLength(1);
    expect(replica[0]).toMatch(/ connect +FAIL +.*ECONNREFUSED/);
    expect(r.stderr).toContain("3 checks failed");
    for (const secret of [wrong, password]) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
  });

  test("the right password passes (the failure above was the password)", async () => {
    const { primary } = servers();
    const r = await runCli(["doctor", "--target", dsn(primary, targetDb, "doctor_pw")], { env: { SERVERDB_ETL_TARGET_PASSWORD: password } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toContain(password);
    expect(cell(r.stdout, dsn(primary, targetDb, "doctor_pw"), "privileges")).toEqual({
      result: "ok",
      detail: `SELECT, INSERT, CREATE on the ${warehouseTableNames().length} warehouse tables, UPDATE on etl_runs, DELETE on all but etl_runs, ALTER, DROP on server_facts, server_fact_roles in \`${targetDb}\``,
    });
  });

  test("a target user with only SELECT fails privileges with one GRANT per warehouse table, which fix it", async () => {
    const { primary } = servers();
    const target = dsn(primary, targetDb, "doctor_sel");
    const before = await doctorJson(["--target", target]);
    expect(before.exitCode).toBe(4);
    const check = before.checks.find((c) => c.check === "privileges")!;
    expect(check.result).toBe("fail");
    // Least privilege: the tables, UPDATE only on etl_runs, and CREATE in each (the tables do
    // not exist yet, and a table GRANT needs CREATE then).
    const grant = (table: string, privileges: string) => `GRANT ${privileges} ON \`${targetDb}\`.\`${table}\` TO 'doctor_sel'@'%'`;
    expect(check.statements).toEqual(
      // ALTER and DROP on the fact tables: their day partitions.
      warehouseTableNames().map((t) =>
        grant(t, t === "etl_runs" ? "INSERT, UPDATE, CREATE" : ["server_facts", "server_fact_roles"].includes(t) ? "INSERT, DELETE, CREATE, ALTER, DROP" : "INSERT, DELETE, CREATE"),
      ),
    );
    const table = await runCli(["doctor", "--target", target]);
    expect(table.stdout).toContain(`\n${grant("etl_runs", "INSERT, UPDATE, CREATE")};\n`);

    // The printed statements are exactly what a DBA runs; afterwards doctor passes.
    await runAsRoot(check.statements!);
    const after = await runCli(["doctor", "--target", target]);
    expect(after.exitCode).toBe(0);
  });

  test("a source user without SELECT on some tables gets one GRANT per table it lacks, never one on the database", async () => {
    const { primary } = servers();
    const source = dsn(primary, sourceDb, "doctor_srcpart");
    const before = await doctorJson(["--source", source]);
    expect(before.exitCode).toBe(4);
    const check = before.checks.find((c) => c.check === "privileges")!;
    expect(check.result).toBe("fail");
    const lacking = sourceTables().filter((t) => !["servers_asset", "servers_rackedasset", "servers_server"].includes(t));
    // The fix was GRANT SELECT ON the database.*, which hands out auth_user and django_session too.
    expect(check.statements).toEqual(lacking.map((t) => `GRANT SELECT ON \`${sourceDb}\`.\`${t}\` TO 'doctor_srcpart'@'%'`));
    expect(before.stdout).not.toContain(`\`${sourceDb}\`.*`);
    await runAsRoot(check.statements!);
    const after = await runCli(["doctor", "--source", source]);
    expect(after.exitCode).toBe(0);
    expect(cell(after.stdout, source, "privileges").result).toBe("ok");
  });

  // Each account's DSN names a database one edit from the real one. doctor said: GRANT SELECT
  // ON `<typo>`.* (and, from etl, "… for a source" for a target too). Now: the database row
  // says it does not exist where the server tells, else that it is not visible, suggests the
  // real name, names the role's DSN, and no row grants anything on the typo.
  const typoCases: Array<[string, "source" | "target", () => [string, string], string, string]> = [
    // ER_DBACCESS_DENIED_ERROR: the server does not say whether it exists.
    ["a source account with table grants, database mistyped", "source", () => [sourceDb, "doctor_srcpart"], "is not visible to doctor_srcpart@%", "the source DSN (--source"],
    ["a target account with ALL on its database, database mistyped", "target", () => [targetDb, "doctor_pw"], "is not visible to doctor_pw@%", "the target DSN (--target"],
    // ER_BAD_DB_ERROR: root may use any name, so the server says it does not exist.
    ["root, source database mistyped", "source", () => [sourceDb, "root"], "does not exist on this server", "the source DSN (--source"],
    // Denied, but SHOW DATABASES shows every name and not this one: it does not exist.
    ["an account that sees every database, target mistyped", "target", () => [targetDb, "doctor_showdb"], "does not exist on this server", "the target DSN (--target"],
  ];
  for (const [name, role, which, detail, dsnPlace] of typoCases) {
    test(`mistyped database: ${name}`, async () => {
      const [real, user] = which();
      const wrong = typo(real);
      const endpoint = dsn(servers().primary, wrong, user);
      const env = user === "doctor_pw" ? { SERVERDB_ETL_TARGET_PASSWORD: password } : undefined;
      const r = await runCli(["doctor", `--${role}`, endpoint], { env });
      expect(r.exitCode).toBe(4);
      const database = cell(r.stdout, endpoint, "database");
      expect(database.result).toBe("FAIL");
      expect(database.detail).toStartWith(`\`${wrong}\` ${detail}`);
      expect(database.detail).toContain(`fix: did you mean \`${real}\`? Fix the database name in ${dsnPlace}`);
      expect(rowsFor(r.stdout, endpoint).filter((l) => / (privileges|tables) /.test(l))).toEqual([]);
      expect(r.stdout).not.toContain(`\`${wrong}\`.`);
      expect(r.stdout).not.toContain("for a source");
      expect(r.stdout).not.toContain("GRANT");
    });
  }

  test("a database the server will not describe and no name close to it: the GRANTs, if the name is right, and they work", async () => {
    const { primary } = servers();
    const fresh = await freshDatabase("doctor_fresh");
    const target = dsn(primary, fresh, "doctor_lp_dw");
    const before = await doctorJson(["--target", target]);
    expect(before.exitCode).toBe(4);
    const database = before.checks.find((c) => c.check === "database")!;
    expect(database).toMatchObject({ result: "fail", detail: expect.stringContaining("the account sees no database") });
    expect(database.fix).toStartWith(`check the database name in the target DSN (--target, SERVERDB_ETL_TARGET or [target] dsn); if it is right, run the ${warehouseTableNames().length} GRANT statements`);
    await runAsRoot(database.statements!);
    const after = await doctorJson(["--target", target]);
    expect(after.checks.filter((c) => c.result !== "ok")).toEqual([]);
    expect(after.exitCode).toBe(0);
  });

  test("accounts holding nothing but what doctor prints run the nightly job, a backfill and expire, with a replica named with its database", async () => {
    const { primary, replica } = servers();
    const src = await freshDatabase("doctor_lpsrc");
    const dw = await freshDatabase("doctor_lpdw");
    const D = "2026-03-02";
    ok("generate", await runCli(["generate", "--source", dsn(primary, src), "--servers", "60", "--seed", "13", "--history-days", "30", "--end-date", D], { timeoutMs: 120_000 }));
    await waitForReplica();
    const [source, target, rep] = [dsn(primary, src, "doctor_lp_src"), dsn(primary, dw, "doctor_lp_dw"), dsn(replica, dw, "doctor_lp_mon")];
    const endpoints = ["--source", source, "--target", target, "--replica", rep];

    const before = await doctorJson(endpoints);
    expect(before.exitCode).toBe(4);
    const statements = before.checks.flatMap((c) => c.statements ?? []);
    // Least privilege: table grants on the two databases, one global privilege for the replica
    // account, nothing database-wide and nothing on the replica's database.
    const onTables = statements.filter((st) => /^GRANT [A-Z, ]+ ON `[^`]+`\.`[^`]+` TO /.test(st));
    expect(statements.filter((st) => !onTables.includes(st))).toEqual(["GRANT SLAVE MONITOR ON *.* TO 'doctor_lp_mon'@'%'"]);
    expect(onTables.filter((st) => st.includes(`\`${src}\`.`))).toEqual(sourceTables().map((t) => `GRANT SELECT ON \`${src}\`.\`${t}\` TO 'doctor_lp_src'@'%'`));
    expect(onTables.filter((st) => st.includes(`\`${dw}\`.`))).toHaveLength(warehouseTableNames().length);
    await runAsRoot(statements);

    const after = await doctorJson(endpoints);
    expect(after.checks.filter((c) => c.result === "fail")).toEqual([]);
    expect(after.exitCode).toBe(0);
    // Before, a replica account without a privilege on the DSN's database could not connect.
    ok("init", await runCli(["init", "--target", target]));
    ok("run", await runCli(["run", ...endpoints, "--report-date", D]));
    ok("run again (REPLACE and the sweep delete)", await runCli(["run", ...endpoints, "--report-date", D]));
    ok("backfill", await runCli(["backfill", ...endpoints, "--from", "2026-02-01", "--to", "2026-02-03", "--timezone", "UTC"]));
    const expired = ok("expire", await runCli(["expire", "--target", target, "--replica", rep, "--keep-daily", "1", "--include-aggregates"]));
    expect(expired.stdout).toMatch(/^expire: [1-9]\d* days? deleted/m);
  }, 180_000);

  test("a source database without the ServerDB tables fails the tables check", async () => {
    const { primary } = servers();
    const empty = await freshDatabase("doctor_empty");
    const r = await runCli(["doctor", "--source", dsn(primary, empty)]);
    expect(r.exitCode).toBe(4);
    const tables = cell(r.stdout, dsn(primary, empty), "tables");
    expect(tables.result).toBe("FAIL");
    expect(tables.detail).toMatch(/servers_asset.*; fix: check that the source DSN \(--source, SERVERDB_ETL_SOURCE or \[source\] dsn\) names ServerDB's \(Django's\) database/);
  });

  test("a replica user without SLAVE MONITOR fails with the GRANT", async () => {
    const { replica } = servers();
    const r = await runCli(["doctor", "--replica", dsn(replica, "", "doctor_nomon")]);
    expect(r.exitCode).toBe(4);
    const line = cell(r.stdout, dsn(replica, "", "doctor_nomon"), "privileges");
    expect(line.result).toBe("FAIL");
    expect(line.detail).toEndWith("; fix: GRANT SLAVE MONITOR ON *.* TO 'doctor_nomon'@'%'");
  });

  test("a server that accepts TCP but never answers times out after --connect-timeout", async () => {
    // Accepts the connection and stays silent: no MySQL handshake ever arrives.
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const started = performance.now();
      const r = await runCli(["doctor", "--connect-timeout", "1", "--target", `mysql://root@127.0.0.1:${silent.port}/x`]);
      const seconds = (performance.now() - started) / 1000;
      expect(r.exitCode).toBe(4);
      expect(r.stdout).toMatch(/ connect +FAIL +.*(ETIMEDOUT|timeout)/i);
      expect(seconds).toBeLessThan(5);
    } finally {
      silent.stop(true);
    }
  });

  test("nothing configured is a usage error naming the flags", async () => {
    const r = await runCli(["doctor"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("--source");
    expect(r.stderr).toContain("--target");
    expect(r.stderr).toContain("--replica");
    expect(r.stdout).toBe("");
  });
});
