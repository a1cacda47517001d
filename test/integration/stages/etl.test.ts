// `etl` end to end from a MariaDB ServerDB on the test bed into each warehouse engine (ENGINES:
// the MariaDB primary + replica, and a SQLite file): a generated dirty fleet (plus hand-made
// edge cases) is loaded and every warehouse row is compared with the independent oracle of
// test/support/expected-facts.ts; then reruns, stale rows, time zones, the replica (MariaDB
// only: SQLite has none) and the source's sql_mode.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { MysqlDb } from "../../../src/engine/mysql/mysql-db.ts";
import { quoteIdent } from "../../../src/engine/ident.ts";
import { connect, dsn, freshDatabase, runCli, servers, type CliResult, ok, withDb } from "../../support/servers.ts";
import { ENGINES, hasReplica, warehouseFor, withWarehouse, type Engine, type TestWarehouse } from "../../support/engines.ts";
import { cutChars, expectedFacts, firstDifference, readWarehouseDay, type Expected, type WarehouseDay } from "../../support/expected-facts.ts";

const D1 = "2026-11-19";
const D2 = "2026-11-20";
const FLEET = 1500;
const SEED = 20261120;
/** First id of the hand-made edge cases, far above the generated ids. */
const B = 9_000_000;

async function generate(database: string): Promise<void> {
  const { primary } = servers();
  ok(
    "generate",
    await runCli(["generate", "--source", dsn(primary, database), "--servers", String(FLEET), "--seed", String(SEED), "--end-date", D2], {
      timeoutMs: 120_000,
    }),
  );
}

async function freshWarehouse(engine: Engine): Promise<TestWarehouse> {
  const dw = await warehouseFor(engine);
  ok("init", await runCli(["init", "--target", dw.dsn]));
  return dw;
}

function etl(source: string, dw: TestWarehouse, reportDate: string, extra: string[] = [], env?: Record<string, string>): Promise<CliResult> {
  const { primary } = servers();
  return runCli([
    "etl",
    "--source", dsn(primary, source),
    "--target", dw.dsn,
    ...dw.replicaArgs,
    "--report-date", reportDate,
    ...extra,
  ], { env });
}

const day = (dw: TestWarehouse, reportDate: string, server: "primary" | "replica" = "primary") =>
  withWarehouse(dw, (db) => readWarehouseDay(db, reportDate), server);
const oracle = (source: string) => withDb(source, (db) => expectedFacts(db));

interface RunRow {
  id: number;
  report_date: string;
  status: string;
  rows_extracted: number;
  rows_loaded: number;
  rows_removed: number;
  warnings: number;
  warnings_by_column: string;
  finished_at: string | null;
}
const runs = (dw: TestWarehouse) => withWarehouse(dw, (db) => db.query<RunRow>("SELECT * FROM etl_runs ORDER BY id"));

/** The day equals the oracle, row for row and column for column. */
function expectMatches(actual: WarehouseDay, expected: Expected): void {
  expect(firstDifference("server_facts", actual.facts, expected.facts)).toBeUndefined();
  expect(firstDifference("server_fact_roles", actual.roles, expected.roles)).toBeUndefined();
}

/** Copy every table of `from` into a new database (data only; enough for the pipeline). */
async function copyDatabase(from: string): Promise<string> {
  const to = await freshDatabase("src");
  await withDb(from, async (db) => {
    const tables = await db.query<Record<string, string>>("SHOW TABLES");
    for (const row of tables) {
      const t = Object.values(row)[0]!;
      await db.execute(`CREATE TABLE ${quoteIdent(to)}.${quoteIdent(t)} LIKE ${quoteIdent(from)}.${quoteIdent(t)}`);
      await db.execute(`INSERT INTO ${quoteIdent(to)}.${quoteIdent(t)} SELECT * FROM ${quoteIdent(from)}.${quoteIdent(t)}`);
    }
  });
  return to;
}

/**
 * Hand-made rows that the generator may or may not produce, with ids from B: values longer
 * than their column (multi-byte and 4-byte characters across the cut), role names equal
 * under utf8mb4_general_ci, a team without an org unit on the lowest role, every MAC form,
 * CPU strings from docs/data-contract.md, a switch, a filer and non-Server assets.
 */
