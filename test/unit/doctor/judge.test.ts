// Judging facts per role. The MySQL 8 cases (gtid_mode, Replica_/Source_ columns, roles that
// SHOW GRANTS does not expand) can only be tested here, on facts objects: no MySQL 8 on this machine.
import { describe, expect, test } from "bun:test";
import { judge, judgePacket, judgeVersion, LAG_WARN_SECONDS, MIN_PACKET_BYTES, TARGET_PRIVILEGES, type JudgeContext } from "../../../src/doctor/judge.ts";
import { replicaStatus } from "../../../src/engine/mysql/doctor-inspect.ts";
import { renderJson, renderTable } from "../../../src/doctor/render.ts";
import { HISTORY_TABLE, sourceTables } from "../../../src/doctor/source-tables.ts";
import type { Check, ReplicaStatus, ServerFacts } from "../../../src/doctor/types.ts";

/** Facts of a healthy MariaDB primary as the ETL user; each test changes what it is about. */
function mariadb(over: Partial<ServerFacts> = {}, vars: Partial<ServerFacts["vars"]> = {}): ServerFacts {
  return {
    version: "10.11.19-MariaDB-log",
    flavor: "mariadb",
    account: { user: "etl", host: "%" },
    database: "serverdb_dw",
    grants: [{ privileges: ["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE"], db: "serverdb_dw", table: "*" }],
    rolesUnexpanded: false,
    vars: {
      serverId: 1,
      logBin: true,
      binlogFormat: "ROW",
      readOnly: false,
      maxAllowedPacket: 64 * 1024 * 1024,
      timeZone: "SYSTEM",
      systemTimeZone: "UTC",
      gtidBinlogPos: "0-1-42",
      gtidSlavePos: "",
      gtidStrictMode: true,
      ...vars,
    },
    ...over,
  };
}

