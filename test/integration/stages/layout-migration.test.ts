// A warehouse made by the previous version (server_facts clustered by id, with keys on status,
// site and report_date) keeps working, with a warning, and migrates to the day-clustered layout
// with exactly what `init --check` prints: every row intact, one server's history still by key.
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

/** Put server_facts (empty, just created by init) into the previous version's layout. */
async function oldLayout(engine: Engine, w: TestWarehouse): Promise<void> {
  if (engine === "mariadb") return withWarehouse(w, async (db) => void (await db.execute(OLD_KEYS)));
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
      expect(first.stderr).toMatch(/server_facts still has an older layout \(server_facts: primary key is \(`id`, `report_date`\), expected \(`report_date`, `id`\)/);
      expect(first.stderr).toContain("apply the online ALTER that serverdb-etl init --check prints");
      const run = ok("run on the old layout", await runCli(["run", "--source", dsn(servers().primary, source), "--target", w.dsn, "--report-date", DAYS[1]!]));
      expect(run.stderr).toContain("server_facts still has an older layout");
      const before = await allRows(w);
      expect(before.length).toBe(2 * FLEET);

      const check = await runCli(["init", "--check", "--target", w.dsn]);
      expect(check.exitCode).toBe(3);
      expect(check.stdout).toContain("-- server_facts: primary key is (`id`, `report_date`), expected (`report_date`, `id`)");
      if (engine === "mariadb") {
        // One online ALTER for the keys, and no other statement on server_facts.
        expect(check.stdout).toMatch(/\nALTER TABLE `server_facts`\n  DROP PRIMARY KEY,\n  ADD PRIMARY KEY \(`report_date`, `id`\),\n[^;]*  ALGORITHM=INPLACE, LOCK=NONE;\n/);
        expect(check.stdout.match(/^ALTER TABLE `server_facts`/gm)!.length).toBe(1);
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
    }, 120_000);
  });
}
