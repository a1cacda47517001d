// `init` on each warehouse engine (ENGINES), then MariaDB's own cases. Both engines: creates
// exactly what the engine's DDL files say, --check creates nothing and prints statements that,
// applied as printed, create the tables, re-runs write nothing, data survives, a drifted table
// is left alone (exit 3) while a missing one is created, a view is reported. MariaDB (primary +
// replica): no GTID on a re-run, a SELECT-only user, and each kind of drift a DBA can cause
// reported with ALTER statements that, applied as printed, make `init --check` pass again on
// both servers. SQLite: drift fixed by the printed rebuild (more cases in
// test/unit/engine/sqlite/schema.test.ts), and a missing file for --check.
import { describe, expect, test } from "bun:test";
import type { Db } from "../../../src/engine/db.ts";
import type { MysqlDb } from "../../../src/engine/mysql/mysql-db.ts";
import { SqliteDb } from "../../../src/engine/sqlite/sqlite-db.ts";
import { engineOf } from "../../../src/engine/index.ts";
import { checkWarehouseSchema, initWarehouse } from "../../../src/stages/init.ts";
import { readLiveTables } from "../../../src/engine/mysql/schema-live.ts";
import { warehouseTableNames, warehouseTables } from "../../../src/engine/mysql/catalog.ts";
import { FACT_COLUMNS } from "../../../src/warehouse/columns.ts";
import type { TableSchema } from "../../../src/warehouse/schema-model.ts";
import { connect, dsn, freshDatabase, runCli, servers, waitForReplica, type CliResult, withDb } from "../../support/servers.ts";
import { ENGINES, applyScript, warehouseFor, watchWrites, withWarehouse, type TestWarehouse } from "../../support/engines.ts";
import { addDayPartitions } from "../../support/day-partitions.ts";

const TABLES = warehouseTableNames();

const init = (database: string, ...extra: string[]) => runCli(["init", "--target", dsn(servers().primary, database), ...extra]);

