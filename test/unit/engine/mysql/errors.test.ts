// Driver errors → one actionable line: the messages below are the servers' own words (MariaDB
// 10.11 and MySQL 8), as test/integration/cli/failures.test.ts also provokes them for real.
import { describe, expect, test } from "bun:test";
import { EtlError, TransientDbError } from "../../../../src/errors.ts";
import { translateMysqlError } from "../../../../src/engine/mysql/errors.ts";

const L = "mysql://etl@dw-db1:3306/serverdb_dw";
const err = (code: string, sqlMessage: string) => Object.assign(new Error(sqlMessage), { code, sqlMessage });

describe("translateMysqlError", () => {
  const cases: Array<[string, string, string, RegExp]> = [
    [
      // The GRANT was on `serverdb_dw`.*: on a ServerDB that hands out auth_user too. Least privilege: the table.
      "a missing table privilege is named, with the GRANT on that table that fixes it",
      "ER_TABLEACCESS_DENIED_ERROR",
      "INSERT, DELETE command denied to user 'etl'@'10.0.0.5' for table `serverdb_dw`.`server_facts`",
      /lacks INSERT, DELETE on `serverdb_dw`\.`server_facts`: GRANT INSERT, DELETE ON `serverdb_dw`\.`server_facts` TO 'etl'@'10\.0\.0\.5'/,
    ],
    [
      // MySQL 8 leaves the database out of the message: it is the connection's (the DSN's).
      "MySQL's wording without the database",
      "ER_TABLEACCESS_DENIED_ERROR",
      "SELECT command denied to user 'etl'@'localhost' for table 'servers_server'",
      /lacks SELECT on `serverdb_dw`\.`servers_server`: GRANT SELECT ON `serverdb_dw`\.`servers_server` TO 'etl'@'localhost'/,
    ],
    [
      "a column privilege",
      "ER_COLUMNACCESS_DENIED_ERROR",
      "SELECT command denied to user 'etl'@'%' for column 'owner' in table 'servers_server'",
      /lacks SELECT on `serverdb_dw`\.`servers_server`: GRANT SELECT ON `serverdb_dw`\.`servers_server` /,
    ],
    [
      "a global privilege",
      "ER_SPECIFIC_ACCESS_DENIED_ERROR",
      "Access denied; you need (at least one of) the SLAVE MONITOR privilege(s) for this operation",
      /lacks the SLAVE MONITOR privilege: GRANT SLAVE MONITOR ON \*\.\*/,
    ],
    [
      // It said "GRANT SELECT ON `serverdb_dw`.* … for a source" whatever the role, and the
      // server answers the same for a typo: no GRANT, say it may not exist, point at doctor.
      "a database the user may not use, or that does not exist",
      "ER_DBACCESS_DENIED_ERROR",
      "Access denied for user 'etl'@'%' to database 'serverdb_dw'",
      /^(?!.*GRANT \w+ ON)(?!.*for a source).*may not use this database, or it does not exist .*check the database name in the DSN; serverdb-etl doctor tells which/,
    ],
    ["a wrong password", "ER_ACCESS_DENIED_ERROR", "Access denied for user 'etl'@'10.0.0.5' (using password: YES)", /check the user and its password/],
    ["a table that is full", "ER_RECORD_FILE_FULL", "The table 'server_facts' is full", /table is full: .*free space or raise the limit, then rerun/],
    ["a full disk (errno 28 in a write error)", "ER_ERROR_ON_WRITE", `Error writing file './serverdb_dw/server_facts.ibd' (Errcode: 28 "No space left on device")`, /disk is full; free space/],
    ["a full disk (storage engine)", "ER_GET_ERRNO", `Got error 28 "No space left on device" from storage engine InnoDB`, /disk is full/],
    ["max_allowed_packet", "ER_NET_PACKET_TOO_LARGE", "Got a packet bigger than 'max_allowed_packet' bytes", /raise it \(SET GLOBAL max_allowed_packet/],
    ["a missing column (drift)", "ER_BAD_FIELD_ERROR", "Unknown column 'memory' in 'field list'", /serverdb-etl init --check/],
    ["an extra NOT NULL column (drift)", "ER_NO_DEFAULT_FOR_FIELD", "Field 'rack_unit' doesn't have a default value", /serverdb-etl init --check/],
    ["a missing table", "ER_NO_SUCH_TABLE", "Table 'serverdb_dw.etl_runs' doesn't exist", /serverdb-etl init/],
    // It said "create it" for a source too: fix the name; only a warehouse is created.
    ["a missing database", "ER_BAD_DB_ERROR", "Unknown database 'serverdb_dw'", /the database does not exist: fix the database name in the DSN \(a new warehouse database/],
  ];
  test.each(cases)("%s", (_what, code, message, hint) => {
    const e = translateMysqlError(err(code, message), L);
    expect(e).toBeInstanceOf(EtlError);
    expect(e).not.toBeInstanceOf(TransientDbError);
    expect(e.message).toStartWith(`${L}: ${message}`);
    expect(e.message).toMatch(hint);
    expect(e.message).not.toContain("\n");
  });

  test("transient errors stay transient (the batch loop retries them)", () => {
    expect(translateMysqlError(err("ER_LOCK_DEADLOCK", "Deadlock found"), L)).toBeInstanceOf(TransientDbError);
  });

  test("a password in a driver message is masked", () => {
    const e = translateMysqlError(err("ECONNREFUSED", "connect ECONNREFUSED mysql://etl:s3cret@dw-db1/x"), L);
    expect(e.message).not.toContain("s3cret");
  });
});
