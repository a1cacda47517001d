// etl's load path on MariaDB follows the server's @@local_infile: ON → each batch is one
// LOAD DATA LOCAL INFILE … REPLACE per table, OFF → multi-row REPLACE. Both give the oracle's
// rows exactly, including names with tabs, newlines, backslashes, the text \N and emoji. A LOAD
// whose data the server had to change (a warning) fails instead of committing it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { MysqlDb } from "../../../src/engine/mysql/mysql-db.ts";
import { encodeRows } from "../../../src/engine/bulk-rows.ts";
import { connect, dsn, freshDatabase, runCli, servers, type CliResult, ok, withDb } from "../../support/servers.ts";
import { expectedFacts, firstDifference, readWarehouseDay } from "../../support/expected-facts.ts";

const FLEET = 300;
const SEED = 20261127;

/** Names every escape of the LOAD DATA encoding has to carry (team → wou_name, role → role_name/role_names). */
const TEAM = "Team\\N\t\"quoted\" back\\slash 😀";
const ROLE = "role\twith tab\nnewline\r\\N NULL back\\slash 🐬";

let source: string;
let dw: string;

beforeAll(async () => {
  const { primary } = servers();
  source = await freshDatabase("bulk_src");
  ok("generate", await runCli(["generate", "--source", dsn(primary, source), "--servers", String(FLEET), "--seed", String(SEED), "--end-date", "2026-11-20"], { timeoutMs: 120_000 }));
  await withDb(source, async (db) => {
    // The most used role and the team managing it get the hard names: many rows carry them.
    const [{ role }] = await db.query<{ role: number }>("SELECT serverrole_id AS role FROM servers_server_role GROUP BY serverrole_id ORDER BY COUNT(*) DESC, serverrole_id LIMIT 1");
    const [{ team }] = await db.query<{ team: number }>("SELECT MIN(id) AS team FROM servers_team");
    await db.execute("UPDATE servers_serverrole SET name = ?, managed_by = ? WHERE id = ?", [ROLE, team, role]);
    await db.execute("UPDATE servers_team SET name = ? WHERE id = ?", [TEAM, team]);
  });
  dw = await freshDatabase("bulk_dw");
  ok("init", await runCli(["init", "--target", dsn(primary, dw)]));
}, 180_000);

/** etl of `day` with DEBUG SQL logging; the SQL lines of its stderr. */
async function etl(day: string): Promise<string[]> {
  const { primary, replica } = servers();
  const r = ok(
    `etl ${day}`,
    await runCli(["etl", "--source", dsn(primary, source), "--target", dsn(primary, dw), "--replica", dsn(replica, dw, "ro"), "--report-date", day, "--batch-size", "100", "--verbose", "DEBUG", "--progress", "none"], { timeoutMs: 90_000 }),
  );
  return r.stderr.split("\n").filter((l) => l.startsWith("[debug] [sql] "));
}

async function expectOracle(day: string): Promise<void> {
  const expected = await withDb(source, (db) => expectedFacts(db));
  expect(expected.roles.some((r) => r.role_name === ROLE)).toBe(true);
  expect(expected.roles.some((r) => r.wou_name === TEAM)).toBe(true);
  for (const server of ["primary", "replica"] as const) {
    const actual = await withDb(dw, (db) => readWarehouseDay(db, day), servers()[server]);
    expect(firstDifference("server_facts", actual.facts, expected.facts)).toBeUndefined();
    expect(firstDifference("server_fact_roles", actual.roles, expected.roles)).toBeUndefined();
  }
}

const LOAD_FACTS = /LOAD DATA LOCAL INFILE 'serverdb-etl-batch' REPLACE INTO TABLE `server_facts` CHARACTER SET utf8mb4 .* \(29 columns\) \[100 rows, \d+ bytes\]$/;
const LOAD_ROLES = /LOAD DATA LOCAL INFILE 'serverdb-etl-batch' REPLACE INTO TABLE `server_fact_roles` .* \[\d+ rows, \d+ bytes\]$/;
const REPLACE_FACTS = /REPLACE INTO `server_facts` \(\d+ columns\) VALUES \(\?,…\) ×100 \[\d+ bound values\]$/;

