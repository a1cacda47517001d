// `generate --site-extras` on both engines: the three optional tables exist only with the flag,
// with the columns extract configs name, their rows in the stated shares with every key resolving,
// the same rows for the same seed (twice, and on MariaDB and SQLite alike), the other tables'
// rows untouched by the flag, and the --force / refusal rules of the other servers_* tables.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "../../../src/engine/db.ts";
import { quoteIdent } from "../../../src/engine/ident.ts";
import { SqliteDb } from "../../../src/engine/sqlite/sqlite-db.ts";
import { schemaTables } from "../../../src/generate/schema.ts";
import { connect, dsn, freshDatabase, ok, runCli, servers, type CliResult } from "../../support/servers.ts";

const END = "2026-06-30";
const T = 120_000;
// ~250 racks: enough for the 2% and 0.5% shares to show up, small enough for two cores.
const ARGS = ["--servers", "8000", "--seed", "23", "--history-days", "30"];
const EXTRAS = ["servers_modelpower", "servers_purchase", "servers_rackplacement"];
const CORE = schemaTables().map((t) => t.name).filter((t) => t.startsWith("servers_"));

type Kind = "autoId" | "bigint" | "int" | "varchar(16)" | "varchar(32)" | "varchar(48)" | "date";

/** The contract (the issue's words): column, kind, nullable; the one-to-one key and what it points at. */
const SPEC: Record<string, { columns: Array<[string, Kind, boolean]>; key: [string, string, string] }> = {
  servers_rackplacement: {
    columns: [["id", "autoId", false], ["rack_id", "bigint", false], ["row_name", "varchar(16)", true], ["room", "varchar(48)", true]],
    key: ["rack_id", "servers_rack", "id"],
  },
  servers_modelpower: {
    columns: [["id", "autoId", false], ["model_id", "bigint", false], ["rated_watts", "int", true]],
    key: ["model_id", "servers_model", "id"],
  },
  servers_purchase: {
    columns: [["id", "autoId", false], ["asset_id", "bigint", false], ["purchase_order", "varchar(32)", true], ["warranty_end", "date", true]],
    key: ["asset_id", "servers_asset", "id"],
  },
};

interface Shape {
  columns: Array<[string, string, boolean]>;
  unique: string[];
  keys: Array<[string, string, string]>;
}

