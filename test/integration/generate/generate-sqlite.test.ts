// `generate --source sqlite:PATH`: Django's SQLite layout (tables and columns equal schema.sql's),
// Django's stored value forms, same seed ⇒ identical files, refusal without --force, and the
// same data as the MariaDB generator: every servers_* table and every extracted row (the one
// fact_select.sql text on both engines) agree with a MariaDB ServerDB of the same seed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "../../../src/engine/db.ts";
import { SqliteDb } from "../../../src/engine/sqlite/sqlite-db.ts";
import { djangoValues } from "../../../src/engine/sqlite/generate-target.ts";
import { extractServers } from "../../../src/stages/extract/extract.ts";
import { SQL } from "../../../src/sql.ts";
import { transformServer, type RawServerRow } from "../../../src/transform/index.ts";
import { connect, dsn, freshDatabase, runCli, servers, type CliResult } from "../../support/servers.ts";

const END = "2026-06-30";
const T = 120_000;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gen-sqlite-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ok(what: string, r: CliResult): CliResult {
  if (r.exitCode !== 0) throw new Error(`${what} exited ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr.slice(-3000)}`);
  return r;
}

function generate(file: string, ...extra: string[]): Promise<CliResult> {
  return runCli(["generate", "--source", `sqlite:${file}`, "--end-date", END, ...extra], { timeoutMs: T });
}

function open(file: string): Database {
  return new Database(file, { readonly: true });
}

/** schema.sql's tables → column names in order, and the NOT NULL ones, parsed from the dump text. */
function mysqlColumns(): Map<string, { names: string[]; notNull: string[] }> {
  const out = new Map<string, { names: string[]; notNull: string[] }>();
  for (const m of SQL.serverdbSchema.matchAll(/^CREATE TABLE `(\w+)` \(([\s\S]*?)^\) ENGINE/gm)) {
    const cols = [...m[2].matchAll(/^ {2}`(\w+)` (.*)$/gm)];
    out.set(m[1], { names: cols.map((c) => c[1]), notNull: cols.filter((c) => c[2].includes("NOT NULL")).map((c) => c[1]) });
  }
  return out;
}

function sqliteColumns(db: Database): Map<string, { names: string[]; notNull: string[] }> {
  const out = new Map<string, { names: string[]; notNull: string[] }>();
  const tables = db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'sqlite_sequence' ORDER BY name").all() as { name: string }[];
  for (const { name } of tables) {
    const cols = db.query("SELECT name, \"notnull\" AS nn FROM pragma_table_info(?) ORDER BY cid").all(name) as { name: string; nn: number }[];
    out.set(name, { names: cols.map((c) => c.name), notNull: cols.filter((c) => c.nn).map((c) => c.name) });
  }
  return out;
}

const SERVERS_TABLES = [...mysqlColumns().keys()].filter((t) => t.startsWith("servers_"));

/** ORDER BY of a table: its primary key (history_id for the history; else the first column is the key). */
const orderBy = (t: string) => (t === "servers_historicalserver" ? "history_id" : "1");

/** Every table's rows in primary-key order. */
function dumpSqlite(file: string): Record<string, unknown[]> {
  const db = open(file);
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of SERVERS_TABLES) out[t] = db.query(`SELECT * FROM "${t}" ORDER BY ${orderBy(t)}`).all();
    return out;
  } finally {
    db.close();
  }
}

/** The same value whatever the engine's type for it: numbers and numeric text as canonical numbers, datetimes with 6 digits. */
function norm(v: unknown): unknown {
  if (v === null) return null;
  if (typeof v === "number" || typeof v === "bigint") return String(Number(v));
  const s = String(v);
  if (/^-?\d+(\.\d+)?$/.test(s)) return String(Number(s));
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(s)) return `${s}.000000`;
  return s;
}

function normRows(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, norm(v)])));
}

async function extractAll(db: Db, schema: string): Promise<RawServerRow[]> {
  const ex = await extractServers(db, { schema });
  const rows: RawServerRow[] = [];
  try {
    for await (const r of ex.rows) rows.push(r);
  } finally {
    await ex.finish();
  }
  expect(ex.total).toBe(rows.length);
  return rows;
}

