// Judging facts per role. The MySQL 8 cases (gtid_mode, Replica_/Source_ columns, roles that
// SHOW GRANTS does not expand) can only be tested here, on facts objects: no MySQL 8 on this machine.
import { describe, expect, test } from "bun:test";
import { judge, judgePacket, judgeVersion, LAG_WARN_SECONDS, MIN_PACKET_BYTES, type JudgeContext } from "../../../src/doctor/judge.ts";
import { TARGET_PRIVILEGES, targetGrantStatements, targetNeeds } from "../../../src/doctor/target-privileges.ts";
import { DSN_OF } from "../../../src/doctor/judge-database.ts";
import { parseGrantLine, type Grant } from "../../../src/doctor/grants.ts";
import { warehouseTableNames } from "../../../src/engine/mysql/catalog.ts";
import { replicaStatus } from "../../../src/engine/mysql/doctor-inspect.ts";
import { renderJson, renderTable } from "../../../src/doctor/render.ts";
import { HISTORY_TABLE, sourceTables } from "../../../src/doctor/source-tables.ts";
import type { Check, ReplicaStatus, ReportRow, ServerFacts } from "../../../src/doctor/types.ts";

/** The tables partitioned by day: their partitions need ALTER (added) and DROP (expired). */
const FACT_TABLES = ["server_facts", "server_fact_roles"];