describe("etl with @@local_infile ON", () => {
  test("loads each batch with LOAD DATA, and the rows equal the oracle on the primary and the replica", async () => {
    expect(await withDb("", async (db) => Number((await db.query<{ v: number }>("SELECT @@GLOBAL.local_infile AS v"))[0]!.v))).toBe(1);
    const sql = await etl("2026-11-20");
    expect(sql.filter((l) => LOAD_FACTS.test(l)).length).toBe(FLEET / 100);
    expect(sql.some((l) => LOAD_ROLES.test(l))).toBe(true);
    expect(sql.some((l) => /REPLACE INTO `server_fact/.test(l))).toBe(false);
    await expectOracle("2026-11-20");
  }, 120_000);
});

describe("etl with @@local_infile OFF", () => {
  test("falls back to multi-row REPLACE, with the same rows", async () => {
    const [{ v: before }] = await withDb("", (db) => db.query<{ v: number }>("SELECT @@GLOBAL.local_infile AS v"));
    let sql: string[];
    try {
      await withDb("", (db) => db.execute("SET GLOBAL local_infile = 0"));
      sql = await etl("2026-11-19");
    } finally {
      await withDb("", (db) => db.execute("SET GLOBAL local_infile = ?", [before]));
    }
    expect(sql.filter((l) => REPLACE_FACTS.test(l)).length).toBe(FLEET / 100);
    expect(sql.some((l) => l.includes("LOAD DATA"))).toBe(false);
    await expectOracle("2026-11-19");
  }, 120_000);
});

describe("MysqlDb.loadRows", () => {
  let db: MysqlDb;
  beforeAll(async () => {
    db = await connect(servers().primary, dw);
    await db.execute("CREATE TABLE bulk_narrow (id INT PRIMARY KEY, code VARCHAR(3) NOT NULL) ENGINE=InnoDB");
  });
  afterAll(() => db.close());

  test("bulk loads only where the server allows LOCAL INFILE", () => expect(db.caps.bulkLoad).toBe(true));

  const load = (rows: unknown[][]) =>
    db.loadRows("bulk_narrow", ["id", "code"], encodeRows(rows), rows.length).then(
      () => undefined,
      (e: Error) => e,
    );

  test("a value too long for its column fails under strict mode, like REPLACE", async () => {
    expect((await load([[1, "abcdef"]]))?.message).toMatch(/Data too long for column 'code'/);
  });

  test("where the session is not strict, the server's warning is an error naming it, not a silent truncation", async () => {
    const [{ mode }] = await db.query<{ mode: string }>("SELECT @@SESSION.sql_mode AS mode");
    let err: Error | undefined;
    try {
      await db.execute("SET SESSION sql_mode = ''");
      err = await load([[1, "abcdef"]]);
    } finally {
      await db.execute("SET SESSION sql_mode = ?", [mode]);
    }
    expect(err?.message).toContain("LOAD DATA into bulk_narrow");
    expect(err?.message).toContain("1 warning(s)");
    expect(err?.message).toMatch(/Data truncated for column 'code'/);
  });

  test("replaces rows by key, like REPLACE", async () => {
    await db.loadRows("bulk_narrow", ["id", "code"], encodeRows([[2, "a\tb"], [3, "\\N"]]), 2);
    await db.loadRows("bulk_narrow", ["id", "code"], encodeRows([[2, "x\\y"]]), 1);
    const rows = await db.query<{ id: number; code: string }>("SELECT id, code FROM bulk_narrow WHERE id IN (2, 3) ORDER BY id");
    expect(rows).toEqual([{ id: 2, code: "x\\y" }, { id: 3, code: "\\N" }]);
  });
});
