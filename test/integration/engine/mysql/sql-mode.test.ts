// A warehouse server whose default sql_mode has NO_BACKSLASH_ESCAPES must still receive exact
// values: backslashes, quotes and tabs go through mysql2's escaping and the LOAD DATA encoding.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { MysqlDb } from "../../../../src/engine/mysql/mysql-db.ts";
import { connect, freshDatabase, servers } from "../../../support/servers.ts";

let database: string;
let previousMode = "";

beforeAll(async () => {
  database = await freshDatabase("sqlmode");
  const root = await connect(servers().primary);
  try {
    [{ m: previousMode }] = await root.query<{ m: string }>("SELECT @@GLOBAL.sql_mode AS m");
    await root.execute("SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES')");
  } finally {
    await root.close();
  }
});

afterAll(async () => {
  const root = await connect(servers().primary);
  try {
    await root.execute("SET GLOBAL sql_mode = ?", [previousMode]);
  } finally {
    await root.close();
  }
});

test("values with backslashes and quotes arrive exactly under a NO_BACKSLASH_ESCAPES server default", async () => {
  const { primary } = servers();
  const db = await MysqlDb.connect({ kind: "mysql", host: "127.0.0.1", port: primary.port, user: "root", database, sslMode: "DISABLED" });
  try {
    const [{ m }] = await db.query<{ m: string }>("SELECT @@SESSION.sql_mode AS m");
    expect(m).not.toContain("NO_BACKSLASH_ESCAPES");
    const value = "back\\slash 'quote' \"dq\" \t tab \\N";
    await db.execute("CREATE TABLE t (v varchar(64))");
    await db.execute("INSERT INTO t VALUES (?)", [value]);
    const [{ v }] = await db.query<{ v: string }>("SELECT v FROM t");
    expect(v).toBe(value);
  } finally {
    await db.close();
  }
});
