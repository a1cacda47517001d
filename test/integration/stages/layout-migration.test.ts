// Warehouses made by earlier versions keep working, with a warning, and migrate to this
// version's layout with exactly what `init --check` prints, every row intact: 0.1's (server_facts
// clustered by id, with keys on status, site and report_date, nothing partitioned), and on
// MariaDB the day-clustered one before the fact tables were partitioned by day.
import { beforeAll, describe, expect, test } from "bun:test";
import { dsn, freshDatabase, ok, runCli, servers, type CliResult } from "../../support/servers.ts";
import { ENGINES, applyScript, warehouseFor, withWarehouse, type Engine, type TestWarehouse } from "../../support/engines.ts";

const FLEET = 300;
const DAYS = ["2026-11-02", "2026-11-03"];
let source = "";

beforeAll(async () => {
  source = await freshDatabase("layout_src");
  ok("generate", await runCli(["generate", "--source", dsn(servers().primary, source), "--servers", String(FLEET), "--seed", "5", "--end-date", DAYS[1]!]));
});

/** The previous version's keys of server_facts on MariaDB (the columns are the same as this version's). */
const OLD_KEYS =
  "ALTER TABLE server_facts DROP PRIMARY KEY, ADD PRIMARY KEY (id, report_date), DROP KEY id, " +
  "ADD KEY status (status), ADD KEY site (site), ADD KEY report_date (report_date)";

/** Every fact row, in key order, as text: the check that a migration kept each row as it was. */
async function allRows(w: TestWarehouse): Promise<string[]> {
  return withWarehouse(w, async (db) =>
    (await db.query<Record<string, unknown>>("SELECT * FROM server_facts ORDER BY id, report_date")).map((r) => JSON.stringify(Object.values(r).map(String))),
  );
}

function etl(w: TestWarehouse, day: string): Promise<CliResult> {
  return runCli(["etl", "--source", dsn(servers().primary, source), "--target", w.dsn, "--report-date", day]);
}

/** The fact tables as the version before day partitions made them (MariaDB). */
async function unpartitioned(w: TestWarehouse): Promise<void> {
  await withWarehouse(w, async (db) => {
    for (const t of ["server_facts", "server_fact_roles"]) await db.execute(`ALTER TABLE ${t} REMOVE PARTITIONING`);
  });
}

/** The days that have a partition of their own in `table` (MariaDB). */
async function partitionDays(w: TestWarehouse, table: string): Promise<string[]> {
  return withWarehouse(w, async (db) =>
    (await db.query<{ d: string | null }>(
      "SELECT PARTITION_DESCRIPTION AS d FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY PARTITION_ORDINAL_POSITION",
      [table],
    )).map((r) => String(r.d).replaceAll("'", "")),
  );
}

/** Put server_facts (empty, just created by init) into the previous version's layout. */
async function oldLayout(engine: Engine, w: TestWarehouse): Promise<void> {
  if (engine === "mariadb") {
    await unpartitioned(w);
    return withWarehouse(w, async (db) => void (await db.execute(OLD_KEYS)));
  }
  // SQLite: recreate the table from this version's CREATE with the old key and indexes.
  await withWarehouse(w, async (db) => {
    const [{ sql }] = await db.query<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'server_facts'");
    const oldCreate = sql.replace("PRIMARY KEY (report_date, id)", "PRIMARY KEY (id, report_date)");
    expect(oldCreate).not.toBe(sql);
    for (const statement of [
      "DROP TABLE server_facts",
      oldCreate,
      "CREATE INDEX server_facts_name ON server_facts (name)",
      "CREATE INDEX server_facts_status ON server_facts (status)",
      "CREATE INDEX server_facts_site ON server_facts (site)",
      "CREATE INDEX server_facts_report_date ON server_facts (report_date, id)",
    ]) {
      await db.execute(statement);
    }
  });
}

