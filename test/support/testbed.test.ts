// Self-test of the test bed: the servers are what the other suites assume (a GTID replica
// that really replicates, a read-only `ro` user, utf8mb4), and the helpers behave as documented.
import { describe, expect, test } from "bun:test";
import { MysqlDb } from "../../src/engine/mysql/mysql-db.ts";
import { mysqlErrorCode } from "../../src/engine/mysql/errors.ts";
import { connect, dsn, freshDatabase, runCli, servers, waitForReplica } from "./servers.ts";

async function connectAs(port: number, user: string, database = ""): Promise<MysqlDb> {
  return MysqlDb.connect({ kind: "mysql", host: "127.0.0.1", port, user, database, sslMode: "DISABLED" });
}

describe("test bed servers", () => {
  test("primary and replica are distinct servers with the expected settings", async () => {
    const { primary, replica } = servers();
    expect(primary.port).not.toBe(replica.port);
    for (const [server, readOnly, logBin] of [
      [primary, 0, 1],
      [replica, 1, 0],
    ] as const) {
      const db = await connect(server);
      const [row] = await db.query(
        "SELECT @@server_id AS id, @@read_only AS ro, @@log_bin AS lb, @@gtid_strict_mode AS strict, @@character_set_server AS cs, @@collation_server AS coll, @@port AS port",
      );
      await db.close();
      expect(row).toEqual({ id: server.serverId, ro: readOnly, lb: logBin, strict: 1, cs: "utf8mb4", coll: "utf8mb4_general_ci", port: server.port });
    }
  });

  test("writes on the primary reach the replica after waitForReplica", async () => {
    const { primary, replica } = servers();
    const name = await freshDatabase("testbed");
    const rows = 50 + Math.floor(Math.random() * 50);
    const labels = Array.from({ length: rows }, (_, i) => `row ${i} é`);
    const p = await connect(primary, name);
    await p.execute("CREATE TABLE t (id INT PRIMARY KEY, label VARCHAR(20))");
    await p.execute(
      "INSERT INTO t VALUES " + Array.from({ length: rows }, () => "(?, ?)").join(","),
      labels.flatMap((label, i) => [i, label]),
    );
    const [{ pos }] = await p.query<{ pos: string }>("SELECT @@gtid_binlog_pos AS pos");
    await p.close();
    await waitForReplica();
    const r = await connect(replica, name);
    const [{ n, last }] = await r.query<{ n: number; last: string }>("SELECT COUNT(*) AS n, MAX(label) AS last FROM t");
    const [{ applied }] = await r.query<{ applied: string }>("SELECT @@gtid_slave_pos AS applied");
    await r.close();
    expect(n).toBe(rows);
    // The greatest label, compared the same way by JS and utf8mb4_general_ci (ASCII prefix, same suffix).
    expect(last).toBe(labels.slice().sort().at(-1)!);
    expect(applied).toBe(pos);
  });

  test("the ro user can read and monitor but not write", async () => {
    const { primary, replica } = servers();
    const name = await freshDatabase("testbed_ro");
    const p = await connect(primary, name);
    await p.execute("CREATE TABLE t (id INT PRIMARY KEY)");
    await p.close();
    await waitForReplica();
    const ro = await connectAs(replica.port, "ro", name);
    try {
      expect(await ro.query("SELECT COUNT(*) AS n FROM t")).toEqual([{ n: 0 }]);
      const [status] = await ro.query("SHOW SLAVE STATUS");
      expect(status.Slave_SQL_Running).toBe("Yes");
      expect(status.Using_Gtid).toBe("Slave_Pos");
    } finally {
      await ro.close();
    }
    // On the primary (no read_only to hide behind) the missing privilege is what refuses the write.
    const roPrimary = await connectAs(primary.port, "ro", name);
    try {
      const [row] = await roPrimary.query("SHOW MASTER STATUS");
      expect(row.File).toMatch(/^mysql-bin\.\d+$/);
      const err = await roPrimary.execute("INSERT INTO t VALUES (1)").catch((e) => e);
      expect(mysqlErrorCode(err)).toBe("ER_TABLEACCESS_DENIED_ERROR");
    } finally {
      await roPrimary.close();
    }
  });

  test("freshDatabase makes distinct names and refuses names over 64 characters", async () => {
    const a = await freshDatabase("testbed_names");
    const b = await freshDatabase("testbed_names");
    expect(a).not.toBe(b);
    expect(a.startsWith("testbed_names_")).toBe(true);
    const db = await connect(servers().primary);
    const found = await db.query<{ name: string }>(
      "SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?, ?) ORDER BY 1",
      [a, b],
    );
    await db.close();
    expect(found.map((r) => r.name)).toEqual([a, b].sort());
    await expect(freshDatabase("x".repeat(60))).rejects.toThrow(/longer than 64/);
  });

  test("dsn() names the server's port and the user", () => {
    const { replica } = servers();
    expect(dsn(replica, "serverdb_dw")).toBe(`mysql://root@127.0.0.1:${replica.port}/serverdb_dw`);
    expect(dsn(replica, "serverdb_dw", "ro")).toBe(`mysql://ro@127.0.0.1:${replica.port}/serverdb_dw`);
  });
});

describe("runCli", () => {
  test("runs the CLI from source and returns its exit code and output", async () => {
    const res = await runCli(["--version"]);
    expect(res).toEqual({ exitCode: 0, stdout: "dev\n", stderr: "" });
  });

  test("kills a child that outlives the timeout and says so", async () => {
    const started = performance.now();
    await expect(runCli(["--help"], { timeoutMs: 1 })).rejects.toThrow(/did not finish within 1 ms/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
