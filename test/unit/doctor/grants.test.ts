// SHOW GRANTS parsing and privilege coverage: lines as MariaDB 10.11 and MySQL 8 print them.
import { describe, expect, test } from "bun:test";
import { dbPatternMatches, grantStatement, missingPrivileges, parseAccount, parseGrantLine, type Grant } from "../../../src/doctor/grants.ts";

describe("parseGrantLine", () => {
  const cases: Array<[string, ReturnType<typeof parseGrantLine>]> = [
    ["GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION", { kind: "privileges", grant: { privileges: ["ALL"], db: "*", table: "*" } }],
    ["GRANT SELECT, INSERT ON `serverdb_dw`.* TO `etl`@`%`", { kind: "privileges", grant: { privileges: ["SELECT", "INSERT"], db: "serverdb_dw", table: "*" } }],
    // The password hash is on the line; only privileges and object survive parsing.
    [
      "GRANT USAGE ON *.* TO `etl`@`%` IDENTIFIED BY PASSWORD '*2B602296A79E0A8784ACC5C88D92E46588CCA3C3'",
      { kind: "privileges", grant: { privileges: ["USAGE"], db: "*", table: "*" } },
    ],
    // Wildcard database grant as MariaDB prints it (LIKE pattern, escaped underscores).
    ["GRANT DELETE ON `serverdb\\_%`.* TO `etl`@`%`", { kind: "privileges", grant: { privileges: ["DELETE"], db: "serverdb\\_%", table: "*" } }],
    // Column privileges cover their columns only, never the table: dropped (they were kept as
    // table privileges, which would pass a table check the server then refuses).
    [
      "GRANT SELECT (`id`, `name`), UPDATE (`name`) ON `serverdb2`.`servers_asset` TO `etl`@`%`",
      { kind: "privileges", grant: { privileges: [], db: "serverdb2", table: "servers_asset" } },
    ],
    [
      "GRANT SELECT, INSERT (`id`) ON `dw`.`server_facts` TO `etl`@`%`",
      { kind: "privileges", grant: { privileges: ["SELECT"], db: "dw", table: "server_facts" } },
    ],
    ["GRANT SELECT, BINLOG MONITOR, SLAVE MONITOR ON *.* TO `ro`@`%`", { kind: "privileges", grant: { privileges: ["SELECT", "BINLOG MONITOR", "SLAVE MONITOR"], db: "*", table: "*" } }],
    // MySQL 8 dynamic privileges, comma-separated without spaces.
    ["GRANT REPLICATION_SLAVE_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `root`@`localhost`", { kind: "privileges", grant: { privileges: ["REPLICATION_SLAVE_ADMIN", "SYSTEM_VARIABLES_ADMIN"], db: "*", table: "*" } }],
    // Grants to a MariaDB role and to PUBLIC are privilege grants like any other.
    ["GRANT SELECT, INSERT ON `dw`.* TO `etl_role`", { kind: "privileges", grant: { privileges: ["SELECT", "INSERT"], db: "dw", table: "*" } }],
    ["GRANT CREATE ON `dw`.* TO PUBLIC", { kind: "privileges", grant: { privileges: ["CREATE"], db: "dw", table: "*" } }],
    // A backtick inside a quoted name is doubled.
    ["GRANT SELECT ON `we``ird`.* TO `etl`@`%`", { kind: "privileges", grant: { privileges: ["SELECT"], db: "we`ird", table: "*" } }],
    ["GRANT EXECUTE ON PROCEDURE `dw`.`p` TO `etl`@`%`", { kind: "other" }],
    ["GRANT `etl_role` TO `etl`@`%`", { kind: "role" }],
    ["GRANT `r1`@`%`,`r2`@`%` TO `etl`@`%`", { kind: "role" }],
    ["GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION", { kind: "other" }],
    ["SET DEFAULT ROLE `etl_role` FOR `etl`@`%`", { kind: "other" }],
  ];
  for (const [line, want] of cases) test(line, () => expect(parseGrantLine(line)).toEqual(want));
});

