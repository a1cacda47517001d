// `generate` against the test bed's MariaDB primary: the schema equals schema.sql, same seed ⇒
// identical tables, refusal without --force, the dirt the issue lists, and a history that
// django-simple-history could have written (newest row = live row, '-' rows for deletions, ties, holes).
import { beforeAll, describe, expect, test } from "bun:test";
import { quoteIdent } from "../../../src/engine/ident.ts";
import { generateServerDb, type GenerateResult } from "../../../src/generate/index.ts";
import { parseGenerateOptions } from "../../../src/generate/generate-options.ts";
import { writeBatches } from "../../../src/generate/writer.ts";
import { SQL } from "../../../src/sql.ts";
import { dsn, freshDatabase, runCli, servers, withDb, type CliResult } from "../../support/servers.ts";

const END = "2026-06-30";
const T = 120_000;

const SERVERS_TABLES = [
  "servers_asset", "servers_availabilityzone", "servers_cpu", "servers_deliveryasset", "servers_filer",
  "servers_historicalserver", "servers_manufacturer", "servers_model", "servers_rack", "servers_rackedasset",
  "servers_region", "servers_server", "servers_server_role", "servers_serverrole", "servers_site", "servers_switch",
  "servers_team",
];

function ok(what: string, r: CliResult): CliResult {
  if (r.exitCode !== 0) throw new Error(`${what} exited ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr.slice(-3000)}`);
  return r;
}

function generate(database: string, ...extra: string[]): Promise<CliResult> {
  return runCli(["generate", "--source", dsn(servers().primary, database), "--end-date", END, ...extra], { timeoutMs: T });
}

/** CHECKSUM TABLE of every servers_* table: equal maps ⇔ identical contents. */
function checksums(database: string): Promise<Record<string, string>> {
  return withDb(database, async (db) => {
    const list = SERVERS_TABLES.map((t) => `${quoteIdent(database)}.${quoteIdent(t)}`).join(", ");
    const rows = await db.query<{ Table: string; Checksum: string | number }>(`CHECKSUM TABLE ${list}`);
    return Object.fromEntries(rows.map((r) => [r.Table.split(".")[1], String(r.Checksum)]));
  });
}