/** The CLI's result, shown in full when an expectation about it fails. */
function show(r: CliResult): string {
  return `exit ${r.exitCode}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}

function expectExit(r: CliResult, code: number): void {
  if (r.exitCode !== code) throw new Error(`expected exit ${code}, got ${show(r)}`);
}

async function showCreate(db: MysqlDb): Promise<string[]> {
  const out: string[] = [];
  for (const t of TABLES) {
    const [row] = await db.query<Record<string, string>>(`SHOW CREATE TABLE ${t}`);
    out.push(row["Create Table"]);
  }
  return out;
}

async function gtidPos(): Promise<string> {
  return withDb("", async (db) => (await db.query<{ pos: string }>("SELECT @@GLOBAL.gtid_binlog_pos AS pos"))[0].pos);
}

async function tableNames(db: MysqlDb): Promise<string[]> {
  const rows = await db.query<{ t: string }>("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()");
  return rows.map((r) => r.t).sort();
}

/** One row in each table, so ALTERs run on non-empty tables and we can see data survive. */
async function seedRows(db: Db): Promise<void> {
  await db.execute(
    "INSERT INTO etl_runs (kind, report_date, started_at, status, host, version) VALUES ('etl', '2026-11-20', '2026-11-20 01:00:00', 'success', 'h', 'v')",
  );
  const cols = FACT_COLUMNS.map((c) => c.name);
  const values: Record<string, unknown> = {
    id: 7, report_date: "2026-11-20", name: "web-7", asset_type: "server", serialnumber: "SN7", delivery_date: null,
    ip_address: "10.0.0.7", mac_address: "aa:bb:cc:dd:ee:07", status: "in use", site: "ams1", region: "eu-west",
    role_ids: "1", puppet_services: "web", role_names: "Web", rack: "r1", cpu_version: "epyc 7742 64-core",
    cpu_count: 2, cpu_cores: 64, cpu_threads: 128, memory: "512.000", network_speed: 10000, manufacturer: "Dell",
    model: "R7525", owner: "ops", wou_id: 42, wou_name: "Web Team", created_at: "2020-01-02 03:04:05",
    last_edit: "2026-11-19 10:00:00", etl_run_id: 1,
  };
  await addDayPartitions(db, ["2026-11-20"]);
  await db.execute(`INSERT INTO server_facts (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`, cols.map((c) => values[c]));
  await db.execute(
    "INSERT INTO server_fact_roles (report_date, id, role_id, role_name, puppet_service, wou_id, wou_name, etl_run_id) VALUES ('2026-11-20', 7, 1, 'Web', 'web', 42, 'Web Team', 1)",
  );
  // The server_by_* aggregates of that fact.
  const measures = "servers, cpu_sockets, cpu_cores, memory_gib";
  await db.execute(`INSERT INTO server_by_site (report_date, site, region, status, ${measures}) VALUES ('2026-11-20', 'ams1', 'eu-west', 'in use', 1, 2, 128, 512)`);
  await db.execute(`INSERT INTO server_by_puppet_service (report_date, puppet_service, status, ${measures}) VALUES ('2026-11-20', 'web', 'in use', 1, 2, 128, 512)`);
  await db.execute(`INSERT INTO server_by_vendor_model (report_date, manufacturer, model, asset_type, status, ${measures}) VALUES ('2026-11-20', 'Dell', 'R7525', 'server', 'in use', 1, 2, 128, 512)`);
  await db.execute(`INSERT INTO server_by_team (report_date, wou_id, wou_name, status, ${measures}) VALUES ('2026-11-20', 42, 'Web Team', 'in use', 1, 2, 128, 512)`);
  await db.execute(`INSERT INTO server_by_cpu (report_date, cpu_version, status, ${measures}) VALUES ('2026-11-20', 'epyc 7742 64-core', 'in use', 1, 2, 128, 512)`);
  // A server seen retiring: in use on 2026-11-19, retired on 2026-11-20, delivery date unknown.
  await db.execute(
    "INSERT INTO server_retirements (report_date, id, previous_day, manufacturer, model, asset_type, site, wou_name, in_service_since, delivery_known) " +
      "VALUES ('2026-11-20', 8, '2026-11-19', 'Dell', 'R640', 'server', 'ams1', 'Web Team', '2019-05-06', 0)",
  );
}

async function rowCounts(db: Db): Promise<number[]> {
  const out: number[] = [];
  for (const t of TABLES) out.push(Number((await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))[0].n));
  return out;
}

/** A database where `init` already ran and every table holds one row. */
async function initialized(): Promise<string> {
  const database = await freshDatabase("init");
  expectExit(await init(database), 0);
  await withDb(database, seedRows);
  return database;
}

for (const engine of ENGINES) describe(`init [${engine}]`, () => {
  const initW = (w: TestWarehouse, ...extra: string[]) => runCli(["init", "--target", w.dsn, ...extra]);

  /** A warehouse where `init` already ran and every table holds one row. */
  async function initializedW(): Promise<TestWarehouse> {
    const w = await warehouseFor(engine, "init");
    expectExit(await initW(w), 0);
    await withWarehouse(w, seedRows);
    return w;
  }

  test("creates every table, whose live schema is exactly this version's; stdout names each", async () => {
    const w = await warehouseFor(engine, "init");
    const r = await initW(w);
    expectExit(r, 0);
    expect(r.stdout).toBe(TABLES.map((t) => `-- serverdb-etl: created table ${t} in ${w.label}\n`).join(""));
    expect(r.stderr).toBe("");
    await withWarehouse(w, async (db) => {
      const catalog = engineOf(db).catalog;
      const expected = await catalog.expected();
      const live = await catalog.readLive(db, TABLES);
      const byKeyName = (t: TableSchema) => ({ ...t, indexes: [...t.indexes].sort((a, b) => a.name.localeCompare(b.name)) });
      for (const { schema } of expected) expect(byKeyName(live.get(schema.name)!.schema)).toEqual(byKeyName(schema));
      expect(await checkWarehouseSchema(db)).toEqual([]);
    });
  }, 30_000);

  test("--check on an empty warehouse creates nothing, exits 3 and prints the CREATE statements, which applied as printed make it pass", async () => {
    const w = await warehouseFor(engine, "init");
    // An existing, empty warehouse: a MariaDB database, or a SQLite file without tables.
    if (engine === "sqlite") await (SqliteDb.open(w.name, { create: true })).close();
    const r = await initW(w, "--check");
    expectExit(r, 3);
    for (const t of TABLES) {
      expect(r.stdout).toContain(`-- ${t}: table is missing; run serverdb-etl init to create it\n`);
      expect(r.stdout).toMatch(new RegExp(`\nCREATE TABLE (IF NOT EXISTS )?${t} \\(\n`));
    }
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(await withWarehouse(w, (db) => engineOf(db).catalog.readLive(db, TABLES))).toEqual(new Map());
    await applyScript(w, r.stdout);
    const again = await initW(w, "--check");
    expectExit(again, 0);
    expect(again.stdout).toBe("");
  }, 30_000);

  test("a second init and init --check change nothing: no write, same rows, same schema", async () => {
    const w = await initializedW();
    const before = await withWarehouse(w, rowCounts);
    expect(before).toEqual(TABLES.map(() => 1));
    const writes = await watchWrites(w);
    for (const args of [[], ["--check"]]) {
      const r = await initW(w, ...args);
      expectExit(r, 0);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe("");
    }
    expect(await writes.changed()).toBe(false);
    await writes.close();
    expect(await withWarehouse(w, rowCounts)).toEqual(before);
  }, 30_000);

  test("init creates only the missing table and leaves a drifted one alone (exit 3)", async () => {
    const w = await initializedW();
    await withWarehouse(w, async (db) => {
      await db.execute("DROP TABLE etl_runs");
      await db.execute("ALTER TABLE server_facts DROP COLUMN cpu_threads");
    });
    const r = await initW(w);
    expectExit(r, 3);
    expect(r.stdout).toStartWith(`-- serverdb-etl: created table etl_runs in ${w.label}\n`);
    expect(r.stdout).not.toContain("-- etl_runs:");
    expect(r.stdout).toContain("-- server_facts: column `cpu_threads` is missing (expected int NOT NULL)\n");
    expect(r.stderr).toContain("no table was altered");
    await withWarehouse(w, async (db) => {
      const live = await engineOf(db).catalog.readLive(db, TABLES);
      expect(live.has("etl_runs")).toBe(true);
      expect(live.get("server_facts")!.schema.columns.map((c) => c.name)).not.toContain("cpu_threads");
      expect((await rowCounts(db))[1]).toBe(1);
    });
  }, 30_000);

  test("a view in place of a table is reported, not replaced", async () => {
    const w = await initializedW();
    await withWarehouse(w, async (db) => {
      await db.execute("DROP TABLE etl_runs");
      await db.execute("CREATE VIEW etl_runs AS SELECT 1 AS id");
    });
    for (const args of [[], ["--check"]]) {
      const r = await initW(w, ...args);
      expectExit(r, 3);
      expect(r.stdout).toContain("-- etl_runs: is a VIEW, not a table;");
    }
    const live = await withWarehouse(w, (db) => engineOf(db).catalog.readLive(db, ["etl_runs"]));
    expect(live.get("etl_runs")!.tableType).toBe("VIEW");
  }, 30_000);

  if (engine === "sqlite") {
    test("SQLite drift: a changed column type and a dropped index; the printed rebuild, applied as printed, fixes both and keeps the rows", async () => {
      const w = await initializedW();
      await applyScript(
        w,
        "DROP INDEX server_facts_name; ALTER TABLE server_by_cpu RENAME TO old; " +
          "CREATE TABLE server_by_cpu (report_date TEXT NOT NULL, cpu_version TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>', status TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>', " +
          "servers TEXT NOT NULL DEFAULT 0, cpu_sockets INTEGER NOT NULL DEFAULT 0, cpu_cores INTEGER NOT NULL DEFAULT 0, memory_gib REAL NOT NULL DEFAULT 0, " +
          "PRIMARY KEY (report_date, cpu_version, status)) WITHOUT ROWID; INSERT INTO server_by_cpu SELECT * FROM old; DROP TABLE old",
      );
      const r = await initW(w, "--check");
      expectExit(r, 3);
      const lines = r.stdout.split("\n");
      expect(lines).toContain("-- server_facts: key `server_facts_name` is missing, expected KEY `server_facts_name` (`name`)");
      expect(lines).toContain("-- server_by_cpu: column `servers` is text, expected int");
      expect(lines).toContain("CREATE INDEX server_facts_name ON server_facts (name);");
      expect(r.stdout).toContain('ALTER TABLE "server_by_cpu__serverdb_etl_new" RENAME TO "server_by_cpu"');
      expect(r.stdout).not.toContain("ALTER TABLE `");
      expect(r.stderr).toContain("review the statements printed on stdout");
      await applyScript(w, r.stdout);
      const again = await initW(w, "--check");
      expectExit(again, 0);
      expect(await withWarehouse(w, rowCounts)).toEqual(TABLES.map(() => 1));
    }, 30_000);

    test("--check on a file that does not exist: one line, exit 2, and no file is created", async () => {
      const w = await warehouseFor(engine, "init");
      const r = await initW(w, "--check");
      expectExit(r, 2);
      expect(r.stderr.trim().split("\n")).toEqual([`serverdb-etl: error: ${w.label} does not exist; check the path (for a warehouse, serverdb-etl init --target ${w.label} creates it)`]);
      expect(await Bun.file(w.name).exists()).toBe(false);
    }, 30_000);
  }
});