/** Facts of a healthy MariaDB primary as the ETL user; each test changes what it is about. */
function mariadb(over: Partial<ServerFacts> = {}, vars: Partial<ServerFacts["vars"]> = {}): ServerFacts {
  return {
    version: "10.11.19-MariaDB-log",
    flavor: "mariadb",
    account: { user: "etl", host: "%" },
    database: "serverdb_dw",
    grants: [{ privileges: ["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP"], db: "serverdb_dw", table: "*" }],
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

const TABLES = warehouseTableNames();
const ctx: JudgeContext = { replicasConfigured: true, targetServerId: 1, warehouseTables: TABLES };
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
  test("the list is exactly the tables the extract, its count and backfill's history pass name", () => {
    expect(sourceTables()).toEqual([
      "servers_asset", "servers_availabilityzone", "servers_cpu", "servers_deliveryasset", "servers_historicalserver", "servers_manufacturer",
      "servers_model", "servers_rack", "servers_rackedasset", "servers_region", "servers_server", "servers_server_role", "servers_serverrole",
      "servers_site", "servers_team",
    ]);
  });
  // The fix was GRANT SELECT ON `serverdb2`.*, which also hands out auth_user (Django's
  // password hashes) and django_session: now one GRANT per table read, for the denied ones.
  const grantCases: Array<[string, string[], string[]]> = [
    ["one denied table: its GRANT is the fix", ["servers_cpu"], ["GRANT SELECT ON `serverdb2`.`servers_cpu` TO 'etl'@'%'"]],
    ["two denied tables: two GRANTs", ["servers_cpu", "servers_team"], ["GRANT SELECT ON `serverdb2`.`servers_cpu` TO 'etl'@'%'", "GRANT SELECT ON `serverdb2`.`servers_team` TO 'etl'@'%'"]],
    ["every table denied: one GRANT per table read, and no other", sourceTables(), sourceTables().map((t) => `GRANT SELECT ON \`serverdb2\`.\`${t}\` TO 'etl'@'%'`)],
  ];
  for (const [name, denied, statements] of grantCases) {
    test(name, () => {
      const tables = { ...all(), ...Object.fromEntries(denied.map((t) => [t, "denied" as const])) };
      const c = one(judge("source", mariadb({ database: "serverdb2", tables }), ctx), "privileges");
      expect(c.result).toBe("fail");
      expect(c.statements).toEqual(statements);
      expect(c.fix).toBe(statements.length === 1 ? statements[0] : `run the ${statements.length} GRANT statements printed after the table (SELECT on each table the extract and backfill read, and on nothing else)`);
      for (const s of c.statements!) expect(s).not.toMatch(/\.\*|auth_|django_/);
    });
  }
  test("missing extract tables fail with a hint to check the source DSN (generate only for a test database)", () => {
    const tables = { ...all(), servers_server: "missing" as const };
    const c = one(judge("source", mariadb({ database: "serverdb2", tables }), ctx), "tables");
    expect(c.result).toBe("fail");
    expect(c.detail).toContain("servers_server");
    expect(c.fix).toContain(DSN_OF.source);
    expect(c.fix).toContain("for a test database, serverdb-etl generate");
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

describe("database", () => {
  const SYS = ["information_schema", "mysql", "performance_schema", "sys"];
  const facts = (role: "source" | "target", database: string, code: "ER_BAD_DB_ERROR" | "ER_DBACCESS_DENIED_ERROR", visible: string[], grants: Grant[] = []) =>
    mariadb({ database, grants, databaseRefused: { code, visible: [...SYS, ...visible] }, ...(role === "source" ? { tables: {} } : {}) });
  const showDatabases: Grant[] = [{ db: "*", table: "*", privileges: ["SHOW DATABASES"] }];
  // [name, role, facts, fix must contain, GRANTs printed]
  const cases: Array<[string, "source" | "target", ServerFacts, string[], "none" | "all"]> = [
    // The server says it does not exist (an account with access to the name, e.g. a pattern grant).
    ["source: does not exist, a visible name is one edit away", "source", facts("source", "serverdb3", "ER_BAD_DB_ERROR", ["serverdb2"]), ["did you mean `serverdb2`?", DSN_OF.source], "none"],
    ["target: does not exist, nothing close: create it or fix the name", "target", facts("target", "warehouse", "ER_BAD_DB_ERROR", ["serverdb2"]), ["CREATE DATABASE `warehouse`", DSN_OF.target], "none"],
    ["source: does not exist, nothing close: fix the name, never create a ServerDB", "source", facts("source", "inventory", "ER_BAD_DB_ERROR", []), [DSN_OF.source], "none"],
    // Access denied, but the account sees every database (SHOW DATABASES) and not this one.
    ["target: denied and not among all databases, so it does not exist", "target", facts("target", "serverdb_wd", "ER_DBACCESS_DENIED_ERROR", ["serverdb_dw"], showDatabases), ["did you mean `serverdb_dw`?", DSN_OF.target], "none"],
    // Regression: access denied to a typo gave GRANT SELECT ON `serverdb3`.*; now "did you mean".
    ["source: denied, the server does not say, a visible name is close: no GRANT on the typo", "source", facts("source", "serverdb3", "ER_DBACCESS_DENIED_ERROR", ["serverdb2"]), ["did you mean `serverdb2`?", DSN_OF.source], "none"],
    ["target: denied, the server does not say, a visible name is close: no GRANT on the typo", "target", facts("target", "serverdb_dv", "ER_DBACCESS_DENIED_ERROR", ["serverdb_dw"]), ["did you mean `serverdb_dw`?", DSN_OF.target], "none"],
    ["source: denied, nothing close: the GRANTs, if the name is right", "source", facts("source", "inventory", "ER_DBACCESS_DENIED_ERROR", []), ["check the database name in " + DSN_OF.source, "if it is right"], "all"],
    ["target: denied, nothing close: the GRANTs (and CREATE DATABASE), if the name is right", "target", facts("target", "warehouse", "ER_DBACCESS_DENIED_ERROR", ["serverdb2"]), [DSN_OF.target, "if it is right", "CREATE DATABASE `warehouse`"], "all"],
  ];
  for (const [name, role, f, fix, statements] of cases) {
    test(name, () => {
      const checks = judge(role, f, ctx);
      const c = one(checks, "database");
      expect(c.result).toBe("fail");
      for (const text of fix) expect(c.fix).toContain(text);
      // The right role only: a source's fix never names the target's DSN, nor the other way.
      expect(c.fix).not.toContain(DSN_OF[role === "source" ? "target" : "source"]);
      const all = role === "source" ? sourceTables().map((t) => `GRANT SELECT ON \`${f.database}\`.\`${t}\` TO 'etl'@'%'`) : targetGrantStatements(targetNeeds(TABLES), f.database, f.account);
      expect(c.statements).toEqual(statements === "all" ? all : undefined);
      // Rows about a database that may not exist would repeat it as GRANTs on the typo.
      expect(byName(checks, "privileges")).toEqual([]);
      expect(byName(checks, "tables")).toEqual([]);
    });
  }
  test("does not exist: the detail says so and lists what the account sees", () => {
    const c = one(judge("source", facts("source", "inventory", "ER_BAD_DB_ERROR", ["a", "b"]), ctx), "database");
    expect(c.detail).toBe("`inventory` does not exist on this server (the account sees `a`, `b`)");
  });
  test("not visible: the detail says the server does not tell which", () => {
    const c = one(judge("target", facts("target", "warehouse", "ER_DBACCESS_DENIED_ERROR", []), ctx), "database");
    expect(c.detail).toBe("`warehouse` is not visible to etl@%: it does not exist, or the account holds no privilege in it (the server does not say which; the account sees no database)");
  });
  test("visible but denied: the database exists, and the privileges row carries the GRANTs", () => {
    const checks = judge("target", facts("target", "serverdb_dw", "ER_DBACCESS_DENIED_ERROR", ["serverdb_dw"], showDatabases), ctx);
    expect(one(checks, "database")).toMatchObject({ result: "ok", detail: expect.stringContaining("exists") });
    expect(one(checks, "privileges").statements).toEqual(targetGrantStatements(targetNeeds(TABLES), "serverdb_dw", { user: "etl", host: "%" }));
  });
  test("connected: ok", () => expect(one(judge("target", mariadb(), ctx), "database")).toEqual({ check: "database", result: "ok", detail: "connected to `serverdb_dw`" }));
});

describe("target privileges", () => {
  const g = (db: string, table: string, ...privileges: string[]): Grant => ({ db, table, privileges });
  const tables = warehouseTableNames();
  test("what the warehouse needs: UPDATE only on etl_runs, DELETE everywhere but there, ALTER and DROP on the day-partitioned fact tables, nothing else", () => {
    expect(targetNeeds(TABLES)).toEqual(
      tables.map((table) => ({
        table,
        privileges:
          table === "etl_runs"
            ? ["SELECT", "INSERT", "UPDATE", "CREATE"]
            : FACT_TABLES.includes(table)
              ? ["SELECT", "INSERT", "DELETE", "CREATE", "ALTER", "DROP"]
              : ["SELECT", "INSERT", "DELETE", "CREATE"],
      })),
    );
  });
  test("every aggregate table, server_retirements too, gets SELECT, INSERT and DELETE (aggregate replaces a day's rows), and CREATE for init", () => {
    const grants = targetGrantStatements(targetNeeds(TABLES), "serverdb_dw", { user: "etl", host: "%" });
    for (const t of ["server_by_site", "server_by_puppet_service", "server_by_vendor_model", "server_by_team", "server_by_cpu", "server_retirements"]) {
      expect(grants).toContain(`GRANT SELECT, INSERT, DELETE, CREATE ON \`serverdb_dw\`.\`${t}\` TO 'etl'@'%'`);
    }
    // An account holding the grants of every other table lacks exactly server_retirements' (an upgrade's new table).
    const others = grants.filter((line) => !line.includes("`server_retirements`")).map((line) => {
      const parsed = parseGrantLine(line);
      if (parsed.kind !== "privileges") throw new Error(line);
      return parsed.grant;
    });
    const c = one(judge("target", mariadb({ grants: others }), ctx), "privileges");
    expect(c.result).toBe("fail");
    expect(c.statements).toEqual(["GRANT SELECT, INSERT, DELETE, CREATE ON `serverdb_dw`.`server_retirements` TO 'etl'@'%'"]);
  });
  test("each missing privilege is named with the tables that lack it and what needs it; the fix is one GRANT per table", () => {
    const f = mariadb({ grants: [g("serverdb_dw", "*", "SELECT")] });
    const c = one(judge("target", f, ctx), "privileges");
    expect(c.result).toBe("fail");
    for (const { privilege, neededBy } of TARGET_PRIVILEGES.filter((p) => p.privilege !== "SELECT")) {
      expect(c.detail).toContain(privilege);
      expect(c.detail).toContain(`(${neededBy})`);
    }
    expect(c.detail).toContain("UPDATE on etl_runs (finishing an etl_runs record)");
    expect(c.statements).toEqual(
      tables.map((t) => `GRANT ${t === "etl_runs" ? "INSERT, UPDATE, CREATE" : FACT_TABLES.includes(t) ? "INSERT, DELETE, CREATE, ALTER, DROP" : "INSERT, DELETE, CREATE"} ON \`serverdb_dw\`.\`${t}\` TO 'etl'@'%'`),
    );
    expect(c.fix).toBe(`run the ${tables.length} GRANT statements printed after the table (one per warehouse table, with only what it lacks)`);
  });
  // Table grants did not count, so an account holding exactly these failed doctor.
  test("the per-table GRANTs doctor prints, and nothing else, pass", () => {
    const grants = targetGrantStatements(targetNeeds(TABLES), "serverdb_dw", { user: "etl", host: "%" }).map((line) => {
      const parsed = parseGrantLine(line);
      if (parsed.kind !== "privileges") throw new Error(line);
      return parsed.grant;
    });
    expect(one(judge("target", mariadb({ grants }), ctx), "privileges")).toMatchObject({ result: "ok", detail: "SELECT, INSERT, CREATE on the 9 warehouse tables, UPDATE on etl_runs, DELETE on all but etl_runs, ALTER, DROP on server_facts, server_fact_roles in `serverdb_dw`" });
  });
  const cases: Array<[string, Grant[], Check["result"], string[]?]> = [
    ["database-wide grants pass", [g("serverdb_dw", "*", "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP")], "ok"],
    ["global ALL passes", [g("*", "*", "ALL")], "ok"],
    ["one table short of one privilege: one GRANT, with CREATE so it works before init", [g("serverdb_dw", "*", "SELECT", "INSERT", "DELETE", "CREATE", "ALTER", "DROP")], "fail", ["GRANT UPDATE, CREATE ON `serverdb_dw`.`etl_runs` TO 'etl'@'%'"]],
    ["another database's table grants do not count", [g("serverdb_dw", "*", "SELECT", "INSERT", "DELETE", "CREATE", "ALTER", "DROP"), g("other", "etl_runs", "ALL")], "fail", ["GRANT UPDATE, CREATE ON `serverdb_dw`.`etl_runs` TO 'etl'@'%'"]],
  ];
  for (const [name, grants, result, statements] of cases) {
    test(name, () => {
      const c = one(judge("target", mariadb({ grants }), ctx), "privileges");
      expect(c.result).toBe(result);
      expect(c.statements).toEqual(statements);
    });
  }
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
    test(name, () => expect(one(judge("target", mariadb({}, vars), { replicasConfigured, warehouseTables: TABLES }), "binlog").result).toBe(result));
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
  test("no SLAVE MONITOR: privileges fail with the global GRANT, the only privilege a replica account needs", () => {
    const c = one(judge("replica", replicaFacts("denied"), ctx), "privileges");
    expect(c.result).toBe("fail");
    expect(c.fix).toBe("GRANT SLAVE MONITOR ON *.* TO 'ro'@'%'");
    expect(c.statements).toEqual(["GRANT SLAVE MONITOR ON *.* TO 'ro'@'%'"]);
  });
  test("a replica has no database row, whatever its DSN names (the run does not use it)", () => {
    expect(byName(judge("replica", replicaFacts({}, { database: "serverdb_dw" }), ctx), "database")).toEqual([]);
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
    expect(byName(judge("replica", replicaFacts({}), { replicasConfigured: true, warehouseTables: TABLES }), "upstream")).toEqual([]);
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
  test("table: the statements follow the summary, one per line with its `;`, under the row they fix", () => {
    const withStatements: ReportRow[] = [
      ...rows,
      { role: "source" as const, endpoint: "mysql://etl@db1:3306/serverdb2", check: "privileges", result: "fail" as const, detail: "no SELECT", fix: "run the 2 GRANT statements printed after the table", statements: ["GRANT SELECT ON `serverdb2`.`servers_asset` TO 'etl'@'%'", "GRANT SELECT ON `serverdb2`.`servers_cpu` TO 'etl'@'%'"] },
    ];
    const text = renderTable(withStatements);
    expect(text.slice(text.indexOf("3 checks:"))).toBe(
      [
        "3 checks: 1 ok, 0 warnings, 2 failed",
        "",
        "-- To apply the fixes above, run as an administrator (doctor itself changes nothing):",
        "-- source mysql://etl@db1:3306/serverdb2: privileges",
        "GRANT SELECT ON `serverdb2`.`servers_asset` TO 'etl'@'%';",
        "GRANT SELECT ON `serverdb2`.`servers_cpu` TO 'etl'@'%';",
        "",
      ].join("\n"),
    );
    expect(JSON.parse(renderJson(withStatements)).checks[2].statements).toEqual(withStatements[2].statements);
    expect(renderTable(rows)).not.toContain("--");
  });
  test("json: ok false when anything failed, same rows", () => {
    const doc = JSON.parse(renderJson(rows));
    expect(doc.ok).toBe(false);
    expect(doc.summary).toEqual({ ok: 1, warn: 0, fail: 1 });
    expect(doc.checks).toEqual(rows);
  });
});