function mysql8(over: Partial<ServerFacts> = {}, vars: Partial<ServerFacts["vars"]> = {}): ServerFacts {
  const f = mariadb({ version: "8.0.36", flavor: "mysql", ...over }, { gtidBinlogPos: undefined, gtidSlavePos: undefined, gtidStrictMode: undefined, gtidMode: "ON", gtidExecuted: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5", ...vars });
  return f;
}

const running: ReplicaStatus = {
  ioRunning: "Yes",
  sqlRunning: "Yes",
  secondsBehind: 0,
  sourceHost: "dw1",
  sourcePort: 3306,
  sourceServerId: 1,
  usingGtid: "Slave_Pos",
  lastIoError: "",
  lastSqlError: "",
};

function replicaFacts(status: Partial<ReplicaStatus> | "none" | "denied", over: Partial<ServerFacts> = {}): ServerFacts {
  const replication: ServerFacts["replication"] =
    status === "none" ? { state: "none" } : status === "denied" ? { state: "denied", error: "ER_SPECIFIC_ACCESS_DENIED_ERROR" } : { state: "read", status: { ...running, ...status } };
  return mariadb({ account: { user: "ro", host: "%" }, database: "", grants: [], replication, ...over }, { serverId: 2, readOnly: true, gtidSlavePos: "0-1-42" });
}

const ctx: JudgeContext = { replicasConfigured: true, targetServerId: 1 };
const byName = (checks: Check[], name: string) => checks.filter((c) => c.check === name);
const one = (checks: Check[], name: string): Check => {
  const found = byName(checks, name);
  expect(found).toHaveLength(1);
  return found[0];
};

describe("every role", () => {
  test("a healthy target, source and replica have no warnings or failures", () => {
    const tables = Object.fromEntries(sourceTables().map((t) => [t, "ok" as const]));
    for (const checks of [judge("target", mariadb(), ctx), judge("source", mariadb({ database: "serverdb2", tables }), ctx), judge("replica", replicaFacts({}), ctx)]) {
      expect(checks.filter((c) => c.result !== "ok")).toEqual([]);
      for (const c of checks) expect(c.fix).toBeUndefined();
    }
  });

  test("every check that is not ok carries a fix", () => {
    const bad = [
      ...judge("target", mariadb({ grants: [], version: "10.3.39-MariaDB" }, { binlogFormat: "STATEMENT", readOnly: true, maxAllowedPacket: 1 << 20 }), ctx),
      ...judge("replica", replicaFacts({ ioRunning: "No", usingGtid: "No", sourceServerId: 9 }, {}), ctx),
      ...judge("replica", replicaFacts("denied"), ctx),
      ...judge("source", mariadb({ database: "serverdb2", tables: { servers_server: "missing", servers_asset: "denied" } }), ctx),
    ];
    const notOk = bad.filter((c) => c.result !== "ok");
    expect(notOk.length).toBeGreaterThan(8);
    for (const c of notOk) expect(c.fix, `${c.check}: ${c.detail}`).toBeTruthy();
  });
});

describe("version", () => {
  const cases: Array<[string, "mariadb" | "mysql", Check["result"], string]> = [
    ["10.11.19-MariaDB-0+deb12u1", "mariadb", "ok", "MariaDB 10.11.19"],
    ["10.6.0-MariaDB", "mariadb", "ok", "MariaDB 10.6.0"],
    ["10.5.25-MariaDB", "mariadb", "warn", "MariaDB 10.5.25"],
    ["11.4.2-MariaDB", "mariadb", "ok", "MariaDB 11.4.2"], // 11.x > 10.6 although 4 < 6
    ["8.0.36", "mysql", "ok", "MySQL 8.0.36"],
    ["5.7.44-log", "mysql", "warn", "MySQL 5.7.44"],
  ];
  for (const [version, flavor, result, shown] of cases) {
    test(version, () => {
      const c = judgeVersion(mariadb({ version, flavor }));
      expect(c.result).toBe(result);
      expect(c.detail).toStartWith(shown);
    });
  }
});

describe("source", () => {
  const all = () => Object.fromEntries(sourceTables().map((t) => [t, "ok" as const])) as Record<string, "ok" | "missing" | "denied">;
  test("the table list comes from the extract SQL and includes the history table", () => {
    const tables = sourceTables();
    expect(tables).toContain("servers_server");
    expect(tables).toContain("servers_asset");
    expect(tables).toContain(HISTORY_TABLE);
    expect(tables).toEqual([...tables].sort());
  });
  test("a denied table fails privileges with the GRANT for the database", () => {
    const tables = { ...all(), servers_cpu: "denied" as const };
    const c = one(judge("source", mariadb({ database: "serverdb2", tables }), ctx), "privileges");
    expect(c.result).toBe("fail");
    expect(c.detail).toContain("servers_cpu");
    expect(c.fix).toBe("GRANT SELECT ON `serverdb2`.* TO 'etl'@'%'");
  });
  test("missing extract tables fail with a hint to generate or check the name", () => {
    const tables = { ...all(), servers_server: "missing" as const };
    const c = one(judge("source", mariadb({ database: "serverdb2", tables }), ctx), "tables");
    expect(c.result).toBe("fail");
    expect(c.detail).toContain("servers_server");
    expect(c.fix).toContain("run generate or check the database name");
  });
  test("binary log and GTIDs are only reported for a source, never judged", () => {
    const checks = judge("source", mariadb({ database: "serverdb2", tables: all() }, { logBin: false, binlogFormat: "STATEMENT" }), ctx);
    expect(one(checks, "binlog")).toMatchObject({ result: "ok", detail: expect.stringContaining("binary log OFF") });
    expect(one(checks, "gtid").result).toBe("ok");
  });
  test("only the history table missing is a warning (backfill needs it, nightly runs do not)", () => {
    const tables = { ...all(), [HISTORY_TABLE]: "missing" as const };
    expect(one(judge("source", mariadb({ database: "serverdb2", tables }), ctx), "tables").result).toBe("warn");
  });
});

describe("target privileges", () => {
  test("each missing privilege is named with what needs it, and the fix is one GRANT", () => {
    const f = mariadb({ grants: [{ privileges: ["SELECT"], db: "serverdb_dw", table: "*" }] });
    const c = one(judge("target", f, ctx), "privileges");
    expect(c.result).toBe("fail");
    for (const { privilege, neededBy } of TARGET_PRIVILEGES.filter((p) => p.privilege !== "SELECT")) expect(c.detail).toContain(`${privilege} (${neededBy})`);
    expect(c.fix).toBe("GRANT INSERT, UPDATE, DELETE, CREATE ON `serverdb_dw`.* TO 'etl'@'%'");
  });
  test("MySQL with unexpanded roles: a warning that names the role check instead of a failure", () => {
    const c = one(judge("target", mysql8({ grants: [], rolesUnexpanded: true }), ctx), "privileges");
    expect(c.result).toBe("warn");
    expect(c.fix).toContain("USING");
  });
  test("unreadable grants are a warning, not a guess", () => {
    expect(one(judge("target", mariadb({ grants: [], grantsError: "ER_X" }), ctx), "privileges").result).toBe("warn");
  });
  test("a read-only target fails", () => {
    expect(one(judge("target", mariadb({}, { readOnly: true }), ctx), "read_only").result).toBe("fail");
  });
});

describe("target binary log and GTIDs", () => {
  const cases: Array<[string, Partial<ServerFacts["vars"]>, boolean, Check["result"]]> = [
    ["ROW", {}, true, "ok"],
    ["MIXED is a warning", { binlogFormat: "MIXED" }, true, "warn"],
    ["STATEMENT is a warning", { binlogFormat: "STATEMENT" }, true, "warn"],
    ["off with replicas: nothing can follow", { logBin: false }, true, "fail"],
    ["off without replicas is fine", { logBin: false }, false, "ok"],
  ];
  for (const [name, vars, replicasConfigured, result] of cases) {
    test(name, () => expect(one(judge("target", mariadb({}, vars), { replicasConfigured }), "binlog").result).toBe(result));
  }
  test("MariaDB reports gtid_binlog_pos", () => {
    const c = one(judge("target", mariadb(), ctx), "gtid");
    expect(c.result).toBe("ok");
    expect(c.detail).toContain("0-1-42");
  });
  test("no gtid row without a binary log", () => expect(byName(judge("target", mariadb({}, { logBin: false }), ctx), "gtid")).toEqual([]));
  // MySQL 8 only (untestable against a server here).
  test("MySQL gtid_mode ON is ok", () => expect(one(judge("target", mysql8(), ctx), "gtid").result).toBe("ok"));
  for (const mode of ["OFF", "OFF_PERMISSIVE", "ON_PERMISSIVE"]) {
    test(`MySQL gtid_mode ${mode} warns that waits poll lag`, () => {
      const c = one(judge("target", mysql8({}, { gtidMode: mode }), ctx), "gtid");
      expect(c.result).toBe("warn");
      expect(c.detail).toContain("poll");
    });
  }
});

describe("replica", () => {
  test("no SLAVE MONITOR: privileges fail with the global GRANT", () => {
    const c = one(judge("replica", replicaFacts("denied"), ctx), "privileges");
    expect(c.result).toBe("fail");
    expect(c.fix).toBe("GRANT SLAVE MONITOR ON *.* TO 'ro'@'%'");
  });
  test("MySQL names REPLICATION CLIENT instead", () => {
    const c = one(judge("replica", replicaFacts("denied", { flavor: "mysql", version: "8.0.36" }), ctx), "privileges");
    expect(c.fix).toBe("GRANT REPLICATION CLIENT ON *.* TO 'ro'@'%'");
  });
  test("not a replica at all fails", () => expect(one(judge("replica", replicaFacts("none"), ctx), "replication").result).toBe("fail"));
  const cases: Array<[string, Partial<ReplicaStatus>, string, Check["result"]]> = [
    ["running", {}, "replication", "ok"],
    ["IO thread stopped", { ioRunning: "No", secondsBehind: null }, "replication", "fail"],
    ["IO thread still connecting", { ioRunning: "Connecting", secondsBehind: null }, "replication", "fail"],
    ["SQL thread stopped on an error", { sqlRunning: "No", lastSqlError: "Duplicate entry\n'1' for key 'PRIMARY'" }, "replication", "fail"],
    ["far behind", { secondsBehind: LAG_WARN_SECONDS + 1 }, "replication", "warn"],
    ["just within the lag limit", { secondsBehind: LAG_WARN_SECONDS }, "replication", "ok"],
    ["Using_Gtid Current_Pos", { usingGtid: "Current_Pos" }, "gtid", "ok"],
    ["Using_Gtid No", { usingGtid: "No" }, "gtid", "warn"],
    ["follows the target", {}, "upstream", "ok"],
    ["follows another server (chained replica?)", { sourceServerId: 7 }, "upstream", "warn"],
  ];
  for (const [name, status, check, result] of cases) {
    test(name, () => expect(one(judge("replica", replicaFacts(status), ctx), check).result).toBe(result));
  }
  test("the replication error is shown on one line", () => {
    const c = one(judge("replica", replicaFacts({ sqlRunning: "No", lastSqlError: "Duplicate entry\n'1' for key" }), ctx), "replication");
    expect(c.detail).toContain("Duplicate entry '1' for key");
    expect(c.detail).not.toContain("\n");
  });
  test("no upstream row when the target could not be read", () => {
    expect(byName(judge("replica", replicaFacts({}), { replicasConfigured: true }), "upstream")).toEqual([]);
  });
  test("a writable replica is a warning", () => {
    const f = replicaFacts({});
    f.vars.readOnly = false;
    expect(one(judge("replica", f, ctx), "read_only").result).toBe("warn");
  });
  // MySQL 8 only: Replica_/Source_ column names and Auto_Position.
  test("MySQL 8 SHOW REPLICA STATUS columns are read", () => {
    const s = replicaStatus({
      Replica_IO_Running: "Yes",
      Replica_SQL_Running: "No",
      Seconds_Behind_Source: null,
      Source_Host: "dw1",
      Source_Port: 3306,
      Source_Server_Id: 11,
      Auto_Position: 1,
      Last_IO_Error: "",
      Last_SQL_Error: "boom",
    });
    expect(s).toEqual({ ioRunning: "Yes", sqlRunning: "No", secondsBehind: null, sourceHost: "dw1", sourcePort: 3306, sourceServerId: 11, usingGtid: "Auto_Position", lastIoError: "", lastSqlError: "boom" });
  });
  test("MariaDB SHOW SLAVE STATUS columns are read", () => {
    const s = replicaStatus({ Slave_IO_Running: "Yes", Slave_SQL_Running: "Yes", Seconds_Behind_Master: 3, Master_Host: "h", Master_Port: 3307, Master_Server_Id: 1, Using_Gtid: "Slave_Pos" });
    expect(s).toMatchObject({ ioRunning: "Yes", sqlRunning: "Yes", secondsBehind: 3, sourcePort: 3307, sourceServerId: 1, usingGtid: "Slave_Pos" });
  });
  test("MySQL replica judges gtid_mode, not Using_Gtid", () => {
    const f = replicaFacts({ usingGtid: "Auto_Position" }, { flavor: "mysql", version: "8.0.36" });
    f.vars.gtidMode = "OFF";
    expect(one(judge("replica", f, ctx), "gtid").result).toBe("warn");
  });
});

describe("max_allowed_packet and time zone", () => {
  test("below 16 MiB warns on the target only", () => {
    const small = mariadb({}, { maxAllowedPacket: MIN_PACKET_BYTES - 1 });
    expect(judgePacket("target", small).result).toBe("warn");
    expect(judgePacket("source", small).result).toBe("ok");
    expect(judgePacket("target", mariadb({}, { maxAllowedPacket: MIN_PACKET_BYTES })).result).toBe("ok");
  });
  test("time zone is informative", () => {
    const c = one(judge("target", mariadb({}, { timeZone: "+02:00" }), ctx), "time_zone");
    expect(c.result).toBe("ok");
    expect(c.detail).toContain("+02:00");
  });
});

describe("render", () => {
  const rows = [
    { role: "target" as const, endpoint: "mysql://etl@dw1:3306/serverdb_dw", check: "connect", result: "ok" as const, detail: "connected" },
    { role: "target" as const, endpoint: "mysql://etl@dw1:3306/serverdb_dw", check: "privileges", result: "fail" as const, detail: "missing INSERT", fix: "GRANT INSERT ON `serverdb_dw`.* TO 'etl'@'%'" },
  ];
  test("table: aligned columns, fix on the row, summary", () => {
    const lines = renderTable(rows).trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ROLE\s+ENDPOINT\s+CHECK\s+RESULT\s+DETAIL$/);
    expect(lines[1].indexOf("ok")).toBe(lines[0].indexOf("RESULT"));
    expect(lines[2].indexOf("FAIL")).toBe(lines[0].indexOf("RESULT"));
    expect(lines[2]).toEndWith("missing INSERT; fix: GRANT INSERT ON `serverdb_dw`.* TO 'etl'@'%'");
    expect(lines.at(-1)).toBe("2 checks: 1 ok, 0 warnings, 1 failed");
  });
  test("json: ok false when anything failed, same rows", () => {
    const doc = JSON.parse(renderJson(rows));
    expect(doc.ok).toBe(false);
    expect(doc.summary).toEqual({ ok: 1, warn: 0, fail: 1 });
    expect(doc.checks).toEqual(rows);
  });
});
