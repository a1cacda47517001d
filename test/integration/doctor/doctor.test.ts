// `doctor` end to end against the test bed: the primary as source and target, the replica as
// replica (read through the `ro` user), and the failures the issue names: wrong password,
// unreachable port, missing database, missing privileges.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { connect, dsn, freshDatabase, runCli, servers, waitForReplica } from "../../support/servers.ts";
import { quoteIdent } from "../../../src/engine/ident.ts";
import { SQL } from "../../../src/sql.ts";

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
  } finally {
    await root.close();
  }
  await waitForReplica();
});

afterAll(async () => {
  const root = await connect(servers().primary);
  try {
    await root.execute("DROP USER IF EXISTS 'doctor_pw'@'%', 'doctor_sel'@'%', 'doctor_nomon'@'%'");
  } finally {
    await root.close();
  }
});

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
    expect(source).toHaveLength(1);
    expect(source[0]).toMatch(/ connect +FAIL +Unknown database 'doctor_no_such_db'/);
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
    expect(cell(r.stdout, dsn(primary, targetDb, "doctor_pw"), "privileges")).toEqual({ result: "ok", detail: `SELECT, INSERT, UPDATE, DELETE, CREATE on \`${targetDb}\`` });
  });

  test("a target user with only SELECT fails privileges with the GRANT to run, which fixes it", async () => {
    const { primary } = servers();
    const target = dsn(primary, targetDb, "doctor_sel");
    const before = await runCli(["doctor", "--json", "--target", target]);
    expect(before.exitCode).toBe(4);
    const check = JSON.parse(before.stdout).checks.find((c: { check: string }) => c.check === "privileges");
    expect(check.result).toBe("fail");
    const grant = `GRANT INSERT, UPDATE, DELETE, CREATE ON \`${targetDb}\`.* TO 'doctor_sel'@'%'`;
    expect(check.fix).toBe(grant);
    const table = await runCli(["doctor", "--target", target]);
    expect(table.stdout).toContain(`fix: ${grant}`);

    // The printed statement is exactly what a DBA runs; afterwards doctor passes.
    const root = await connect(primary);
    try {
      await root.execute(check.fix);
    } finally {
      await root.close();
    }
    const after = await runCli(["doctor", "--target", target]);
    expect(after.exitCode).toBe(0);
  });

  test("a source database without the ServerDB tables fails the tables check", async () => {
    const { primary } = servers();
    const empty = await freshDatabase("doctor_empty");
    const r = await runCli(["doctor", "--source", dsn(primary, empty)]);
    expect(r.exitCode).toBe(4);
    const tables = cell(r.stdout, dsn(primary, empty), "tables");
    expect(tables.result).toBe("FAIL");
    expect(tables.detail).toMatch(/servers_asset.*; fix: run generate or check the database name/);
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