describe("dbPatternMatches", () => {
  const cases: Array<[string, string, boolean]> = [
    ["*", "anything", true],
    ["serverdb_dw", "serverdb_dw", true],
    ["serverdb_dw", "serverdbXdw", true], // an unescaped _ is a wildcard in database grants
    ["serverdb\\_dw", "serverdbXdw", false],
    ["serverdb\\_%", "serverdb_dw", true],
    ["serverdb\\_%", "serverdb2", false],
    ["serverdb%", "serverdb2", true],
    ["serverdb2", "serverdb20", false],
    ["a.b", "aXb", false], // regex metacharacters are literal
  ];
  for (const [pattern, db, want] of cases) test(`${pattern} ~ ${db}`, () => expect(dbPatternMatches(pattern, db)).toBe(want));
});

describe("missingPrivileges", () => {
  const g = (db: string, table: string, ...privileges: string[]): Grant => ({ db, table, privileges });
  const needed = ["SELECT", "INSERT", "DELETE"];
  test("global ALL covers everything", () => expect(missingPrivileges([g("*", "*", "ALL")], "dw", needed)).toEqual([]));
  test("database ALL covers everything", () => expect(missingPrivileges([g("dw", "*", "ALL")], "dw", needed)).toEqual([]));
  test("privileges add up across global, database and pattern grants", () =>
    expect(missingPrivileges([g("*", "*", "SELECT"), g("dw", "*", "INSERT"), g("d%", "*", "DELETE")], "dw", needed)).toEqual([]));
  test("another database's grant does not count", () => expect(missingPrivileges([g("other", "*", "ALL")], "dw", needed)).toEqual(needed));
  // init creates tables no table grant could name, so table grants never satisfy database needs.
  test("table-level grants do not count", () => expect(missingPrivileges([g("dw", "server_facts", "ALL")], "dw", needed)).toEqual(needed));
  test("only the missing ones, in the order asked", () => expect(missingPrivileges([g("dw", "*", "INSERT")], "dw", needed)).toEqual(["SELECT", "DELETE"]));
});

describe("missingPrivileges on one table", () => {
  const g = (db: string, table: string, ...privileges: string[]): Grant => ({ db, table, privileges });
  const needed = ["SELECT", "INSERT", "DELETE"];
  const cases: Array<[string, Grant[], string[]]> = [
    // Table grants were ignored, so a least-privilege account failed doctor.
    ["a grant on the table counts", [g("dw", "server_facts", "SELECT", "INSERT", "DELETE")], []],
    ["table ALL covers everything", [g("dw", "server_facts", "ALL")], []],
    ["database and table grants add up", [g("dw", "*", "SELECT"), g("dw", "server_facts", "INSERT", "DELETE")], []],
    ["a database pattern counts", [g("d%", "*", "ALL")], []],
    ["another table's grant does not count", [g("dw", "server_fact_roles", "ALL")], needed],
    ["the same table in another database does not count", [g("dw2", "server_facts", "ALL")], needed],
    // Table grants name their database literally: `_` is no wildcard there.
    ["a table grant's database is no pattern", [g("d_", "server_facts", "ALL")], needed],
  ];
  for (const [name, grants, missing] of cases) test(name, () => expect(missingPrivileges(grants, "dw", needed, "server_facts")).toEqual(missing));
});

describe("grantStatement and parseAccount", () => {
  test("database grant", () =>
    expect(grantStatement(["SELECT"], "serverdb2", { user: "etl", host: "%" })).toBe("GRANT SELECT ON `serverdb2`.* TO 'etl'@'%'"));
  test("table grant", () =>
    expect(grantStatement(["SELECT"], "serverdb2", { user: "etl", host: "%" }, "servers_asset")).toBe("GRANT SELECT ON `serverdb2`.`servers_asset` TO 'etl'@'%'"));
  test("global grant", () =>
    expect(grantStatement(["SLAVE MONITOR"], "*", { user: "ro", host: "10.0.%" })).toBe("GRANT SLAVE MONITOR ON *.* TO 'ro'@'10.0.%'"));
  test("quotes in the user name are doubled", () =>
    expect(grantStatement(["SELECT"], "dw", { user: "o'brien", host: "%" })).toBe("GRANT SELECT ON `dw`.* TO 'o''brien'@'%'"));
  test("CURRENT_USER() splits at the last @", () => expect(parseAccount("etl@ops@10.0.%")).toEqual({ user: "etl@ops", host: "10.0.%" }));
});