async function addEdgeCases(db: MysqlDb): Promise<void> {
  const run = (sql: string, ...params: unknown[]) => db.execute(sql, params);
  await run("INSERT INTO servers_team (id, name, org_unit_id) VALUES (?, 'Team No Unit', NULL), (?, 'Storage Ops', 4242)", B + 1, B + 2);
  await run(
    "INSERT INTO servers_serverrole (id, name, puppet_service, managed_by) VALUES " +
      "(?, 'web', 'nginx', NULL), (?, 'Web', 'Nginx', ?), (?, 'web ', NULL, ?), (?, 'dup', 'nginx', ?), (?, 'dup', 'nginx ', NULL)",
    B + 1, B + 2, B + 1, B + 3, B + 2, B + 10, B + 2, B + 11,
  );
  for (let i = 0; i < 6; i++) {
    // 6 roles of 59 characters: role_names and puppet_services overflow varchar(255).
    await run(
      "INSERT INTO servers_serverrole (id, name, puppet_service, managed_by) VALUES (?, ?, ?, ?)",
      B + 20 + i, `röle-${i}-` + "ß".repeat(40) + "😀".repeat(12), `svc-${i}-` + "x".repeat(50), i % 2 ? B + 2 : null,
    );
  }
  // 'region-sixteen!!-zone-sixteen-abc' is 33 characters: cut to 25.
  await run("INSERT INTO servers_region (id, shortname) VALUES (?, 'region-sixteen!!')", B + 1);
  await run("INSERT INTO servers_availabilityzone (id, shortname, region_id) VALUES (?, 'zone-sixteen-abc', ?)", B + 1, B + 1);
  await run(
    "INSERT INTO servers_site (id, shortname, name, availability_zone_id) VALUES (?, 'S-AZ', 'site with az', ?), (?, 'S-NOAZ', 'no az', NULL)",
    B + 1, B + 1, B + 2,
  );
  await run("INSERT INTO servers_rack (id, name, site_id) VALUES (?, 'rack-ü-1', ?)", B + 1, B + 1);
  await run(
    "INSERT INTO servers_cpu (id, version, cores, threads) VALUES " +
      "(?, 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz', NULL, NULL), (?, 'AMD EPYC 7742 64-Core Processor', NULL, 128), " +
      "(?, 'Dual-Core AMD Opteron(tm) Processor 2218', NULL, NULL), (?, 'Virtual CPU', 2, 2), (?, 'Not Specified', NULL, NULL), " +
      "(?, 'Intel(R) Xeon(R) CPU           X5650  @ 2.67GHz', 6, 12), (?, ?, NULL, NULL)",
    B + 1, B + 2, B + 3, B + 4, B + 5, B + 6, B + 7, "Quad-Core " + "Ünicode-Ç ".repeat(11) + "@ 3GHz",
  );
  await run("INSERT INTO servers_manufacturer (id, name) VALUES (?, 'Dell Inc.')", B + 1);
  await run("INSERT INTO servers_model (id, name, manufacturer_id) VALUES (?, 'PowerEdge R640', ?), (?, 'Whitebox', NULL)", B + 1, B + 1, B + 2);
  // [id, name, serialnumber, status, owner, created_at, last_edit, site_id]
  const assets: unknown[][] = [
    // 200 code points, 300 UTF-16 units: a cut by units or bytes instead of characters shows.
    [B + 1, LONG_NAME, "SN-1", "In-Production", LONG_OWNER, "2024-01-02 23:59:59.999999", "2026-11-19 12:00:00.500000", B + 1],
    [B + 2, "many-roles", null, "ACTIVE", null, "2024-01-03 00:00:00.000000", "2024-01-03 00:00:00.000000", B + 2],
    [B + 3, "bare-server", null, null, "", "2024-01-04 10:11:12.000001", "2024-01-04 10:11:12.000000", null],
    [B + 4, "mac-empty", "SN-4", "Decommissioned", "ops", "2024-01-05 01:02:03.000000", "2024-01-05 01:02:03.000000", B + 1],
    [B + 5, "team-second-role", "SN-5", "active", "ops", "2024-01-06 01:02:03.000000", "2024-01-06 01:02:03.000000", B + 1],
    [B + 6, "a-switch", "SW-1", "active", "net", "2024-01-06 01:02:03.000000", "2024-01-06 01:02:03.000000", B + 1],
    [B + 7, "a-filer", "FL-1", "active", "storage", "2024-01-06 01:02:03.000000", "2024-01-06 01:02:03.000000", B + 1],
    [B + 8, "bare-asset", "BA-1", "active", "x", "2024-01-06 01:02:03.000000", "2024-01-06 01:02:03.000000", null],
    [B + 9, "racked-only", "RO-1", "active", "x", "2024-01-06 01:02:03.000000", "2024-01-06 01:02:03.000000", null],
  ];
  for (const a of assets) {
    await run("INSERT INTO servers_asset (id, name, serialnumber, status, owner, created_at, last_edit, site_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ...a);
  }
  for (const n of [1, 2, 3, 4, 5, 6, 7, 9]) {
    await run("INSERT INTO servers_rackedasset (asset_ptr_id, position, rack_id) VALUES (?, ?, ?)", B + n, n, n === 1 ? B + 1 : null);
  }
  await run("INSERT INTO servers_switch (rackedasset_ptr_id, ports) VALUES (?, 48)", B + 6);
  await run("INSERT INTO servers_filer (rackedasset_ptr_id, capacity_tb) VALUES (?, 100)", B + 7);
  // [id, cpu_count, memory, network_speed, ip_address, mac_address, cpu_id, model_id]
  const rows: unknown[][] = [
    [B + 1, 2, null, 10000, null, "AA-BB-CC-DD-EE-FF", B + 1, B + 1],
    [B + 2, null, "768.500", null, "10.0.0.2", "aabb.ccdd.eeff", B + 2, B + 2],
    [B + 3, null, null, null, null, " 1:2:3:a:b:c ", B + 7, null],
    [B + 4, 1, "0.125", 1000, "2001:db8::1", "", B + 3, B + 1],
    [B + 5, 4, "1024.000", 25000, "10.0.0.5", "N/A", B + 4, B + 1],
  ];
  for (const v of rows) {
    await run(
      "INSERT INTO servers_server (rackedasset_ptr_id, cpu_count, memory, network_speed, ip_address, mac_address, cpu_id, model_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ...v,
    );
  }
  await run(
    "INSERT INTO servers_deliveryasset (asset_type, delivery_date, asset_id) VALUES ('server', '2023-12-24', ?), (NULL, NULL, ?), ('server-asset-type-32-chars-long!', '2023-01-01', ?)",
    B + 1, B + 4, B + 5,
  );
  const links: [number, number][] = [
    [1, 1], [1, 2], [1, 3], [1, 10], [1, 11],
    [2, 20], [2, 21], [2, 22], [2, 23], [2, 24], [2, 25],
    [5, 1], [5, 10],
  ];
  for (const [server, role] of links) await run("INSERT INTO servers_server_role (server_id, serverrole_id) VALUES (?, ?)", B + server, B + role);

  // Ids above 2^53 (Django's BigAutoField allows them; a double cannot hold them exactly), and
  // names that JSON must escape: quotes, backslashes, a tab, a 4-byte character.
  await run("INSERT INTO servers_team (id, name, org_unit_id) VALUES (?, ?, 77)", B + 3, 'Équipe "Ops" \\ Nord 😀');
  await run(
    "INSERT INTO servers_serverrole (id, name, puppet_service, managed_by) VALUES (?, ?, ?, ?)",
    BIG_ROLE, 'quote"back\\slash\ttab 😀', 'svc::"q"\\', B + 3,
  );
  await run(
    "INSERT INTO servers_asset (id, name, serialnumber, status, owner, created_at, last_edit, site_id) VALUES (?, 'big-id', 'SN-BIG', 'active', 'ops', '2025-02-03 04:05:06.123456', '2025-02-03 04:05:06.999999', ?)",
    BIG_ID, B + 2,
  );
  await run("INSERT INTO servers_rackedasset (asset_ptr_id, position, rack_id) VALUES (?, 1, ?)", BIG_ID, B + 1);
  await run(
    "INSERT INTO servers_server (rackedasset_ptr_id, cpu_count, memory, network_speed, ip_address, mac_address, cpu_id, model_id) VALUES (?, 2, '64.000', 1000, '10.9.9.9', 'aabb.ccdd.EEFF', ?, ?)",
    BIG_ID, B + 6, B + 2,
  );
  for (const [server, role] of [[BIG_ID, BIG_ROLE], [BIG_ID, String(B + 1)], [String(B + 4), BIG_ROLE]]) {
    await run("INSERT INTO servers_server_role (server_id, serverrole_id) VALUES (?, ?)", server, role);
  }
}
/** 2^53 + 1 and 2^53 + 3, as text: exact only that way. */
const BIG_ID = "9007199254740993";
const BIG_ROLE = "9007199254740995";
const LONG_NAME = "é".repeat(100) + "😀".repeat(100);
const LONG_OWNER = "o".repeat(35) + "wner!"; // 40 characters, the source's width; the warehouse keeps 20

let source: string;
let expected: Expected;

beforeAll(async () => {
  source = await freshDatabase("src");
  await generate(source);
  await withDb(source, addEdgeCases);
  expected = await oracle(source);
}, 180_000);

for (const engine of ENGINES) describe(`etl of a generated fleet [${engine}]`, () => {
  let dw: TestWarehouse;
  let first: WarehouseDay;

  beforeAll(async () => {
    dw = await freshWarehouse(engine);
    ok("etl", await etl(source, dw, D2));
    first = await day(dw, D2);
  }, 60_000);

  test("every fact and role-bridge row equals the oracle", () => {
    expect(expected.facts.length).toBeGreaterThan(FLEET / 2);
    expect(expected.roles.length).toBeGreaterThan(FLEET / 2);
    expectMatches(first, expected);
  });

  test("switches, filers and assets that are not Servers are absent", async () => {
    const others = await withDb(source, (db) =>
      db.query<{ id: number }>(
        "SELECT rackedasset_ptr_id AS id FROM servers_switch UNION SELECT rackedasset_ptr_id FROM servers_filer " +
          "UNION SELECT a.id FROM servers_asset a LEFT JOIN servers_server s ON s.rackedasset_ptr_id = a.id WHERE s.rackedasset_ptr_id IS NULL",
      ),
    );
    expect(others.length).toBeGreaterThanOrEqual(4);
    const loaded = new Set(first.facts.map((f) => f.id));
    expect(others.map((o) => String(o.id)).filter((id) => loaded.has(id))).toEqual([]);
    const bridged = new Set(first.roles.map((r) => r.id));
    expect(others.map((o) => String(o.id)).filter((id) => bridged.has(id))).toEqual([]);
  });

  test("etl_runs holds one successful run whose counts are the rows, stamped on every row", async () => {
    const rows = await runs(dw);
    expect(rows.length).toBe(1);
    const [run] = rows;
    expect(run.status).toBe("success");
    expect(run.report_date).toBe(D2);
    expect(run.finished_at).not.toBeNull();
    expect(Number(run.rows_extracted)).toBe(expected.facts.length);
    expect(Number(run.rows_loaded)).toBe(expected.facts.length);
    expect(Number(run.rows_removed)).toBe(0);
    expect(first.runIds).toEqual([String(run.id)]);
  });

  test("values longer than their column are cut by characters and counted per column", async () => {
    const edge = first.facts.find((f) => f.id === String(B + 1))!;
    expect(edge.name).toBe("é".repeat(100) + "😀".repeat(28));
    expect(edge.name).toBe(cutChars(LONG_NAME, 128));
    expect(edge.owner).toBe("o".repeat(20));
    expect(edge.region).toBe("region-sixteen!!-zone-six");
    const [run] = await runs(dw);
    const byColumn = JSON.parse(run.warnings_by_column) as Record<string, number>;
    for (const column of ["name", "owner", "region", "role_names", "puppet_services", "cpu_version", "mac_address"]) {
      expect(expected.warnings[column]).toBeGreaterThan(0);
    }
    // Every warning the oracle expects is counted, exactly, under its column.
    for (const [column, n] of Object.entries(expected.warnings)) expect({ column, n: byColumn[column] }).toEqual({ column, n });
    expect(Number(run.warnings)).toBeGreaterThanOrEqual(Object.values(expected.warnings).reduce((a, b) => a + b, 0));
  });

  test("ids above 2^53 and names JSON must escape arrive exactly", () => {
    const big = first.facts.find((f) => f.id === BIG_ID);
    expect(big?.role_ids).toBe(`${B + 1},${BIG_ROLE}`);
    expect(big?.wou_id).toBe("77"); // role B+1 has no team, so the higher BIG_ROLE's team decides
    expect(big?.wou_name).toBe('Équipe "Ops" \\ Nord 😀');
    const bridge = first.roles.filter((r) => r.role_id === BIG_ROLE).map((r) => [r.id, r.role_name, r.puppet_service, r.wou_id]);
    expect(bridge).toEqual([
      [String(B + 4), 'quote"back\\slash\ttab 😀', 'svc::"q"\\', "77"],
      [BIG_ID, 'quote"back\\slash\ttab 😀', 'svc::"q"\\', "77"],
    ]);
  });

  if (hasReplica(engine)) test("when etl returns, the replica already holds exactly the primary's rows", async () => {
    // No waitForReplica here on purpose: etl itself must have waited.
    const onReplica = await day(dw, D2, "replica");
    expect(firstDifference("replica server_facts", onReplica.facts, first.facts)).toBeUndefined();
    expect(firstDifference("replica server_fact_roles", onReplica.roles, first.roles)).toBeUndefined();
    expect(onReplica.runIds).toEqual(first.runIds);
  });

  test("a second run of the same day leaves identical rows, stamped with the second run", async () => {
    ok("second etl", await etl(source, dw, D2));
    const second = await day(dw, D2);
    expect(firstDifference("server_facts", second.facts, first.facts)).toBeUndefined();
    expect(firstDifference("server_fact_roles", second.roles, first.roles)).toBeUndefined();
    const rows = await runs(dw);
    expect(rows.map((r) => r.status)).toEqual(["success", "success"]);
    expect(second.runIds).toEqual([String(rows[1]!.id)]);
    expect(Number(rows[1]!.rows_removed)).toBe(0);
    // And the replica followed the rewrite too.
    if (hasReplica(engine)) expect((await day(dw, D2, "replica")).runIds).toEqual(second.runIds);
  });
});

for (const engine of ENGINES) describe(`etl reruns after the source changed [${engine}]`, () => {
  test("servers deleted or no longer Servers, and removed roles, leave the day; other days stay", async () => {
    const src = await copyDatabase(source);
    const dw = await freshWarehouse(engine);
    ok("etl D1", await etl(src, dw, D1));
    ok("etl D2", await etl(src, dw, D2));
    const d1Before = await day(dw, D1);
    const d2Before = await day(dw, D2);

    // Pick victims among generated servers that have roles, so their bridge rows must go too.
    const withRoles = [...new Set(d2Before.roles.map((r) => r.id!))].filter((id) => Number(id) < B);
    const deleted = withRoles.slice(0, 5);
    const demoted = withRoles[5]!;
    const multiRole = d2Before.facts.find((f) => Number(f.id) < B && f.role_ids!.split(",").length >= 2 && !withRoles.slice(0, 6).includes(f.id!))!;
    expect(multiRole).toBeDefined();
    const droppedRole = multiRole.role_ids!.split(",")[0]!;

    await withDb(src, async (db) => {
      for (const id of deleted) {
        for (const [t, col] of [
          ["servers_server_role", "server_id"],
          ["servers_server", "rackedasset_ptr_id"],
          ["servers_rackedasset", "asset_ptr_id"],
          ["servers_deliveryasset", "asset_id"],
          ["servers_asset", "id"],
        ]) {
          await db.execute(`DELETE FROM ${quoteIdent(t!)} WHERE ${quoteIdent(col!)} = ?`, [id]);
        }
      }
      // A Server turned into a Switch: its server row goes, the racked asset stays.
      await db.execute("DELETE FROM servers_server_role WHERE server_id = ?", [demoted]);
      await db.execute("DELETE FROM servers_server WHERE rackedasset_ptr_id = ?", [demoted]);
      await db.execute("INSERT INTO servers_switch (rackedasset_ptr_id, ports) VALUES (?, 24)", [demoted]);
      await db.execute("DELETE FROM servers_server_role WHERE server_id = ? AND serverrole_id = ?", [multiRole.id, droppedRole]);
    });
    const changed = await oracle(src);
    expect(changed.facts.length).toBe(d2Before.facts.length - 6);

    // Small batches: the sweep walks its id ranges in several steps, some cutting a server's roles apart.
    const again = ok("etl D2 again", await etl(src, dw, D2, ["--batch-size", "4", "--log-format", "json"]));
    const d2After = await day(dw, D2);
    expectMatches(d2After, changed);
    const gone = new Set([...deleted, demoted]);
    expect(d2After.facts.filter((f) => gone.has(f.id!))).toEqual([]);
    expect(d2After.roles.filter((r) => gone.has(r.id!))).toEqual([]);
    expect(d2After.roles.filter((r) => r.id === multiRole.id && r.role_id === droppedRole)).toEqual([]);
    // Only the latest run's rows remain in the day.
    const rows = await runs(dw);
    expect(d2After.runIds).toEqual([String(rows[rows.length - 1]!.id)]);
    expect(Number(rows[rows.length - 1]!.rows_removed)).toBe(6);
    // The summary says the same as etl_runs, as text and as JSON fields.
    // regression: rows_removed counted the bridge rows too (6 servers and their roles), the text 6
    const summary = JSON.parse(again.stdout.trim().split("\n").at(-1)!);
    expect(summary.message).toContain(", 6 removed, ");
    expect(summary.rows_removed).toBe(6);

    // D1 is another day's snapshot: untouched, etl_run_id included.
    const d1After = await day(dw, D1);
    expect(firstDifference("D1 server_facts", d1After.facts, d1Before.facts)).toBeUndefined();
    expect(firstDifference("D1 server_fact_roles", d1After.roles, d1Before.roles)).toBeUndefined();
    expect(d1After.runIds).toEqual(d1Before.runIds);
    expect(d1After.facts.filter((f) => gone.has(f.id!)).length).toBe(6);

    // The replica saw the deletes as well.
    if (hasReplica(engine)) {
      const onReplica = await day(dw, D2, "replica");
      expect(firstDifference("replica server_facts", onReplica.facts, d2After.facts)).toBeUndefined();
      expect(firstDifference("replica server_fact_roles", onReplica.roles, d2After.roles)).toBeUndefined();
    }
  }, 60_000);
});

describe("etl under the source server's ONLY_FULL_GROUP_BY", () => {
  let saved: string | undefined;
  afterAll(async () => {
    if (saved === undefined) return;
    await withDb("", (db) => db.execute("SET GLOBAL sql_mode = ?", [saved]));
  });

  test("loads the same rows as the oracle", async () => {
    await withDb("", async (db) => {
      [{ mode: saved }] = await db.query<{ mode: string }>("SELECT @@GLOBAL.sql_mode AS mode");
      await db.execute("SET GLOBAL sql_mode = ?", [["ONLY_FULL_GROUP_BY", ...saved!.split(",").filter((m) => m !== "")].join(",")]);
    });
    try {
      // New sessions take the global mode: this is what the etl's source session runs under.
      const mode = await withDb(source, (db) => db.query<{ mode: string }>("SELECT @@SESSION.sql_mode AS mode"));
      expect(mode[0]!.mode).toContain("ONLY_FULL_GROUP_BY");
      // A property of the source session: one warehouse engine shows it.
      const dw = await freshWarehouse("mariadb");
      ok("etl", await etl(source, dw, D2));
      expectMatches(await day(dw, D2), expected);
    } finally {
      await withDb("", (db) => db.execute("SET GLOBAL sql_mode = ?", [saved]));
      saved = undefined;
    }
  }, 60_000);
});

for (const engine of ENGINES) describe(`etl whatever the time zones [${engine}]`, () => {
  test("created_at and last_edit keep the source's wall clock under a far-off host and session zone", async () => {
    const [{ zone }] = await withDb("", (db) => db.query<{ zone: string }>("SELECT @@GLOBAL.time_zone AS zone"));
    await withDb("", (db) => db.execute("SET GLOBAL time_zone = '+09:00'"));
    try {
      const dw = await freshWarehouse(engine);
      // UTC+14 on the host: any Date round trip would move values by hours, some across midnight.
      ok("etl", await etl(source, dw, D2, [], { TZ: "Pacific/Kiritimati" }));
      const loaded = await day(dw, D2);
      expectMatches(loaded, expected);
      expect(loaded.facts.find((f) => f.id === String(B + 1))?.created_at).toBe("2024-01-02 23:59:59");
    } finally {
      await withDb("", (db) => db.execute("SET GLOBAL time_zone = ?", [zone]));
    }
  }, 60_000);
});
