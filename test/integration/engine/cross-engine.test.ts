// One generated MariaDB ServerDB, loaded by the same commands into a MariaDB warehouse and a
// SQLite warehouse (two nights with source changes between them, then `aggregate --all`):
// every row of server_facts, server_fact_roles and each server_by_* table is the same in both.
// The source also holds what could split the engines: an id above 2^53, memory with three
// decimals, a puppet service spelled with and without a trailing space, another in other case.
//
// Normalizations, each because the engines spell one value two ways, never to hide a difference:
// - memory (decimal(8,3) vs REAL) and memory_gib (decimal(14,3) vs REAL) compare as integer
//   thousandths: MariaDB returns the exact decimal text, SQLite the double nearest it, and
//   both denote the same thousandth (thousandths() rounds the double, parses the text);
// - every other value compares as text (String): mysql2 and SqliteDb both return integers as
//   numbers up to 2^53 and as decimal strings above, dates and datetimes as 'YYYY-MM-DD[ …]';
// - aggregate dimension values compare without trailing spaces: utf8mb4_bin (PAD SPACE) and
//   SQLite's RTRIM put 'svc' and 'svc ' in one group, and each engine labels the group with
//   whichever spelling it met first. The group's counts and sums must still be equal.
import { beforeAll, describe, expect, test } from "bun:test";
import { AGGREGATE_TABLE_NAMES } from "../../../src/stages/aggregate-tables.ts";
import { FACT_COLUMNS, ROLE_COLUMNS } from "../../../src/warehouse/columns.ts";
import { connect, dsn, freshDatabase, runCli, servers, type CliResult, ok } from "../../support/servers.ts";
import { thousandths } from "../../support/expected-aggregates.ts";
import { warehouseFor, withWarehouse, type TestWarehouse } from "../../support/engines.ts";

const D1 = "2026-11-19";
const D2 = "2026-11-20";
const FLEET = 1200;
const SEED = 4242;
const B = 9_200_000;
const BIG_ID = "9007199254740993"; // 2^53 + 1

type Row = Record<string, unknown>;

/** A row as text in `columns` order, with the normalizations explained at the top. */
function normalize(row: Row, columns: readonly string[], dims: readonly string[] = []): string {
  return columns
    .map((c) => {
      const v = row[c];
      if (v === null || v === undefined) return "NULL";
      if (c === "memory" || c === "memory_gib") return `${thousandths(v)}‰`;
      if (dims.includes(c)) return String(v).replace(/ +$/, "");
      return String(v);
    })
    .join("|");
}

const AGGREGATE_MEASURES = ["servers", "cpu_sockets", "cpu_cores", "memory_gib"];
const FACT_NAMES = FACT_COLUMNS.map((c) => c.name);
const ROLE_NAMES = ROLE_COLUMNS.map((c) => c.name);

/** Every row of the compared tables, normalized and sorted. */
async function snapshot(w: TestWarehouse): Promise<Record<string, string[]>> {
  return withWarehouse(w, async (db) => {
    const out: Record<string, string[]> = {};
    const read = async (table: string, columns: readonly string[], dims: readonly string[] = []) => {
      const rows = await db.query<Row>(`SELECT * FROM ${table}`);
      out[table] = rows.map((r) => normalize(r, columns, dims)).sort();
    };
    await read("server_facts", FACT_NAMES);
    await read("server_fact_roles", ROLE_NAMES);
    for (const table of AGGREGATE_TABLE_NAMES) {
      const [sample] = await db.query<Row>(`SELECT * FROM ${table} LIMIT 1`);
      const columns = Object.keys(sample ?? {});
      await read(table, columns, columns.filter((c) => c !== "report_date" && !AGGREGATE_MEASURES.includes(c)));
    }
    return out;
  });
}

let mariadb: TestWarehouse;
let sqlite: TestWarehouse;
let left: Record<string, string[]>;
let right: Record<string, string[]>;