/** A database name nobody created yet (generate must create it). */
function unusedName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.floor(performance.now())}`;
}

describe("generate: schema", () => {
  let generated: string;
  let reference: string;
  let firstRun: CliResult;

  beforeAll(async () => {
    generated = unusedName("gen_new");
    firstRun = ok("generate", await generate(generated, "--servers", "300", "--seed", "3"));
    reference = await freshDatabase("gen_ref");
    await withDb(reference, (db) => db.execute(SQL.serverdbSchema));
  }, T);

  test("creates a missing database with Django's charset and prints one summary line", async () => {
    const [schema] = await withDb(generated, (db) =>
      db.query("SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [generated]),
    );
    expect(schema).toEqual({ cs: "utf8mb4", co: "utf8mb4_general_ci" });
    const lines = firstRun.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    const m = lines[0].match(/^generated (\S+): (\d+) servers, (\d+) switches, (\d+) filers, \d+ other assets, (\d+) history rows in [\d.]+ s$/);
    expect(m?.[1]).toBe(generated);
    const [[counts]] = await Promise.all([
      withDb(generated, (db) =>
        db.query<{ s: number; sw: number; f: number; h: number }>(
          "SELECT (SELECT COUNT(*) FROM servers_server) s, (SELECT COUNT(*) FROM servers_switch) sw, (SELECT COUNT(*) FROM servers_filer) f, (SELECT COUNT(*) FROM servers_historicalserver) h",
        ),
      ),
    ]);
    expect(counts.s).toBe(300);
    expect([counts.s, counts.sw, counts.f, counts.h].map(String)).toEqual([m![2], m![3], m![4], m![5]]);
  });

  test("columns, keys and foreign keys equal a database made by running schema.sql", async () => {
    const describeSchema = (database: string) =>
      withDb(database, async (db) => ({
        tables: await db.query(
          "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME",
          [database],
        ),
        columns: await db.query(
          `SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLLATION_NAME
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
          [database],
        ),
        indexes: await db.query(
          `SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE
             FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
          [database],
        ),
        foreignKeys: await db.query(
          `SELECT TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, UPDATE_RULE, DELETE_RULE
             FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME`,
          [database],
        ),
      }));
    const [actual, expected] = await Promise.all([describeSchema(generated), describeSchema(reference)]);
    expect(expected.tables.length).toBeGreaterThanOrEqual(27);
    expect(actual).toEqual(expected);
  });

  test("existing empty tables (schema.sql already loaded) are reused and filled identically", async () => {
    ok("generate into the reference database", await generate(reference, "--servers", "300", "--seed", "3"));
    expect(await checksums(reference)).toEqual(await checksums(generated));
  }, T);
});

describe("generate: determinism and --force", () => {
  let a: string;
  let b: string;
  let c: string;

  beforeAll(async () => {
    [a, b, c] = await Promise.all([freshDatabase("gen_a"), freshDatabase("gen_b"), freshDatabase("gen_c")]);
    ok("generate a", await generate(a, "--servers", "600", "--seed", "11", "--history-days", "60"));
    ok("generate b", await generate(b, "--servers", "600", "--seed", "11", "--history-days", "60"));
    ok("generate c", await generate(c, "--servers", "600", "--seed", "12", "--history-days", "60"));
  }, T);

  test("same seed and end date give identical tables; another seed gives other tables", async () => {
    const [ca, cb, cc] = await Promise.all([checksums(a), checksums(b), checksums(c)]);
    expect(Object.keys(ca).sort()).toEqual([...SERVERS_TABLES].sort());
    expect(Number(ca.servers_historicalserver)).not.toBe(0);
    expect(cb).toEqual(ca);
    expect(cc.servers_asset).not.toBe(ca.servers_asset);
    expect(cc.servers_server).not.toBe(ca.servers_server);
    expect(cc.servers_historicalserver).not.toBe(ca.servers_historicalserver);
  });

  test("refuses to write into a database with ServerDB data: exit 2, one line, nothing changed", async () => {
    const before = await checksums(a);
    const [{ n }] = await withDb(a, (db) => db.query<{ n: number }>("SELECT COUNT(*) AS n FROM servers_asset"));
    const r = await generate(a, "--servers", "50", "--seed", "99");
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`serverdb-etl: error: database ${a} already has ServerDB data (${n} rows in servers_asset); pass --force to replace it\n`);
    expect(await checksums(a)).toEqual(before);
  }, T);

  test("--force replaces the data: the result equals a fresh generation with the same seed", async () => {
    const r = ok("generate --force", await generate(a, "--servers", "600", "--seed", "12", "--history-days", "60", "--force"));
    expect(r.stdout).toStartWith(`generated ${a}: `);
    expect(await checksums(a)).toEqual(await checksums(c));
  }, T);
});

describe("generate: usage errors", () => {
  test.each([
    [["--servers", "many"], /--servers "many": use a whole number from 1 to 10000000/],
    [["--servers", "0"], /--servers "0": use a whole number/],
    [["--end-date", "2026-02-30"], /invalid --end-date "2026-02-30": write a calendar date as YYYY-MM-DD/],
    [["--history-days", "-3"], /--history-days "-3": use a whole number/],
  ])("%p exits 2 with one line", async (args, message) => {
    const r = await runCli(["generate", "--source", dsn(servers().primary, unusedName("gen_never")), ...args]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  test("never writes into the source from the environment or config: --source is required", async () => {
    const name = unusedName("gen_env");
    const r = await runCli(["generate", "--servers", "10"], { env: { SERVERDB_ETL_SOURCE: dsn(servers().primary, name) } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("pass --source");
    const [found] = await withDb("", (db) => db.query("SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [name]));
    expect(Number(found.n)).toBe(0);
  });
});

type LiveServer = {
  id: number;
  name: string;
  serialnumber: string | null;
  status: string | null;
  owner: string | null;
  created_at: string;
  last_edit: string;
  site_id: number | null;
  position: number | null;
  rack_id: number | null;
  cpu_count: number | null;
  memory: string | null;
  network_speed: number | null;
  ip_address: string | null;
  mac_address: string | null;
  cpu_id: number | null;
  model_id: number | null;
};

/** The model fields a historical row carries (everything but the history_* columns). */
const CARRIED = [
  "name", "serialnumber", "status", "owner", "created_at", "last_edit", "site_id", "position", "rack_id", "cpu_count",
  "memory", "network_speed", "ip_address", "mac_address", "cpu_id", "model_id",
] as const;

const LIVE_SERVERS = `
  SELECT a.id, a.name, a.serialnumber, a.status, a.owner, a.created_at, a.last_edit, a.site_id, ra.position, ra.rack_id,
         s.cpu_count, s.memory, s.network_speed, s.ip_address, s.mac_address, s.cpu_id, s.model_id
    FROM servers_asset a
    JOIN servers_rackedasset ra ON ra.asset_ptr_id = a.id
    JOIN servers_server s ON s.rackedasset_ptr_id = a.id
   ORDER BY a.id`;

describe("generate: dirt (2000 servers, no history)", () => {
  let database: string;
  let live: LiveServer[];
  const q = <T extends Record<string, unknown>>(sql: string) => withDb(database, (db) => db.query<T>(sql));
  const one = async (sql: string) => Number(Object.values((await q(sql))[0])[0]);

  beforeAll(async () => {
    database = await freshDatabase("gen_dirt");
    ok("generate", await generate(database, "--servers", "2000", "--seed", "5"));
    live = await q<LiveServer>(LIVE_SERVERS);
  }, T);

  const share = (pred: (s: LiveServer) => boolean) => live.filter(pred).length / live.length;

  test("switches ~5% and filers ~3% of the assets; no asset is two kinds at once; some assets are neither", async () => {
    const assets = await one("SELECT COUNT(*) FROM servers_asset");
    const switches = await one("SELECT COUNT(*) FROM servers_switch");
    const filers = await one("SELECT COUNT(*) FROM servers_filer");
    expect(live).toHaveLength(2000);
    expect(switches / assets).toBeWithin(0.03, 0.07);
    expect(filers / assets).toBeWithin(0.015, 0.045);
    expect(
      await one(`SELECT COUNT(*) FROM (SELECT id FROM (SELECT rackedasset_ptr_id id FROM servers_server UNION ALL SELECT rackedasset_ptr_id FROM servers_switch
                   UNION ALL SELECT rackedasset_ptr_id FROM servers_filer) k GROUP BY id HAVING COUNT(*) > 1) twice`),
    ).toBe(0);
    expect(await one("SELECT COUNT(*) FROM servers_asset a LEFT JOIN servers_rackedasset r ON r.asset_ptr_id = a.id WHERE r.asset_ptr_id IS NULL")).toBeGreaterThan(0);
    expect(
      await one(`SELECT COUNT(*) FROM servers_rackedasset r WHERE NOT EXISTS (SELECT 1 FROM servers_server s WHERE s.rackedasset_ptr_id = r.asset_ptr_id)
                   AND NOT EXISTS (SELECT 1 FROM servers_switch s WHERE s.rackedasset_ptr_id = r.asset_ptr_id)
                   AND NOT EXISTS (SELECT 1 FROM servers_filer f WHERE f.rackedasset_ptr_id = r.asset_ptr_id)`),
    ).toBeGreaterThan(0);
  });

  test("every CPU example of docs/data-contract.md is some server's CPU, plus runs of spaces and trailing spaces", async () => {
    // Per id, not DISTINCT version: utf8mb4_general_ci would fold 'x' and 'x ' into one.
    const used = (await q<{ version: string }>("SELECT c.version FROM servers_cpu c WHERE c.id IN (SELECT cpu_id FROM servers_server)")).map((r) => r.version);
    for (const raw of [
      "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz",
      "Intel(R) Xeon(R) CPU           X5650  @ 2.67GHz",
      "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz",
      "Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz",
      "AMD EPYC 7742 64-Core Processor",
      "Dual-Core AMD Opteron(tm) Processor 2218",
      "Common KVM processor",
      "Virtual CPU",
      "Not Specified",
    ]) {
      expect(used).toContain(raw);
    }
    expect(used.some((v) => v.endsWith(" "))).toBe(true);
    expect(used.some((v) => /\S {2,}\S/.test(v.trim()))).toBe(true);
    expect(used.some((v) => /-Core/.test(v))).toBe(true);
    expect(await one("SELECT COUNT(*) FROM servers_server s JOIN servers_cpu c ON c.id = s.cpu_id WHERE c.cores IS NULL")).toBeGreaterThan(0);
    expect(await one("SELECT COUNT(*) FROM servers_server s JOIN servers_cpu c ON c.id = s.cpu_id WHERE c.threads IS NULL")).toBeGreaterThan(0);
  });

  test("NULLs in every nullable field the ETL reads, each at a few percent", () => {
    const fields = ["cpu_id", "model_id", "site_id", "rack_id", "memory", "serialnumber", "status", "ip_address", "mac_address", "cpu_count", "network_speed", "owner", "position"] as const;
    const outside = fields.map((f) => [f, share((s) => s[f] === null)] as const).filter(([, rate]) => rate < 0.005 || rate > 0.1);
    expect(outside).toEqual([]);
  });

  test("statuses, 'Not Specified', odd case; microsecond timestamps; decimal memory", () => {
    const statuses = new Set(live.map((s) => s.status));
    for (const s of ["in_use", "spare", "broken", "retired", "provisioning"]) expect(statuses).toContain(s);
    expect([...statuses].some((s) => s !== null && s !== s.toLowerCase())).toBe(true);
    expect(live.some((s) => s.serialnumber === "Not Specified")).toBe(true);
    expect(share((s) => /\.\d{6}$/.test(s.created_at) && !s.created_at.endsWith(".000000"))).toBeGreaterThan(0.99);
    expect(live.some((s) => s.memory !== null && !s.memory.endsWith(".000"))).toBe(true);
    expect(new Set(live.map((s) => s.network_speed))).toEqual(new Set([null, 1000, 10000, 25000, 100000]));
  });

  test("names longer than 128 characters and non-ASCII names (4-byte UTF-8 too); owners longer than 20", () => {
    expect(live.some((s) => [...s.name].length > 128 && [...s.name].length <= 200)).toBe(true);
    expect(live.some((s) => /[^\x00-\x7f]/.test(s.name))).toBe(true);
    expect(live.some((s) => /[\u{10000}-\u{10ffff}]/u.test(s.name))).toBe(true);
    expect(live.some((s) => (s.owner ?? "").length > 20)).toBe(true);
  });

  test("IPv6 addresses; MACs in every docs/data-contract.md format and some invalid ones", () => {
    expect(live.some((s) => s.ip_address?.includes(":"))).toBe(true);
    expect(live.some((s) => s.ip_address?.length === 39)).toBe(true);
    const macs = live.map((s) => s.mac_address).filter((m): m is string => m !== null);
    const formats: Record<string, RegExp> = {
      lowerColon: /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/,
      upperColon: /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/,
      upperDash: /^[0-9A-F]{2}(-[0-9A-F]{2}){5}$/,
      bare: /^[0-9a-fA-F]{12}$/,
      dotted: /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/,
      shortGroups: /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/,
      blanks: /^\s+\S+\s+$/,
      na: /^N\/A$/,
      fiveGroups: /^[0-9a-f]{2}(:[0-9a-f]{2}){4}$/,
      empty: /^$/,
    };
    for (const [name, re] of Object.entries(formats)) expect([name, macs.some((m) => re.test(m))]).toEqual([name, true]);
    expect(macs.some((m) => formats.shortGroups.test(m) && !formats.lowerColon.test(m))).toBe(true);
  });

  test("sites without an availability zone; teams and roles as the issue sizes them", async () => {
    expect(await one("SELECT COUNT(*) FROM servers_asset a JOIN servers_site s ON s.id = a.site_id WHERE s.availability_zone_id IS NULL")).toBeGreaterThan(0);
    expect(await one("SELECT COUNT(*) FROM servers_team")).toBeWithin(10, 31);
    expect(await one("SELECT COUNT(*) FROM servers_team WHERE org_unit_id IS NULL")).toBeGreaterThan(0);
    expect(await one("SELECT COUNT(*) FROM servers_serverrole")).toBeWithin(50, 151);
    expect(await one("SELECT COUNT(*) FROM servers_model WHERE manufacturer_id IS NULL")).toBeGreaterThan(0);
    // Names equal under utf8mb4_general_ci but not byte-wise ('Web', 'web', 'web ').
    expect(
      await one("SELECT COUNT(*) FROM servers_serverrole r1 JOIN servers_serverrole r2 ON r1.name = r2.name AND BINARY r1.name <> BINARY r2.name"),
    ).toBeGreaterThan(0);
    expect(await one("SELECT COUNT(*) FROM (SELECT puppet_service FROM servers_serverrole WHERE puppet_service IS NOT NULL GROUP BY puppet_service HAVING COUNT(*) > 1) x")).toBeGreaterThan(0);
  });

  test("servers with no role, with up to five roles of different teams, with roles lacking a puppet service or a team", async () => {
    const perServer = await q<{ roles: number; teams: number }>(
      `SELECT COUNT(sr.id) roles, COUNT(DISTINCT r.managed_by) teams FROM servers_server s
         LEFT JOIN servers_server_role sr ON sr.server_id = s.rackedasset_ptr_id LEFT JOIN servers_serverrole r ON r.id = sr.serverrole_id
        GROUP BY s.rackedasset_ptr_id`,
    );
    const counts = perServer.map((p) => Number(p.roles));
    expect(counts).toContain(0);
    expect(counts).toContain(5);
    expect(Math.max(...counts)).toBe(5);
    expect(perServer.some((p) => Number(p.roles) === 5 && Number(p.teams) >= 4)).toBe(true);
    expect(await one("SELECT COUNT(*) FROM servers_server_role sr JOIN servers_serverrole r ON r.id = sr.serverrole_id WHERE r.puppet_service IS NULL")).toBeGreaterThan(0);
    expect(await one("SELECT COUNT(*) FROM servers_server_role sr JOIN servers_serverrole r ON r.id = sr.serverrole_id WHERE r.managed_by IS NULL")).toBeGreaterThan(0);
  });

  test("servers without a delivery row, and a few percent of them", async () => {
    const without = await one(
      "SELECT COUNT(*) FROM servers_server s LEFT JOIN servers_deliveryasset d ON d.asset_id = s.rackedasset_ptr_id WHERE d.id IS NULL",
    );
    expect(without / live.length).toBeWithin(0.01, 0.1);
  });

  test("without --history-days: one '+' row per server at its creation, equal to its live row, except the bulk-created", async () => {
    const history = await q<LiveServer & { history_type: string; history_date: string }>(
      "SELECT h.*, h.id AS id FROM servers_historicalserver h ORDER BY history_id",
    );
    expect(new Set(history.map((h) => h.history_type))).toEqual(new Set(["+"]));
    const byId = new Map(history.map((h) => [Number(h.id), h]));
    expect(byId.size).toBe(history.length);
    const withoutHistory = live.filter((s) => !byId.has(Number(s.id)));
    expect(withoutHistory.length / live.length).toBeWithin(0.005, 0.05);
    for (const s of live) {
      const h = byId.get(Number(s.id));
      if (!h) continue;
      expect(pick(h)).toEqual(pick(s));
      expect(h.history_date > s.last_edit).toBe(true);
    }
  });
});

function pick(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(CARRIED.map((k) => [k, row[k]]));
}

describe("generate: --history-days", () => {
  let database: string;
  let result: GenerateResult;
  let live: LiveServer[];
  let history: Array<LiveServer & { history_id: number; history_date: string; history_type: string; asset_ptr_id: number; rackedasset_ptr_id: number; history_user_id: number | null; history_change_reason: string | null }>;

  beforeAll(async () => {
    database = await freshDatabase("gen_hist");
    const { primary } = servers();
    // Called directly (not via the CLI) for the list of servers changed by QuerySet.update().
    result = await generateServerDb(
      { kind: "mysql", host: "127.0.0.1", port: primary.port, user: "root", database, sslMode: "DISABLED" },
      parseGenerateOptions({ servers: "2000", seed: "21", historyDays: "365", endDate: END }),
    );
    live = await withDb(database, (db) => db.query<LiveServer>(LIVE_SERVERS));
    history = await withDb(database, (db) => db.query("SELECT * FROM servers_historicalserver ORDER BY history_id")) as typeof history;
  }, T);

  test("history_id counts 1.. in insertion order, history_date never goes back, and there are ties", () => {
    expect(history.length).toBe(result.historyRows);
    expect(history.map((h) => Number(h.history_id))).toEqual(history.map((_, i) => i + 1));
    const backwards = history.filter((h, i) => i > 0 && h.history_date < history[i - 1].history_date);
    expect(backwards).toEqual([]);
    const ties = history.filter((h, i) => i > 0 && h.history_date === history[i - 1].history_date);
    expect(ties.length).toBe(result.historyTies);
    expect(ties.length).toBeGreaterThan(0);
    // Two saves of one server in the same instant: a backfill must break the tie by history_id.
    expect(ties.some((h) => history[Number(h.history_id) - 2].id === h.id)).toBe(true);
    expect(history.at(-1)!.history_date < `${END} 23:59:59.999999`).toBe(true);
    expect(history.at(-1)!.history_date >= "2026-06-29").toBe(true);
  });

  test("rows look like django-simple-history's: + ~ - only, ptr ids = id, no user, no reason, only servers", async () => {
    expect(new Set(history.map((h) => h.history_type))).toEqual(new Set(["+", "~", "-"]));
    for (const h of history) {
      expect([h.asset_ptr_id, h.rackedasset_ptr_id, h.history_user_id, h.history_change_reason]).toEqual([h.id, h.id, null, null]);
    }
    const [{ n }] = await withDb(database, (db) =>
      db.query<{ n: number }>(
        "SELECT COUNT(*) n FROM servers_historicalserver h WHERE h.id IN (SELECT rackedasset_ptr_id FROM servers_switch UNION SELECT rackedasset_ptr_id FROM servers_filer)",
      ),
    );
    expect(Number(n)).toBe(0);
    // Each server's history starts with its one '+' row, at its creation.
    const firstOf = new Map<number, (typeof history)[number]>();
    for (const h of history) if (!firstOf.has(h.id)) firstOf.set(h.id, h);
    expect([...firstOf.values()].every((h) => h.history_type === "+")).toBe(true);
    expect(history.filter((h) => h.history_type === "+").length).toBe(firstOf.size);
  });

  test("every live server's newest history row equals its live row, except those changed by QuerySet.update()", () => {
    const newest = new Map<number, (typeof history)[number]>();
    for (const h of history) newest.set(h.id, h);
    const untracked = new Set(result.untrackedIds);
    expect(untracked.size).toBeGreaterThan(0);
    let compared = 0;
    for (const s of live) {
      const h = newest.get(s.id);
      if (!h) continue;
      expect(h.history_type).not.toBe("-");
      if (untracked.has(s.id)) {
        expect(pick(h)).not.toEqual(pick(s));
        // update() does not run auto_now: last_edit still is the last save's.
        expect(h.last_edit).toBe(s.last_edit);
      } else {
        expect(pick(h)).toEqual(pick(s));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(live.length * 0.9);
  });

  test("the history changed statuses, memory, racks and CPUs/models over time", () => {
    const changed = (field: keyof LiveServer) => {
      const seen = new Map<number, unknown>();
      let n = 0;
      for (const h of history) {
        if (seen.has(h.id) && seen.get(h.id) !== h[field]) n++;
        seen.set(h.id, h[field]);
      }
      return n;
    };
    for (const field of ["status", "memory", "rack_id", "cpu_id", "model_id"] as const) expect([field, changed(field) > 0]).toEqual([field, true]);
    // provisioning → in_use is the most common transition.
    const transitions = new Map<string, number>();
    const last = new Map<number, string | null>();
    for (const h of history) {
      if (last.has(h.id) && last.get(h.id) !== h.status) {
        const key = `${last.get(h.id)}→${h.status}`;
        transitions.set(key, (transitions.get(key) ?? 0) + 1);
      }
      last.set(h.id, h.status);
    }
    const top = [...transitions].sort((x, y) => y[1] - x[1])[0][0];
    expect(top).toBe("provisioning→in_use");
  });

  test("deleted servers end with a '-' row holding their last state and have no live rows left", async () => {
    const deleted = new Map<number, (typeof history)[number]>();
    for (const h of history) if (h.history_type === "-") deleted.set(h.id, h);
    expect(deleted.size).toBe(result.deletedServers);
    expect(deleted.size).toBeGreaterThan(0);
    const lastRow = new Map<number, number>();
    for (const h of history) lastRow.set(h.id, Number(h.history_id));
    for (const [id, h] of deleted) expect(lastRow.get(id)).toBe(Number(h.history_id));
    const ids = [...deleted.keys()];
    const left = await withDb(database, (db) =>
      db.query<{ n: number }>(
        `SELECT (SELECT COUNT(*) FROM servers_asset WHERE id IN (?)) + (SELECT COUNT(*) FROM servers_rackedasset WHERE asset_ptr_id IN (?))
              + (SELECT COUNT(*) FROM servers_server WHERE rackedasset_ptr_id IN (?)) + (SELECT COUNT(*) FROM servers_server_role WHERE server_id IN (?))
              + (SELECT COUNT(*) FROM servers_deliveryasset WHERE asset_id IN (?)) AS n`,
        [ids, ids, ids, ids, ids],
      ),
    );
    expect(Number(left[0].n)).toBe(0);
    // The '-' row is the state before deletion: servers are retired before they are deleted.
    expect([...deleted.values()].filter((h) => h.status !== "retired")).toEqual([]);
  });

  test("about 2% of live servers have no history at all (bulk-created)", () => {
    const withHistory = new Set(history.map((h) => h.id));
    const without = live.filter((s) => !withHistory.has(s.id)).length;
    expect(without).toBe(result.withoutHistory);
    expect(without / live.length).toBeWithin(0.005, 0.05);
    expect(live.length).toBe(result.servers);
  });
});

describe("generate: writer", () => {
  test("splits wide batches to stay within 65,535 placeholders per INSERT and writes every row", async () => {
    const database = await freshDatabase("gen_writer");
    const columns = Array.from({ length: 24 }, (_, i) => `c${i}`);
    await withDb(database, async (db) => {
      await db.execute(`CREATE TABLE wide (${columns.map((c) => `${c} INT NOT NULL`).join(", ")}, PRIMARY KEY (c0))`);
      const statements: number[] = [];
      // The real connection, recording each statement's placeholder count on the way through.
      const recording = Object.assign(Object.create(db), {
        execute: (sql: string, params?: readonly unknown[]) => {
          if (sql.startsWith("INSERT")) statements.push(params?.length ?? 0);
          return db.execute(sql, params);
        },
      });
      const rows = Array.from({ length: 6000 }, (_, r) => columns.map((_, c) => r * 100 + c));
      const batches = [0, 1, 2].map((k) => ({ table: "wide", columns, rows: rows.slice(k * 2000, (k + 1) * 2000) }));
      const written = await writeBatches(recording, batches, { rowsPerStatement: 10_000 });
      expect(written.get("wide")).toBe(6000);
      expect(Math.max(...statements)).toBeLessThanOrEqual(65_535);
      expect(statements.reduce((s, n) => s + n, 0)).toBe(6000 * 24);
      const [{ n, s }] = await db.query<{ n: number; s: string }>("SELECT COUNT(*) n, SUM(c23) s FROM wide");
      expect([Number(n), Number(s)]).toEqual([6000, rows.reduce((t, r) => t + r[23], 0)]);
    });
  }, T);
});