if (ENGINES.includes("mariadb")) describe("init on an empty database [mariadb]", () => {
  test("creates the three tables, whose information_schema is exactly the DDL; they replicate", async () => {
    const database = await freshDatabase("init");
    const r = await init(database);
    expectExit(r, 0);
    expect(r.stdout).toBe(TABLES.map((t) => `-- serverdb-etl: created table ${t} in mysql://root@127.0.0.1:${servers().primary.port}/${database}\n`).join(""));
    expect(r.stderr).toBe("");
    await withDb(database, async (db) => {
      expect(await tableNames(db)).toEqual([...TABLES].sort());
      const live = await readLiveTables(db, TABLES);
      // Key order means nothing to the server (information_schema lists keys by name).
      const byKeyName = (t: TableSchema) => ({ ...t, indexes: [...t.indexes].sort((a, b) => a.name.localeCompare(b.name)) });
      for (const { schema } of warehouseTables()) expect(byKeyName(live.get(schema.name)!.schema)).toEqual(byKeyName(schema));
      expect(await checkWarehouseSchema(db)).toEqual([]);
    });
    await waitForReplica();
    await withDb(
      database,
      async (db) => {
        expect(await tableNames(db)).toEqual([...TABLES].sort());
        expect(await checkWarehouseSchema(db)).toEqual([]);
      },
      servers().replica,
    );
  }, 30_000);

  test("init --check writes nothing, reports every table missing (exit 3) and prints its CREATE TABLE", async () => {
    const database = await freshDatabase("init");
    const before = await gtidPos();
    const r = await init(database, "--check");
    expectExit(r, 3);
    for (const t of TABLES) {
      expect(r.stdout).toContain(`-- ${t}: table is missing; run serverdb-etl init to create it\n`);
      expect(r.stdout).toContain(`\nCREATE TABLE IF NOT EXISTS ${t} (\n`);
    }
    expect(r.stdout).not.toContain("ALTER TABLE");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("run serverdb-etl init to create the missing tables");
    expect(await withDb(database, tableNames)).toEqual([]);
    expect(await gtidPos()).toBe(before);
    // A DBA who creates tables by hand (the ETL user may lack CREATE) applies the script.
    await withDb(database, (db) => db.execute(r.stdout));
    const again = await init(database, "--check");
    expectExit(again, 0);
    expect(again.stdout).toBe("");
  }, 30_000);

  test("a database that does not exist is a one-line error; init does not create it", async () => {
    const r = await init("init_no_such_database");
    expectExit(r, 1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("the database does not exist");
    const [{ n }] = await withDb("", (db) => db.query<{ n: number }>("SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'init_no_such_database'"));
    expect(Number(n)).toBe(0);
  }, 30_000);
});

if (ENGINES.includes("mariadb")) describe("init on an initialized warehouse [mariadb]", () => {
  test("a second init changes nothing: same tables, same rows, no binlog event", async () => {
    const database = await initialized();
    const [createBefore, countsBefore] = await withDb(database, async (db) => [await showCreate(db), await rowCounts(db)] as const);
    expect(countsBefore).toEqual(TABLES.map(() => 1));
    const gtidBefore = await gtidPos();
    for (const args of [[], ["--check"]]) {
      const r = await init(database, ...args);
      expectExit(r, 0);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe("");
    }
    expect(await gtidPos()).toBe(gtidBefore);
    await withDb(database, async (db) => {
      expect(await showCreate(db)).toEqual(createBefore);
      expect(await rowCounts(db)).toEqual(countsBefore);
      const [fact] = await db.query("SELECT name, memory, created_at FROM server_facts WHERE id = 7");
      expect(fact).toEqual({ name: "web-7", memory: "512.000", created_at: "2020-01-02 03:04:05" });
    });
  }, 30_000);

  test("init --check works for a user with SELECT only", async () => {
    const database = await initialized();
    await waitForReplica(); // the ro user and the tables are on both servers
    for (const server of [servers().primary, servers().replica]) {
      const r = await runCli(["init", "--check", "--target", dsn(server, database, "ro")]);
      expectExit(r, 0);
    }
  }, 30_000);

  // "creates only the missing table" and "a view in place of a table" run for every engine above.
});

interface DriftCase {
  name: string;
  /** What a DBA (or an older version) did to the table. */
  change: string;
  /** Lines `init --check` must print, each a whole line. */
  lines: string[];
  /** Exit code of `init --check` before the fix: 3, or 0 for cosmetic-only drift. */
  exit?: number;
  /** The script must drop data under a warning. */
  drops?: boolean;
}

const cases: DriftCase[] = [
  {
    name: "a dropped column",
    change: "ALTER TABLE server_facts DROP COLUMN cpu_threads",
    lines: ["-- server_facts: column `cpu_threads` is missing (expected int NOT NULL)"],
  },
  {
    name: "an extra column",
    change: "ALTER TABLE server_facts ADD COLUMN legacy_flag tinyint NULL AFTER name",
    lines: [
      "-- server_facts: column `legacy_flag` is not in this version's schema (found tinyint NULL DEFAULT NULL); " +
        'declare it in [[facts.columns]] (name, type, default, expression; README "Site-specific columns") to keep it, or drop it',
    ],
    drops: true,
  },
  {
    name: "a changed type",
    change: "ALTER TABLE server_facts MODIFY memory decimal(10,2) NOT NULL",
    lines: ["-- server_facts: column `memory` is decimal(10,2), expected decimal(8,3)"],
  },
  {
    name: "a dropped secondary key",
    change: "ALTER TABLE server_facts DROP INDEX name",
    lines: ["-- server_facts: key `name` is missing, expected KEY `name` (`name`)"],
  },
  {
    name: "a changed primary key",
    change: "ALTER TABLE server_facts DROP PRIMARY KEY, ADD PRIMARY KEY (id, report_date)",
    lines: ["-- server_facts: primary key is (`id`, `report_date`), expected (`report_date`, `id`)"],
  },
  {
    name: "collation, NULL and default of one column",
    change: "ALTER TABLE server_facts MODIFY status varchar(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL",
    lines: [
      "-- server_facts: column `status` is NULL, expected NOT NULL",
      "-- server_facts: column `status` has DEFAULT NULL, expected DEFAULT '<unknown>'",
      "-- server_facts: column `status` has collation utf8mb4_general_ci, expected utf8mb4_bin",
    ],
  },
  {
    name: "a lost AUTO_INCREMENT",
    change: "ALTER TABLE etl_runs MODIFY id bigint unsigned NOT NULL",
    lines: ["-- etl_runs: column `id` lacks AUTO_INCREMENT, expected it"],
  },
  {
    name: "an extra key and a key with other columns",
    change: "ALTER TABLE server_fact_roles ADD INDEX dba_idx (role_name), DROP INDEX puppet_service, ADD INDEX puppet_service (puppet_service)",
    lines: [
      "-- server_fact_roles: key KEY `dba_idx` (`role_name`) is not in this version's schema",
      "-- server_fact_roles: key `puppet_service` is KEY `puppet_service` (`puppet_service`), expected KEY `puppet_service` (`report_date`, `puppet_service`)",
    ],
  },
  {
    name: "a renamed key",
    change: "ALTER TABLE etl_runs RENAME INDEX report_date TO runs_by_day",
    lines: ["-- etl_runs: key `runs_by_day` (`report_date`, `status`) is named differently, expected `report_date`"],
  },
  {
    name: "another engine",
    change: "ALTER TABLE etl_runs ENGINE=MyISAM",
    lines: ["-- etl_runs: engine is MyISAM, expected InnoDB"],
  },
  {
    name: "columns moved and one dropped",
    change:
      "ALTER TABLE server_facts MODIFY id bigint unsigned NOT NULL AFTER etl_run_id, " +
      "MODIFY site varchar(8) NOT NULL DEFAULT '' FIRST, MODIFY owner varchar(20) NOT NULL DEFAULT '<unknown>' AFTER name, DROP COLUMN rack",
    lines: [
      "-- server_facts: column `id` is out of place, expected first (cosmetic: the load names its columns)",
      "-- server_facts: column `rack` is missing (expected varchar(128) NOT NULL DEFAULT '' COLLATE utf8mb4_bin)",
    ],
  },
  {
    name: "column order only (cosmetic: exit 0)",
    change: "ALTER TABLE server_fact_roles MODIFY etl_run_id bigint unsigned NOT NULL FIRST, MODIFY report_date date NOT NULL AFTER wou_name",
    lines: ["-- server_fact_roles: column `etl_run_id` is out of place, expected after `wou_name` (cosmetic: the load names its columns)"],
    exit: 0,
  },
  {
    name: "the table's default collation (cosmetic: exit 0)",
    change: "ALTER TABLE etl_runs DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
    lines: ["-- etl_runs: default collation is utf8mb4_general_ci, expected utf8mb4_bin (cosmetic: applies only to columns added later)"],
    exit: 0,
  },
];

if (ENGINES.includes("mariadb")) describe("drift: init --check lists it, and its ALTERs applied as printed fix it [mariadb]", () => {
  test.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const database = await initialized();
    await withDb(database, (db) => db.execute(c.change));
    const gtidBefore = await gtidPos();

    const r = await init(database, "--check");
    expectExit(r, c.exit ?? 3);
    const lines = r.stdout.split("\n");
    for (const line of c.lines) if (!lines.includes(line)) throw new Error(`missing line ${JSON.stringify(line)} in\n${show(r)}`);
    expect(r.stdout).toContain("ALTER TABLE `");
    expect(r.stdout.includes("-- WARNING: DROP COLUMN")).toBe(Boolean(c.drops));
    if ((c.exit ?? 3) === 3) {
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain("review the statements printed on stdout (ALTER TABLE");
    }
    expect(await gtidPos()).toBe(gtidBefore); // --check wrote nothing

    // What a DBA would do: apply the printed script unchanged.
    await withDb(database, (db) => db.execute(r.stdout));
    const again = await init(database, "--check");
    expectExit(again, 0);
    expect(again.stdout).toBe("");
    await withDb(database, async (db) => {
      expect(await checkWarehouseSchema(db)).toEqual([]);
      const live = await readLiveTables(db, ["server_facts"]);
      expect(live.get("server_facts")!.schema.columns.map((col) => col.name)).toEqual(FACT_COLUMNS.map((col) => col.name));
      // Rows survive; a re-added column takes its default.
      expect(await rowCounts(db)).toEqual(TABLES.map(() => 1));
    });
    await waitForReplica();
    expect(await withDb(database, checkWarehouseSchema, servers().replica)).toEqual([]);
  }, 60_000);
});

if (ENGINES.includes("mariadb")) describe("initWarehouse [mariadb]", () => {
  test("checkOnly creates nothing; the default creates and reports the tables it created", async () => {
    const database = await freshDatabase("init");
    await withDb(database, async (db) => {
      const check = await initWarehouse(db, { checkOnly: true });
      expect(check.created).toEqual([]);
      expect(check.drifts.map((d) => [d.table, d.kind])).toEqual(TABLES.map((t) => [t, "missing-table"]));
      await db.execute("CREATE TABLE IF NOT EXISTS etl_runs (id int NOT NULL PRIMARY KEY) ENGINE=InnoDB");
      const done = await initWarehouse(db);
      expect(done.created).toEqual(TABLES.filter((t) => t !== "etl_runs"));
      expect(done.drifts.every((d) => d.table === "etl_runs")).toBe(true);
      expect(done.drifts.length).toBeGreaterThan(10);
    });
  }, 30_000);
});