describe("generate sqlite: schema", () => {
  let file: string;
  let first: CliResult;
  beforeAll(async () => {
    file = join(dir, "schema.sqlite");
    first = ok("generate", await generate(file, "--servers", "300", "--seed", "3"));
  }, T);

  test("prints one summary line naming the file; the counts are in it", () => {
    const m = first.stdout.match(/^generated (\S+): (\d+) servers, (\d+) switches, (\d+) filers, \d+ other assets, (\d+) history rows in [\d.]+ s\n$/);
    expect(m?.[1]).toBe(file);
    const db = open(file);
    const [s, sw, f, h] = ["servers_server", "servers_switch", "servers_filer", "servers_historicalserver"].map(
      (t) => (db.query(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n,
    );
    db.close();
    expect(s).toBe(300);
    expect([s, sw, f, h].map(String)).toEqual([m![2], m![3], m![4], m![5]]);
  });

  test("tables, column names (in order) and NOT NULL columns equal schema.sql's", () => {
    const expected = mysqlColumns();
    expect(expected.size).toBe(27);
    const db = open(file);
    const actual = sqliteColumns(db);
    db.close();
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
  });

  test("Django's SQLite types: AUTOINCREMENT ids, bigint foreign keys, deferred REFERENCES, indexes named as Django names them", () => {
    const db = open(file);
    const ddl = (name: string) => (db.query("SELECT sql FROM sqlite_schema WHERE name = ?").get(name) as { sql: string }).sql;
    expect(ddl("servers_asset")).toContain('"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT');
    expect(ddl("servers_asset")).toContain('"site_id" bigint NULL REFERENCES "servers_site" ("id") DEFERRABLE INITIALLY DEFERRED');
    expect(ddl("servers_server")).toContain('"memory" decimal NULL');
    expect(ddl("servers_server")).toContain('"ip_address" char(39) NULL');
    expect(ddl("servers_asset")).toContain('"created_at" datetime NOT NULL');
    // Every secondary key of the dump exists in SQLite under Django's name (the dump's name up to its hash).
    const indexes = new Set((db.query("SELECT name FROM sqlite_schema WHERE type = 'index'").all() as { name: string }[]).map((r) => r.name));
    db.close();
    const hashes = [...SQL.serverdbSchema.matchAll(/^ {2}(?:UNIQUE )?KEY `(\w+?_[0-9a-f]{8})(?:_fk_\w+|_uniq)?`/gm)].map((m) => m[1]);
    expect(hashes.length).toBeGreaterThan(25);
    const names = [...indexes].map((n) => n.replace(/_uniq$/, ""));
    for (const h of hashes) expect(names.some((n) => n.endsWith(h.slice(-8)))).toBe(true);
    // generate creates the indexes after the load: the file ends with exactly the schema file's.
    const mem = new Database(":memory:");
    mem.exec(SQL.sqliteServerdbSchema);
    const expected = (mem.query("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    mem.close();
    expect([...indexes].sort()).toEqual(expected);
  });

  test("values as Django stores them in SQLite: datetime text without a zero fraction, date text, decimal by affinity", () => {
    const db = open(file);
    const types = db.query(
      "SELECT DISTINCT typeof(a.created_at) AS c, typeof(a.last_edit) AS l, typeof(d.delivery_date) AS d FROM servers_asset a LEFT JOIN servers_deliveryasset d ON d.asset_id = a.id",
    ).all() as { c: string; l: string; d: string }[];
    expect(new Set(types.map((t) => t.c))).toEqual(new Set(["text"]));
    expect(new Set(types.map((t) => t.d))).toEqual(new Set(["text", "null"]));
    const bad = db.query(
      "SELECT COUNT(*) AS n FROM servers_historicalserver WHERE history_date NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' OR history_date LIKE '%.000000'",
    ).get() as { n: number };
    expect(bad.n).toBe(0);
    const memory = db.query("SELECT DISTINCT typeof(memory) AS t FROM servers_server").all() as { t: string }[];
    expect(memory.map((m) => m.t)).toContain("integer");
    db.close();
    // The conversion itself: a zero fraction is dropped, any other kept.
    const rows = [[1, "x", null, null, null, "2026-06-30 07:00:00.000000", "2026-06-30 07:00:00.000100", null]];
    const b = djangoValues({ table: "servers_asset", columns: ["id", "name", "serialnumber", "status", "owner", "created_at", "last_edit", "site_id"], rows });
    expect(b.rows[0].slice(5, 7)).toEqual(["2026-06-30 07:00:00", "2026-06-30 07:00:00.000100"]);
  });
});

describe("generate sqlite: determinism and --force", () => {
  let a: string;
  let b: string;
  let c: string;
  beforeAll(async () => {
    [a, b, c] = ["a", "b", "c"].map((n) => join(dir, `${n}.sqlite`));
    ok("generate a", await generate(a, "--servers", "600", "--seed", "11", "--history-days", "60"));
    ok("generate b", await generate(b, "--servers", "600", "--seed", "11", "--history-days", "60"));
    ok("generate c", await generate(c, "--servers", "600", "--seed", "12", "--history-days", "60"));
  }, T);

  test("same seed and end date give identical tables; another seed gives other tables", () => {
    const [da, db, dc] = [dumpSqlite(a), dumpSqlite(b), dumpSqlite(c)];
    expect(da.servers_historicalserver.length).toBeGreaterThan(600);
    expect(db).toEqual(da);
    expect(dc.servers_asset).not.toEqual(da.servers_asset);
    expect(dc.servers_historicalserver).not.toEqual(da.servers_historicalserver);
  });

  test("refuses to write into a file with ServerDB data: exit 2, one line, nothing changed", async () => {
    const before = dumpSqlite(a);
    const r = await generate(a, "--servers", "50", "--seed", "99");
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `serverdb-etl: error: sqlite:${a} already has ServerDB data (${before.servers_asset.length} rows in servers_asset); pass --force to replace it\n`,
    );
    expect(dumpSqlite(a)).toEqual(before);
  }, T);

  test("--force replaces the servers_* tables (equal to a fresh file of that seed) and keeps auth_* rows", async () => {
    const w = new Database(a);
    w.run("INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) VALUES ('x', 0, 'keep-me', '', '', '', 0, 1, '2026-01-01 00:00:00')");
    w.close();
    const r = ok("generate --force", await generate(a, "--servers", "600", "--seed", "12", "--history-days", "60", "--force"));
    expect(r.stdout).toStartWith(`generated ${a}: `);
    expect(dumpSqlite(a)).toEqual(dumpSqlite(c));
    const r2 = open(a);
    expect(r2.query("SELECT username FROM auth_user").all()).toEqual([{ username: "keep-me" }]);
    r2.close();
  }, T);

  test("a directory or a file that is not SQLite is a one-line usage error", async () => {
    const notDb = join(dir, "not-a-db.sqlite");
    await Bun.write(notDb, "hello, this is text\n".repeat(100));
    for (const [path, message] of [
      [dir, "is a directory"],
      [notDb, "is not a SQLite database"],
    ]) {
      const r = await generate(path, "--servers", "10");
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(message);
    }
  }, T);
});

describe("generate sqlite: the same ServerDB as on MariaDB", () => {
  let file: string;
  let database: string;
  beforeAll(async () => {
    file = join(dir, "same.sqlite");
    database = await freshDatabase("gen_sq");
    const args = ["--servers", "400", "--seed", "5", "--history-days", "30"];
    ok("generate sqlite", await generate(file, ...args));
    ok("generate mariadb", await runCli(["generate", "--source", dsn(servers().primary, database), "--end-date", END, ...args], { timeoutMs: T }));
  }, T);

  test("every servers_* table holds the same rows (numbers and datetime fractions normalized)", async () => {
    const sqlite = dumpSqlite(file);
    const my = await connect(servers().primary, database);
    try {
      for (const t of SERVERS_TABLES) {
        const rows = await my.query(`SELECT * FROM \`${t}\` ORDER BY ${orderBy(t)}`);
        expect({ t, rows: normRows(sqlite[t] as Record<string, unknown>[]) }).toEqual({ t, rows: normRows(rows) });
      }
      expect(sqlite.servers_server.length).toBeGreaterThan(300);
    } finally {
      await my.close();
    }
  }, T);

  test("fact_select.sql returns the same raw rows from both, and they transform to identical facts", async () => {
    const lite = SqliteDb.open(file, { create: false, readonly: true });
    const my = await connect(servers().primary, database);
    let fromSqlite: RawServerRow[];
    let fromMysql: RawServerRow[];
    try {
      fromSqlite = await extractAll(lite, "main");
      fromMysql = await extractAll(my, database);
    } finally {
      await lite.close();
      await my.close();
    }
    expect(fromSqlite.length).toBe(fromMysql.length);
    expect(fromSqlite.length).toBeGreaterThan(300);
    // MariaDB's JSON_ARRAY writes `[1, "a"]`, SQLite's `[1,"a"]`: compare the parsed lists.
    const comparable = (r: RawServerRow) => ({ ...normRows([r as unknown as Record<string, unknown>])[0], roles: r.roles === null ? null : JSON.parse(`[${r.roles}]`) });
    const withRoles = fromSqlite.filter((r) => r.roles !== null).length;
    expect(withRoles).toBeGreaterThan(100);
    for (let i = 0; i < fromSqlite.length; i++) {
      expect(comparable(fromSqlite[i])).toEqual(comparable(fromMysql[i]));
      expect(transformServer(fromSqlite[i])).toEqual(transformServer(fromMysql[i]));
    }
  }, T);
});