for (const engine of ENGINES) {
  describe(`a warehouse of the previous layout [${engine}]`, () => {
    test("etl and run go on with one warning; init --check prints the migration; applied as printed, every row is intact", async () => {
      const w = await warehouseFor(engine, "layout");
      ok("init", await runCli(["init", "--target", w.dsn]));
      await oldLayout(engine, w);

      // The old layout works: same rows, exit 0, and the warning says what to do.
      const first = ok("etl on the old layout", await etl(w, DAYS[0]!));
      expect(first.stderr).toMatch(/server_facts(, server_fact_roles)? still ha(s|ve) an older layout \(server_facts: primary key is \(`id`, `report_date`\), expected \(`report_date`, `id`\)/);
      expect(first.stderr).toContain("apply the migration that serverdb-etl init --check prints");
      const run = ok("run on the old layout", await runCli(["run", "--source", dsn(servers().primary, source), "--target", w.dsn, "--report-date", DAYS[1]!]));
      expect(run.stderr).toMatch(/server_facts(, server_fact_roles)? still ha(s|ve) an older layout/);
      const before = await allRows(w);
      expect(before.length).toBe(2 * FLEET);

      const check = await runCli(["init", "--check", "--target", w.dsn]);
      expect(check.exitCode).toBe(3);
      expect(check.stdout).toContain("-- server_facts: primary key is (`id`, `report_date`), expected (`report_date`, `id`)");
      if (engine === "mariadb") {
        // One online ALTER for the keys, and the repartitioning (a copy): no other statement on server_facts.
        expect(check.stdout).toMatch(/\nALTER TABLE `server_facts`\n  DROP PRIMARY KEY,\n  ADD PRIMARY KEY \(`report_date`, `id`\),\n[^;]*  ALGORITHM=INPLACE, LOCK=NONE;\n/);
        expect(check.stdout.match(/^ALTER TABLE `server_facts`/gm)!.length).toBe(2);
        expect(check.stdout).toContain("ALTER TABLE `server_facts`\n  PARTITION BY LIST COLUMNS (report_date) (\n    PARTITION p10000101 VALUES IN ('1000-01-01'),\n    PARTITION p20261102 VALUES IN ('2026-11-02'),\n");
        // Keys only: no warning about copying the table or cutting values.
        expect(check.stdout).not.toContain("a narrower");
        expect(check.stdout).toContain("pt-online-schema-change --alter '");
      } else {
        expect(check.stdout).toContain('CREATE TABLE "server_facts__serverdb_etl_new"');
      }
      await applyScript(w, check.stdout);

      ok("init --check after the migration", await runCli(["init", "--check", "--target", w.dsn]));
      expect(await allRows(w)).toEqual(before);
      const again = ok("etl on the new layout", await etl(w, DAYS[1]!));
      expect(again.stderr).not.toContain("older layout");
      if (engine === "mariadb") for (const t of ["server_facts", "server_fact_roles"]) expect(await partitionDays(w, t)).toContain(DAYS[1]!);
    }, 120_000);
  });
}

if (ENGINES.includes("mariadb")) describe("the day-clustered layout before day partitions [mariadb]", () => {
  test("etl goes on with one warning; the printed migration partitions every day, rows intact; then each new day gets its partition and expire drops it", async () => {
    const w = await warehouseFor("mariadb", "nopart");
    ok("init", await runCli(["init", "--target", w.dsn]));
    await unpartitioned(w);
    const first = ok("etl on the unpartitioned tables", await etl(w, DAYS[0]!));
    expect(first.stderr).toMatch(/server_facts, server_fact_roles still have an older layout \(server_facts: is not partitioned, expected one partition per report_date/);
    ok("etl of the next day", await etl(w, DAYS[1]!));
    const before = await allRows(w);
    expect(before.length).toBe(2 * FLEET);

    const check = await runCli(["init", "--check", "--target", w.dsn]);
    expect(check.exitCode).toBe(3);
    for (const t of ["server_facts", "server_fact_roles"]) {
      expect(check.stdout).toContain(`-- ${t}: is not partitioned, expected one partition per report_date (LIST COLUMNS (report_date))`);
      expect(check.stdout).toContain(`ALTER TABLE \`${t}\`\n  PARTITION BY LIST COLUMNS (report_date) (\n    PARTITION p10000101 VALUES IN ('1000-01-01'),\n    PARTITION p20261102 VALUES IN ('2026-11-02'),\n    PARTITION p20261103 VALUES IN ('2026-11-03'),\n    PARTITION p20261104 VALUES IN ('2026-11-04'),`);
      expect(check.stdout).toContain(`--   pt-online-schema-change --alter 'PARTITION BY LIST COLUMNS (report_date) ( PARTITION p10000101`);
    }
    await applyScript(w, check.stdout);
    ok("init --check after the migration", await runCli(["init", "--check", "--target", w.dsn]));
    expect(await allRows(w)).toEqual(before);
    // The week after the newest day is partitioned ahead; a day outside it gets its own on its etl.
    const days = await partitionDays(w, "server_facts");
    expect(days).toEqual(["1000-01-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-07", "2026-11-08", "2026-11-09", "2026-11-10"]);
    const later = "2026-11-20";
    const third = ok("etl of a day without a partition", await etl(w, later));
    expect(third.stderr).not.toContain("older layout");
    for (const t of ["server_facts", "server_fact_roles"]) expect(await partitionDays(w, t)).toContain(later);
    // One server's history by id, across the day partitions.
    const history = await withWarehouse(w, (db) => db.query<{ report_date: string }>("SELECT report_date FROM server_facts WHERE id = (SELECT MIN(id) FROM server_facts) ORDER BY report_date"));
    expect(history.map((r) => String(r.report_date))).toEqual([...DAYS, later]);
    // expire drops the partition of the day that goes: with a daily window of 1 day, 2026-11-03
    // (the Monday 2026-11-02 keeps its week).
    const expired = ok("expire", await runCli(["expire", "--target", w.dsn, "--keep-daily", "1", "--allow-large-delete", "--timezone", "UTC"]));
    expect(expired.stdout).toMatch(/^expire: 1 day deleted \(2026-11-03 … 2026-11-03\), 300 fact rows/);
    for (const t of ["server_facts", "server_fact_roles"]) {
      const left = await partitionDays(w, t);
      expect(left).toContain(later);
      expect(left).toContain(DAYS[0]!);
      expect(left).not.toContain(DAYS[1]!);
    }
  }, 120_000);
});