beforeAll(async () => {
  const { primary } = servers();
  const source = await freshDatabase("xsrc");
  ok("generate", await runCli(["generate", "--source", dsn(primary, source), "--servers", String(FLEET), "--seed", String(SEED), "--end-date", D2], { timeoutMs: 120_000 }));
  const src = await connect(primary, source);
  try {
    const ids = (await src.query<{ id: number }>("SELECT rackedasset_ptr_id AS id FROM servers_server ORDER BY id LIMIT 40")).map((r) => r.id);
    await src.execute(
      "INSERT INTO servers_serverrole (id, name, puppet_service, managed_by) VALUES (?, 'x-a', 'x::svc', NULL), (?, 'x-b', 'x::svc ', NULL), (?, 'x-c', 'X::Svc', NULL)",
      [B + 1, B + 2, B + 3],
    );
    for (const [i, id] of ids.slice(0, 30).entries()) {
      await src.execute("INSERT INTO servers_server_role (server_id, serverrole_id) VALUES (?, ?)", [id, B + 1 + (i % 3)]);
      await src.execute("UPDATE servers_server SET memory = ? WHERE rackedasset_ptr_id = ?", [`${1000 + i}.${String((i * 37) % 1000).padStart(3, "0")}`, id]);
    }
    await src.execute("INSERT INTO servers_asset (id, name, serialnumber, status, owner, created_at, last_edit, site_id) SELECT ?, 'big-id', 'SN-BIG', 'in_use', 'ops', created_at, last_edit, site_id FROM servers_asset WHERE id = ?", [BIG_ID, ids[0]]);
    await src.execute("INSERT INTO servers_rackedasset (asset_ptr_id, position, rack_id) VALUES (?, 1, NULL)", [BIG_ID]);
    await src.execute(
      "INSERT INTO servers_server (rackedasset_ptr_id, cpu_count, memory, network_speed, ip_address, mac_address, cpu_id, model_id) SELECT ?, cpu_count, '99999.999', network_speed, ip_address, mac_address, cpu_id, model_id FROM servers_server WHERE rackedasset_ptr_id = ?",
      [BIG_ID, ids[0]],
    );
    mariadb = await warehouseFor("mariadb", "xdw");
    sqlite = await warehouseFor("sqlite", "xdw");
    const night = async (day: string) => {
      for (const w of [mariadb, sqlite]) ok(`etl ${day} [${w.engine}]`, await runCli(["etl", "--source", dsn(primary, source), "--target", w.dsn, "--report-date", day]));
    };
    for (const w of [mariadb, sqlite]) ok(`init [${w.engine}]`, await runCli(["init", "--target", w.dsn]));
    await night(D1);
    // Between the nights: servers leave, statuses and memory change, roles move.
    await src.execute("UPDATE servers_asset SET status = 'retired' WHERE id IN (?)", [ids.slice(30, 40)]);
    await src.execute("UPDATE servers_server SET memory = memory + 0.125 WHERE rackedasset_ptr_id IN (?)", [ids.slice(10, 20)]);
    await src.execute("DELETE FROM servers_server_role WHERE server_id IN (?)", [ids.slice(0, 8)]);
    await src.execute("DELETE FROM servers_server WHERE rackedasset_ptr_id IN (?)", [ids.slice(5, 8)]);
    await night(D2);
    for (const w of [mariadb, sqlite]) ok(`aggregate --all [${w.engine}]`, await runCli(["aggregate", "--target", w.dsn, "--all"]));
  } finally {
    await src.close();
  }
  [left, right] = await Promise.all([snapshot(mariadb), snapshot(sqlite)]);
}, 240_000);

describe("a MariaDB and a SQLite warehouse filled from the same source hold the same rows", () => {
  test("the fixture: two days of facts, the id above 2^53, both spellings of the shared service, the largest memory", () => {
    expect(left.server_facts!.length).toBeGreaterThan(2 * FLEET - 10);
    expect(left.server_facts!.filter((l) => l.startsWith(`${BIG_ID}|`)).length).toBe(2);
    expect(left.server_facts!.some((l) => l.includes("|99999999‰|"))).toBe(true);
    const services = new Set(left.server_fact_roles!.map((l) => l.split("|")[4]));
    for (const s of ["x::svc", "x::svc ", "X::Svc"]) expect(services).toContain(s);
  });

  for (const table of ["server_facts", "server_fact_roles", ...AGGREGATE_TABLE_NAMES]) {
    test(`${table}: every row equal`, () => {
      expect(left[table]!.length).toBeGreaterThan(0);
      // First difference only, so a failure names one row instead of printing thousands.
      const n = Math.max(left[table]!.length, right[table]!.length);
      for (let i = 0; i < n; i++) {
        if (left[table]![i] !== right[table]![i]) {
          expect({ table, row: i, sqlite: right[table]![i] }).toEqual({ table, row: i, sqlite: left[table]![i] });
        }
      }
      expect(right[table]!.length).toBe(left[table]!.length);
    });
  }

  test("the trailing-space twins form one group on both engines", () => {
    for (const side of [left, right]) {
      const groups = side.server_by_puppet_service!.filter((l) => /^\d{4}-\d\d-\d\d\|x::svc\|/.test(l));
      // 30 servers got one of three roles: 20 have x::svc or 'x::svc ', 10 have X::Svc.
      const servers = groups.filter((l) => l.startsWith(`${D1}|`)).reduce((n, l) => n + Number(l.split("|")[3]), 0);
      expect(servers).toBe(20);
    }
  });
});