interface Engine {
  name: string;
  /** A new, empty place to generate into, as a --source value. */
  place(label: string): Promise<string>;
  open(source: string): Promise<Db>;
  tables(db: Db): Promise<string[]>;
  shape(db: Db, table: string): Promise<Shape>;
  types: Record<Kind, string>;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gen-extras-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mariadb: Engine = {
  name: "MariaDB",
  place: async (label) => dsn(servers().primary, await freshDatabase(label)),
  open: (source) => connect(servers().primary, source.slice(source.lastIndexOf("/") + 1)),
  tables: async (db) =>
    (await db.query<{ t: string }>("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1")).map((r) => r.t),
  async shape(db, table) {
    const cols = await db.query<{ c: string; t: string; n: string; e: string }>(
      "SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t, IS_NULLABLE AS n, EXTRA AS e FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
      [table],
    );
    const unique = await db.query<{ c: string }>(
      "SELECT COLUMN_NAME AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY'",
      [table],
    );
    const keys = await db.query<{ c: string; t: string; r: string }>(
      "SELECT COLUMN_NAME AS c, REFERENCED_TABLE_NAME AS t, REFERENCED_COLUMN_NAME AS r FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL",
      [table],
    );
    return {
      columns: cols.map((r) => [r.c, r.e === "auto_increment" ? `${r.t} auto` : r.t, r.n === "YES"]),
      unique: unique.map((r) => r.c),
      keys: keys.map((r) => [r.c, r.t, r.r]),
    };
  },
  types: { autoId: "bigint(20) auto", bigint: "bigint(20)", int: "int(11)", "varchar(16)": "varchar(16)", "varchar(32)": "varchar(32)", "varchar(48)": "varchar(48)", date: "date" },
};

const sqlite: Engine = {
  name: "SQLite",
  place: async (label) => `sqlite:${join(dir, `${label}.sqlite`)}`,
  open: async (source) => SqliteDb.open(source.slice("sqlite:".length), { create: false, readonly: true }),
  tables: async (db) =>
    (await db.query<{ t: string }>("SELECT name AS t FROM sqlite_schema WHERE type = 'table' AND name <> 'sqlite_sequence' ORDER BY 1")).map((r) => r.t),
  async shape(db, table) {
    const cols = await db.query<{ name: string; type: string; notnull: number; pk: number }>("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid", [table]);
    const ddl = (await db.query<{ sql: string }>("SELECT sql FROM sqlite_schema WHERE name = ?", [table]))[0].sql;
    const unique = await db.query<{ c: string }>(
      "SELECT ii.name AS c FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii WHERE il.\"unique\" = 1 AND il.origin <> 'pk'",
      [table],
    );
    const keys = await db.query<{ c: string; t: string; r: string }>('SELECT "from" AS c, "table" AS t, "to" AS r FROM pragma_foreign_key_list(?)', [table]);
    return {
      columns: cols.map((c) => [c.name, (c.pk && ddl.includes("AUTOINCREMENT") ? `${c.type} auto` : c.type).toLowerCase(), !c.notnull]),
      unique: unique.map((r) => r.c),
      keys: keys.map((r) => [r.c, r.t, r.r]),
    };
  },
  types: { autoId: "integer auto", bigint: "bigint", int: "integer", "varchar(16)": "varchar(16)", "varchar(32)": "varchar(32)", "varchar(48)": "varchar(48)", date: "date" },
};

const ENGINES = [mariadb, sqlite];

function generate(source: string, ...extra: string[]): Promise<CliResult> {
  return runCli(["generate", "--source", source, "--end-date", END, ...extra], { timeoutMs: T });
}

/** The same value whatever the engine's type for it (numbers and numeric text as canonical numbers). */
function norm(v: unknown): unknown {
  if (v === null) return null;
  if (typeof v === "number" || typeof v === "bigint") return String(Number(v));
  const s = String(v);
  return /^-?\d+(\.\d+)?$/.test(s) ? String(Number(s)) : s;
}

/** Every row of each table in primary-key order, values normalized. */
async function dump(e: Engine, source: string, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  const db = await e.open(source);
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of tables) {
      const order = t === "servers_historicalserver" ? "history_id" : "1";
      const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${quoteIdent(t)} ORDER BY ${order}`);
      out[t] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, norm(v)])));
    }
    return out;
  } finally {
    await db.close();
  }
}

async function count(db: Db, sql: string): Promise<number> {
  return Number((await db.query<{ n: number | string }>(sql))[0].n);
}

/** `k` of `n` is a plausible draw at rate p: within 4 standard deviations. */
function expectShare(k: number, n: number, p: number): void {
  const sd = Math.sqrt(n * p * (1 - p));
  expect(k).toBeGreaterThanOrEqual(Math.floor(n * p - 4 * sd));
  expect(k).toBeLessThanOrEqual(Math.ceil(n * p + 4 * sd));
}

/** 'YYYY-MM-DD' + n years by the calendar; a 29 February lands on the 28th (Django's and MySQL's rule), not 1 March. */
function plusYears(date: string, n: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const t = new Date(Date.UTC(y + n, m - 1, d));
  if (t.getUTCMonth() !== m - 1) t.setUTCDate(0);
  return t.toISOString().slice(0, 10);
}

const sources = new Map<string, { plain: string; extras: string; again: string; run: CliResult }>();

// Both engines' targets are generated first, so the cross-engine test can compare them.
beforeAll(async () => {
  for (const e of ENGINES) {
    const [plain, extras, again] = [await e.place("gx_plain"), await e.place("gx_extras"), await e.place("gx_again")];
    ok(`${e.name} generate`, await generate(plain, ...ARGS));
    const run = ok(`${e.name} generate --site-extras`, await generate(extras, ...ARGS, "--site-extras"));
    ok(`${e.name} generate --site-extras again`, await generate(again, ...ARGS, "--site-extras"));
    sources.set(e.name, { plain, extras, again, run });
  }
}, 4 * T);

for (const e of ENGINES) {
  describe(`generate --site-extras (${e.name})`, () => {
    const s = () => sources.get(e.name)!;
    const withDb = async <R>(source: string, fn: (db: Db) => Promise<R>): Promise<R> => {
      const db = await e.open(source);
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    };

    test("the three tables exist only with the flag, with the contract's columns, one-to-one keys and foreign keys", async () => {
      const [plain, extras] = await Promise.all([withDb(s().plain, e.tables), withDb(s().extras, e.tables)]);
      expect(plain.filter((t) => EXTRAS.includes(t))).toEqual([]);
      expect([...extras].sort()).toEqual([...plain, ...EXTRAS].sort());
      await withDb(s().extras, async (db) => {
        for (const [table, spec] of Object.entries(SPEC)) {
          const shape = await e.shape(db, table);
          expect({ table, ...shape }).toEqual({
            table,
            columns: spec.columns.map(([c, kind, nullable]) => [c, e.types[kind], nullable]),
            unique: [spec.key[0]],
            keys: [spec.key],
          });
        }
      });
    });

    test("the summary line adds the three tables' row counts", async () => {
      const m = s().run.stdout.match(/, site extras: (\d+) rack placements, (\d+) model power ratings, (\d+) purchases in [\d.]+ s\n$/);
      expect(m).not.toBeNull();
      await withDb(s().extras, async (db) => {
        const n = await Promise.all(["servers_rackplacement", "servers_modelpower", "servers_purchase"].map((t) => count(db, `SELECT COUNT(*) AS n FROM ${t}`)));
        expect(n.map(String)).toEqual(m!.slice(1, 4));
      });
    });

    test("every other table holds the same rows with and without the flag", async () => {
      const [plain, extras] = await Promise.all([dump(e, s().plain, CORE), dump(e, s().extras, CORE)]);
      expect(plain.servers_historicalserver.length).toBeGreaterThan(8000);
      for (const t of CORE) expect({ t, rows: extras[t] }).toEqual({ t, rows: plain[t] });
    }, T);

    test("the same seed gives the same site-extra rows twice", async () => {
      const [a, b] = await Promise.all([dump(e, s().extras, EXTRAS), dump(e, s().again, EXTRAS)]);
      expect(a.servers_purchase.length).toBeGreaterThan(5000);
      expect(b).toEqual(a);
    });

    test("servers_rackplacement: ~95% of racks, each once; rows and rooms as named; ~2% rooms NULL; a few longer than 32", async () => {
      await withDb(s().extras, async (db) => {
        const racks = await count(db, "SELECT COUNT(*) AS n FROM servers_rack");
        const rows = await db.query<{ id: number; rack_id: number; rack: number | null; row_name: string | null; room: string | null }>(
          "SELECT p.id, p.rack_id, r.id AS rack, p.row_name, p.room FROM servers_rackplacement p LEFT JOIN servers_rack r ON r.id = p.rack_id",
        );
        expect(racks).toBeGreaterThan(200);
        expectShare(rows.length, racks, 0.95);
        expect(rows.filter((r) => r.rack === null)).toEqual([]);
        expect(new Set(rows.map((r) => Number(r.rack_id))).size).toBe(rows.length);
        for (const r of rows) {
          if (r.row_name !== null) expect(r.row_name).toMatch(/^R\d{2,}$/);
          if (r.room !== null) expect(r.room).toMatch(/^DC\d+-Hall-[A-Z]/);
        }
        expectShare(rows.filter((r) => r.row_name === null).length, rows.length, 0.01);
        const nullRooms = rows.filter((r) => r.room === null).length;
        expect(nullRooms).toBeGreaterThan(0);
        expectShare(nullRooms, rows.length, 0.02);
        const long = rows.filter((r) => r.room !== null && r.room.length > 32);
        // One rack in 200, at least one per fleet; all still fit the source's varchar(48).
        expect(long.length).toBeGreaterThanOrEqual(Math.max(1, Math.floor(racks / 200)));
        expect(long.length).toBeLessThanOrEqual(Math.ceil(racks / 200));
        for (const r of long) expect(r.room!.length).toBeLessThanOrEqual(48);
      });
    });

    test("servers_modelpower: ~90% of models, each once; ~5% (at least one) unrated, the rest 250-1600 W", async () => {
      await withDb(s().extras, async (db) => {
        const models = await count(db, "SELECT COUNT(*) AS n FROM servers_model");
        const rows = await db.query<{ model_id: number; model: number | null; rated_watts: number | null }>(
          "SELECT p.model_id, m.id AS model, p.rated_watts FROM servers_modelpower p LEFT JOIN servers_model m ON m.id = p.model_id",
        );
        expect(models).toBeGreaterThan(15);
        expect(Math.abs(rows.length - 0.9 * models)).toBeLessThanOrEqual(1);
        expect(rows.filter((r) => r.model === null)).toEqual([]);
        expect(new Set(rows.map((r) => Number(r.model_id))).size).toBe(rows.length);
        const unrated = rows.filter((r) => r.rated_watts === null).length;
        expect(unrated).toBeGreaterThanOrEqual(1);
        expect(unrated).toBeLessThanOrEqual(Math.max(1, Math.ceil(0.05 * rows.length)));
        for (const r of rows) if (r.rated_watts !== null) expect(Number(r.rated_watts)).toBeWithin(250, 1601);
        // Two-socket 2U boxes draw more than virtual machines.
        const byName = await db.query<{ name: string; w: number | null }>(
          "SELECT m.name, p.rated_watts AS w FROM servers_modelpower p JOIN servers_model m ON m.id = p.model_id",
        );
        for (const r of byName) if (r.w !== null && /Virtual|QEMU/.test(r.name)) expect(Number(r.w)).toBeLessThanOrEqual(400);
      });
    });

    test("servers_purchase: ~80% of live servers, each once, only servers; warranty 3 or 5 years after delivery, else NULL", async () => {
      await withDb(s().extras, async (db) => {
        const live = await count(db, "SELECT COUNT(*) AS n FROM servers_server");
        const rows = await db.query<{
          id: number; asset_id: number; asset: number | null; server: number | null; purchase_order: string | null;
          warranty_end: string | null; delivery_date: string | null; created_at: string;
        }>(
          `SELECT p.id, p.asset_id, a.id AS asset, s.rackedasset_ptr_id AS server, p.purchase_order, p.warranty_end, d.delivery_date, a.created_at
             FROM servers_purchase p
             LEFT JOIN servers_asset a ON a.id = p.asset_id
             LEFT JOIN servers_server s ON s.rackedasset_ptr_id = p.asset_id
             LEFT JOIN servers_deliveryasset d ON d.asset_id = p.asset_id
            ORDER BY p.id`,
        );
        expectShare(rows.length, live, 0.8);
        expect(rows.filter((r) => r.asset === null || r.server === null)).toEqual([]);
        expect(new Set(rows.map((r) => Number(r.asset_id))).size).toBe(rows.length);
        // Deleted servers' purchases left gaps in the ids, as a CASCADE would.
        expect(Number(rows[rows.length - 1].id)).toBeGreaterThan(rows.length);
        const noOrder = rows.filter((r) => r.purchase_order === null).length;
        expect(noOrder).toBeGreaterThan(0);
        expectShare(noOrder, rows.length, 0.03);
        let five = 0;
        let noWarranty = 0;
        for (const r of rows) {
          const year = (r.delivery_date ?? r.created_at).slice(0, 4);
          if (r.purchase_order !== null) expect(r.purchase_order).toMatch(new RegExp(`^PO-${year}-\\d{6}$`));
          if (r.delivery_date === null) {
            expect(r.warranty_end).toBeNull();
            noWarranty++;
            continue;
          }
          expect([plusYears(r.delivery_date, 3), plusYears(r.delivery_date, 5)]).toContain(r.warranty_end!);
          if (r.warranty_end === plusYears(r.delivery_date, 5)) five++;
        }
        expect(noWarranty).toBeGreaterThan(0);
        expectShare(five, rows.length - noWarranty, 0.4);
      });
    });
  });
}

describe("generate --site-extras: MariaDB and SQLite", () => {
  test("the same seed gives the same site-extra rows on both engines", async () => {
    const [my, lite] = await Promise.all([dump(mariadb, sources.get("MariaDB")!.extras, EXTRAS), dump(sqlite, sources.get("SQLite")!.extras, EXTRAS)]);
    expect(my.servers_rackplacement.length).toBeGreaterThan(200);
    for (const t of EXTRAS) expect({ t, rows: lite[t] }).toEqual({ t, rows: my[t] });
  });
});

for (const e of ENGINES) {
  describe(`generate --site-extras: rerun and --force (${e.name})`, () => {
    test("a rerun without --force is refused and changes nothing", async () => {
      const { again } = sources.get(e.name)!;
      const before = await dump(e, again, EXTRAS);
      const r = await generate(again, "--servers", "50", "--site-extras");
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain("already has ServerDB data");
      expect(await dump(e, again, EXTRAS)).toEqual(before);
    }, T);

    test("--force without the flag drops the site extras (they would point at replaced ids) and leaves the rest as without them", async () => {
      const { again, plain } = sources.get(e.name)!;
      const r = ok("generate --force", await generate(again, ...ARGS, "--force"));
      expect(r.stderr).toContain("stay dropped (recreated only with --site-extras)");
      const db = await e.open(again);
      try {
        expect((await e.tables(db)).filter((t) => EXTRAS.includes(t))).toEqual([]);
      } finally {
        await db.close();
      }
      expect(await dump(e, again, CORE)).toEqual(await dump(e, plain, CORE));
    }, T);

    test("--force --site-extras replaces everything: equal to a fresh generation with the flag", async () => {
      const { plain, extras } = sources.get(e.name)!;
      ok("generate --force --site-extras", await generate(plain, ...ARGS, "--force", "--site-extras"));
      const all = [...CORE, ...EXTRAS];
      expect(await dump(e, plain, all)).toEqual(await dump(e, extras, all));
    }, T);
  });
}
