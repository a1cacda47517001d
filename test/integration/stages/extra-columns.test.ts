// Site-specific fact columns ([[facts.columns]] / [[facts.joins]]) end to end, on each warehouse
// engine: a MariaDB ServerDB generated with --site-extras, seven declared columns (text, int,
// date, decimal, bool; plain references, COALESCE/UPPER with a literal, CASE, arithmetic), init,
// etl, and every declared value compared with an oracle written here from the source tables
// (plain queries, not the extract's SQL); then the drift cases (undeclared, changed, newly
// declared, added by hand) and declarations the source cannot serve (one line, nothing written).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dsn, freshDatabase, runCli, servers, ok, withDb } from "../../support/servers.ts";
import { applyScript, ENGINES, warehouseFor, withWarehouse, type Engine, type TestWarehouse } from "../../support/engines.ts";
import { cutChars } from "../../support/expected-facts.ts";
import { asOfState } from "../../support/asof-oracle.ts";
import { addDays } from "../../../src/plans/report-date.ts";
import { sourceTables } from "../../../src/doctor/source-tables.ts";

const DAY = "2026-11-20";
const FLEET = 1200;
const SEED = 17;

const RACK_JOIN = `
[[facts.joins]]
alias = "rp"
table = "servers_rackplacement"
key = "rack_id"
references = "rk.id"
`;
const JOINS = RACK_JOIN + `
[[facts.joins]]
alias = "mp"
table = "servers_modelpower"
key = "model_id"
references = "m.id"

[[facts.joins]]
alias = "pu"
table = "servers_purchase"
key = "asset_id"
references = "a.id"
`;

const column = (name: string, type: string, dflt: string | null, expression: string) =>
  `\n[[facts.columns]]\nname = "${name}"\ntype = "${type}"\n${dflt === null ? "" : `default = ${dflt}\n`}expression = "${expression}"\n`;

const COLUMNS = [
  column("rack_row", "varchar(16)", '""', "rp.row_name"),
  column("room", "varchar(32)", '"<unknown>"', "rp.room"),
  column("room_upper", "varchar(48)", '""', "UPPER(COALESCE(rp.room, 'none'))"),
  column("power_watts", "int", "-1", "mp.rated_watts"),
  column("power_budget", "decimal(8,2)", "0", "ROUND(mp.rated_watts * 1.15, 2)"),
  column("big_psu", "bool", "false", "CASE WHEN mp.rated_watts >= 1000 THEN TRUE ELSE FALSE END"),
  column("warranty_end", "date", null, "pu.warranty_end"),
  column("rack_unit", "int", "-1", "ra.position"),
].join("");

let dir = "";
let source = "";
const configs = new Map<string, string>();

/** A config file holding `text`, reused for the same text. */
function config(text: string): string {
  let path = configs.get(text);
  if (!path) {
    path = join(dir, `config-${configs.size}.toml`);
    writeFileSync(path, text);
    configs.set(text, path);
  }
  return path;
}
const FULL = () => config(JOINS + COLUMNS);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "serverdb-etl-extras-"));
  source = await freshDatabase("src");
  ok("generate", await runCli(["generate", "--source", dsn(servers().primary, source), "--servers", String(FLEET), "--seed", String(SEED), "--end-date", DAY, "--site-extras"], { timeoutMs: 120_000 }));
}, 180_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Oracle {
  /** id → the declared columns' values as the warehouse must hold them. */
  rows: Map<number, Record<string, unknown>>;
  /** Values cut to width, per column. */
  cuts: Record<string, number>;
}

/** The declared values from the source tables directly, with the data contract's rules applied here. */
async function oracle(): Promise<Oracle> {
  return withDb(source, async (db) => {
    const servers = await db.query<Record<string, unknown>>(
      `SELECT a.id, ra.position, ra.rack_id, s.model_id FROM servers_asset a
         JOIN servers_rackedasset ra ON ra.asset_ptr_id = a.id JOIN servers_server s ON s.rackedasset_ptr_id = a.id`,
    );
    const placement = new Map((await db.query<{ rack_id: number; row_name: string | null; room: string | null }>("SELECT rack_id, row_name, room FROM servers_rackplacement")).map((r) => [Number(r.rack_id), r]));
    const power = new Map((await db.query<{ model_id: number; rated_watts: number | null }>("SELECT model_id, rated_watts FROM servers_modelpower")).map((r) => [Number(r.model_id), r.rated_watts]));
    const purchase = new Map((await db.query<{ asset_id: number; w: string | null }>("SELECT asset_id, DATE_FORMAT(warranty_end, '%Y-%m-%d') AS w FROM servers_purchase")).map((r) => [Number(r.asset_id), r.w]));
    const cuts: Record<string, number> = {};
    const cut = (name: string, v: string, n: number) => {
      const c = cutChars(v, n);
      if (c !== v) cuts[name] = (cuts[name] ?? 0) + 1;
      return c;
    };
    const rows = new Map<number, Record<string, unknown>>();
    for (const s of servers) {
      const p = s.rack_id === null ? undefined : placement.get(Number(s.rack_id));
      const watts = s.model_id === null ? null : (power.get(Number(s.model_id)) ?? null);
      const room = p?.room ?? null;
      rows.set(Number(s.id), {
        rack_row: p?.row_name == null ? "" : cut("rack_row", p.row_name, 16),
        room: room === null ? "<unknown>" : cut("room", room, 32),
        room_upper: cut("room_upper", (room ?? "none").toUpperCase(), 48),
        power_watts: watts ?? -1,
        // 1.15 × watts, exactly: watts × 115 hundredths.
        power_budget: watts === null ? 0 : Number(`${Math.floor((watts * 115) / 100)}.${String((watts * 115) % 100).padStart(2, "0")}`),
        big_psu: watts !== null && watts >= 1000 ? 1 : 0,
        warranty_end: purchase.get(Number(s.id)) ?? null,
        rack_unit: s.position === null ? -1 : Number(s.position),
      });
    }
    return { rows, cuts };
  });
}

const NAMES = ["rack_row", "room", "room_upper", "power_watts", "power_budget", "big_psu", "warranty_end", "rack_unit"];

async function declaredValues(dw: TestWarehouse, day = DAY): Promise<Map<number, Record<string, unknown>>> {
  return withWarehouse(dw, async (db) => {
    const cast = dw.engine === "mariadb" ? "DATE_FORMAT(warranty_end, '%Y-%m-%d')" : "warranty_end";
    const rows = await db.query<Record<string, unknown>>(`SELECT id, ${NAMES.filter((n) => n !== "warranty_end").join(", ")}, ${cast} AS warranty_end FROM server_facts WHERE report_date = ?`, [day]);
    return new Map(rows.map((r) => [Number(r.id), Object.fromEntries(NAMES.map((n) => [n, n === "power_budget" || n === "power_watts" || n === "big_psu" || n === "rack_unit" ? Number(r[n]) : r[n]]))]));
  });
}

function etl(dw: TestWarehouse, cfg: string, extra: string[] = []) {
  return runCli(["etl", "--config", cfg, "--source", dsn(servers().primary, source), "--target", dw.dsn, ...dw.replicaArgs, "--report-date", DAY, ...extra], { timeoutMs: 120_000 });
}

const init = (dw: TestWarehouse, cfg?: string, check = false) => runCli(["init", ...(cfg ? ["--config", cfg] : []), "--target", dw.dsn, ...(check ? ["--check"] : [])]);
const runCount = (dw: TestWarehouse) => withWarehouse(dw, async (db) => Number((await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM etl_runs"))[0]!.n));

describe.each(ENGINES as Engine[])("declared fact columns into %s", (engine) => {
  test("init creates them, etl fills every one as the oracle computes it, the cuts are counted per column", async () => {
    const dw = await warehouseFor(engine);
    ok("init", await init(dw, FULL()));
    const run = ok("etl", await etl(dw, FULL()));
    const expected = await oracle();
    const actual = await declaredValues(dw);
    expect(actual.size).toBe(expected.rows.size);
    let mismatch: unknown;
    for (const [id, want] of expected.rows) {
      if (!Bun.deepEquals(actual.get(id), want)) {
        mismatch ??= { id, actual: actual.get(id), want };
      }
    }
    expect(mismatch).toBeUndefined();
    // The fleet has what the test is about: unknowns, cuts, both bool values, a known date.
    const values = [...expected.rows.values()];
    expect(values.some((v) => v.room === "<unknown>")).toBe(true);
    expect(values.some((v) => v.power_watts === -1)).toBe(true);
    expect(new Set(values.map((v) => v.big_psu))).toEqual(new Set([0, 1]));
    expect(values.some((v) => typeof v.warranty_end === "string") && values.some((v) => v.warranty_end === null)).toBe(true);
    expect(expected.cuts.room).toBeGreaterThan(0);
    for (const [name, n] of Object.entries(expected.cuts)) expect(run.stdout + run.stderr).toContain(`${name}=${n}`);
    const byColumn = await withWarehouse(dw, async (db) => JSON.parse(String((await db.query<{ w: string }>("SELECT warnings_by_column AS w FROM etl_runs ORDER BY id DESC LIMIT 1"))[0]!.w)));
    expect(byColumn.room).toBe(expected.cuts.room);
    // The same config checks clean: declared columns are expected ones.
    ok("init --check", await init(dw, FULL(), true));
  }, 120_000);

  test("drift: undeclared, changed and newly declared columns; a declared column added by hand is accepted", async () => {
    const dw = await warehouseFor(engine);
    ok("init", await init(dw, FULL()));
    // Undeclared: the same warehouse without the config.
    const bare = await init(dw, undefined, true);
    expect(bare.exitCode).toBe(3);
    expect(bare.stdout).toContain("column `room` is not in this version's schema");
    expect(bare.stdout).toContain("declare it in [[facts.columns]]");
    const refused = await runCli(["etl", "--source", dsn(servers().primary, source), "--target", dw.dsn, ...dw.replicaArgs, "--report-date", DAY]);
    expect(refused.exitCode).toBe(3);
    expect(await runCount(dw)).toBe(0);
    // Changed: power_watts declared as text now; and (MariaDB, where widths are types) room wider.
    const changed = await init(dw, config(JOINS + COLUMNS.replace('name = "power_watts"\ntype = "int"\ndefault = -1', 'name = "power_watts"\ntype = "varchar(8)"\ndefault = ""')), true);
    expect(changed.exitCode).toBe(3);
    expect(changed.stdout).toMatch(/column `power_watts` is int, expected (varchar\(8\)|text)/);
    if (engine === "mariadb") {
      const wider = await init(dw, config(JOINS + COLUMNS.replace('type = "varchar(32)"', 'type = "varchar(40)"')), true);
      expect(wider.exitCode).toBe(3);
      expect(wider.stdout).toContain("column `room` is varchar(32), expected varchar(40)");
    }
    // Newly declared: one more column on the existing warehouse gets its ADD COLUMN, which applies.
    const more = config(JOINS + COLUMNS + column("purchase_order", "varchar(32)", '""', "pu.purchase_order"));
    const added = await init(dw, more, true);
    expect(added.exitCode).toBe(3);
    expect(added.stdout).toContain("declared column purchase_order is missing");
    expect(added.stdout).toMatch(/ADD COLUMN [`"]purchase_order[`"]/);
    expect(added.stdout).not.toContain("rebuild");
    const script = engine === "mariadb" ? added.stdout.match(/^ALTER TABLE[\s\S]*?;$/m)![0] : added.stdout.split("\n").filter((l) => !l.startsWith("--")).join("\n");
    await applyScript(dw, script);
    ok("init --check after the ALTER", await init(dw, more, true));
    ok("etl with the new column", await etl(dw, more));
    const po = await withWarehouse(dw, async (db) => (await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM server_facts WHERE report_date = ? AND purchase_order LIKE 'PO-%'", [DAY]))[0]!.n);
    expect(Number(po)).toBeGreaterThan(FLEET / 2);

    // Added by hand, nullable and without a default, then declared: accepted (exit 0), written.
    const hand = await warehouseFor(engine);
    ok("init", await init(hand));
    await applyScript(hand, "ALTER TABLE server_facts ADD COLUMN rack_unit int");
    const declaredByHand = config(column("rack_unit", "int", "-1", "ra.position"));
    const check = ok("init --check", await init(hand, declaredByHand, true));
    expect(check.stdout).toContain("accepted for a declared column");
    ok("etl", await etl(hand, declaredByHand));
    const unknownUnits = await withWarehouse(hand, async (db) => (await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM server_facts WHERE rack_unit IS NULL"))[0]!.n);
    expect(Number(unknownUnits)).toBe(0);
  }, 120_000);
});

const AGGREGATE = `
[[facts.aggregates]]
name = "server_by_room"
dimensions = ["site", "room", "rack_row"]
measures = ["power_watts", "power_budget", "big_psu"]
`;

describe.each(ENGINES as Engine[])("a declared aggregate in %s", (engine) => {
  test("run builds it as a GROUP BY of the facts computed here (sentinels out of the sums, known counts), --only and init see it", async () => {
    const dw = await warehouseFor(engine);
    const cfg = config(JOINS + COLUMNS + AGGREGATE);
    const created = ok("init", await init(dw, cfg));
    expect(created.stdout).toContain("created table server_by_room");
    ok("run", await runCli(["run", "--config", cfg, "--source", dsn(servers().primary, source), "--target", dw.dsn, ...dw.replicaArgs, "--report-date", DAY, "--replace-past-day"], { timeoutMs: 120_000 }));
    const { facts, rows } = await withWarehouse(dw, async (db) => ({
      facts: await db.query<Record<string, unknown>>("SELECT site, room, rack_row, status, power_watts, power_budget, big_psu FROM server_facts WHERE report_date = ?", [DAY]),
      rows: await db.query<Record<string, unknown>>("SELECT * FROM server_by_room WHERE report_date = ?", [DAY]),
    }));
    // The oracle: group in TypeScript; -1 / 0 are the declared unknowns and never summed.
    const groups = new Map<string, { servers: number; watts: number; wattsKnown: number; cents: number; budgetKnown: number; big: number }>();
    for (const f of facts) {
      const key = [f.site, f.room, f.rack_row, f.status].map((v) => String(v).replace(/ +$/, "")).join("|");
      const g = groups.get(key) ?? { servers: 0, watts: 0, wattsKnown: 0, cents: 0, budgetKnown: 0, big: 0 };
      g.servers++;
      if (Number(f.power_watts) !== -1) (g.watts += Number(f.power_watts)), g.wattsKnown++;
      if (Number(f.power_budget) !== 0) (g.cents += Math.round(Number(f.power_budget) * 100)), g.budgetKnown++;
      g.big += Number(f.big_psu);
      groups.set(key, g);
    }
    const actual = new Map(rows.map((r) => [[r.site, r.room, r.rack_row, r.status].map((v) => String(v).replace(/ +$/, "")).join("|"), {
      servers: Number(r.servers), watts: Number(r.power_watts), wattsKnown: Number(r.power_watts_known), cents: Math.round(Number(r.power_budget) * 100), budgetKnown: Number(r.power_budget_known), big: Number(r.big_psu),
    }]));
    expect(actual).toEqual(groups);
    expect([...groups.values()].some((g) => g.wattsKnown < g.servers)).toBe(true); // unknowns are in the test
    // The report shows the declared table: one record per (key, status) and measure, as grouped here.
    const json = ok("report", await runCli(["report", "--config", cfg, "--target", dw.dsn, "--format", "json"]));
    const declared = (JSON.parse(json.stdout) as { declared: Record<string, unknown>[] }).declared;
    const wantDeclared = [...groups].flatMap(([k, g]) => {
      const [site, room, rackRow, status] = k.split("|");
      const key = `${site} / ${room} / ${rackRow}`;
      return [
        { table: "server_by_room", key, status, servers: g.servers, measure: "big_psu", sum: g.big, known: g.servers },
        { table: "server_by_room", key, status, servers: g.servers, measure: "power_budget", sum: g.cents / 100, known: g.budgetKnown },
        { table: "server_by_room", key, status, servers: g.servers, measure: "power_watts", sum: g.watts, known: g.wattsKnown },
      ];
    });
    const line = (r: Record<string, unknown>) => JSON.stringify([r.table, String(r.key).replace(/ +(?= \/|$)/g, ""), String(r.status).replace(/ +$/, ""), r.servers, r.measure, r.sum, r.known]);
    expect(declared.map(line).sort()).toEqual(wantDeclared.map(line).sort());
    expect(await init(dw, cfg, true).then((r) => r.exitCode)).toBe(0);
    const only = ok("aggregate --only", await runCli(["aggregate", "--config", cfg, "--target", dw.dsn, ...dw.replicaArgs, "--date", DAY, "--only", "server_by_room"]));
    expect(only.stdout).toMatch(new RegExp(`server_by_room=${rows.length}\\b`));
    // Without the declaration the table is unknown to --only, one line.
    const unknown = await runCli(["aggregate", "--target", dw.dsn, "--date", DAY, "--only", "server_by_room"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("--only: unknown aggregate table server_by_room");
  }, 180_000);
});

describe("declarations the source cannot serve: one line, exit 2, nothing written", () => {
  const cases: [string, string, RegExp][] = [
    ["a table the source lacks", RACK_JOIN.replace("servers_rackplacement", "servers_rackplacements") + column("room", "varchar(32)", '""', "rp.room"), /\[\[facts\.(joins|columns)\]\] r[a-z]+: the source .* has no table servers_rackplacements/],
    ["a misspelt column", RACK_JOIN + column("room", "varchar(32)", '""', "rp.rom"), /\[\[facts\.columns\]\] room: rp\.rom: servers_rackplacement has no column rom; did you mean rp\.room\?/],
    ["a join on a key that is not unique", '[[facts.joins]]\nalias = "same_site"\ntable = "servers_rack"\nkey = "site_id"\nreferences = "a.site_id"\n' + column("site_rack", "varchar(64)", '""', "same_site.name"), /servers_rack\.site_id is not unique/],
  ];
  for (const [what, text, message] of cases) {
    test(what, async () => {
      const dw = await warehouseFor("sqlite");
      ok("init", await init(dw, config(text)));
      const r = await etl(dw, config(text));
      expect(r.exitCode).toBe(2);
      // (Beside the warning that the report date is not today.)
      const lines = r.stderr.trim().split("\n").filter((l) => !l.includes("is not today"));
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(await runCount(dw)).toBe(0);
    }, 60_000);
  }
});

describe.each(ENGINES as Engine[])("backfill of declared columns into %s", (engine) => {
  const END = "2026-11-20";
  const HISTORY = `
[[facts.joins]]
alias = "rp"
table = "servers_rackplacement"
key = "rack_id"
references = "rk.id"
${column("rack_unit", "int", "-1", "ra.position")}${column("room", "varchar(32)", '"<unknown>"', "rp.room")}`;

  test("a column the history row holds is as of each day; one it does not is today's value, listed as an approximation", async () => {
    const src = await freshDatabase("srch");
    ok("generate", await runCli(["generate", "--source", dsn(servers().primary, src), "--servers", "800", "--seed", "5", "--end-date", END, "--history-days", "40", "--site-extras"], { timeoutMs: 120_000 }));
    const dw = await warehouseFor(engine);
    const cfg = config(HISTORY);
    ok("init", await init(dw, cfg));
    const days = ["2026-10-20", "2026-11-05"];
    const run = ok("backfill", await runCli(["backfill", "--config", cfg, "--source", dsn(servers().primary, src), "--target", dw.dsn, ...dw.replicaArgs, "--from", days[0]!, "--to", days[1]!, "--timezone", "UTC", "--keep-daily", "30"], { timeoutMs: 300_000 }));
    expect(run.stdout).toContain("today's values (no history) in room");
    expect(run.stdout).not.toMatch(/today's values \(no history\) in [^;]*rack_unit/);
    let moved = 0;
    for (const date of days) {
      const before = `${addDays(date, 1)} 00:00:00`;
      const expected = await withDb(src, async (db) => {
        const state = await asOfState(db, before);
        const today = new Map((await db.query<{ id: number; position: number | null; rack_id: number | null }>("SELECT asset_ptr_id AS id, position, rack_id FROM servers_rackedasset")).map((r) => [String(r.id), r]));
        const rooms = new Map((await db.query<{ rack_id: number; room: string | null }>("SELECT rack_id, room FROM servers_rackplacement")).map((r) => [Number(r.rack_id), r.room]));
        const out = new Map<string, { rack_unit: number; room: string }>();
        const put = (id: string, position: unknown, rack: unknown) => {
          const room = rack === null || rack === undefined ? null : (rooms.get(Number(rack)) ?? null);
          out.set(id, { rack_unit: position === null || position === undefined ? -1 : Number(position), room: room === null ? "<unknown>" : cutChars(room, 32) });
        };
        for (const [id, row] of state.fromHistory) {
          put(id, row.position, row.rack_id);
          if (today.get(id) && today.get(id)!.position !== row.position) moved++;
        }
        for (const id of state.fromCurrent) put(id, today.get(id)?.position ?? null, today.get(id)?.rack_id ?? null);
        return out;
      });
      const actual = await withWarehouse(dw, async (db) => new Map((await db.query<{ id: number; rack_unit: number; room: string }>("SELECT id, rack_unit, room FROM server_facts WHERE report_date = ?", [date])).map((r) => [String(r.id), { rack_unit: Number(r.rack_unit), room: r.room }])));
      expect(actual.size).toBe(expected.size);
      let first: unknown;
      for (const [id, want] of expected) if (!Bun.deepEquals(actual.get(id), want)) first ??= { date, id, actual: actual.get(id), want };
      expect(first).toBeUndefined();
    }
    // The history moved some servers since: reading today's position would have failed above.
    expect(moved).toBeGreaterThan(0);
  }, 300_000);
});

describe("doctor with declared columns", () => {
  test("the joined source tables are among those it checks; one that is missing is named, with the grant for each", async () => {
    const { primary } = servers();
    const good = await runCli(["doctor", "--json", "--config", FULL(), "--source", dsn(primary, source)]);
    const checks = (JSON.parse(good.stdout) as { checks: { role: string; check: string; result: string; detail: string }[] }).checks;
    expect(checks.find((c) => c.role === "source" && c.check === "tables")).toMatchObject({ result: "ok", detail: `all ${sourceTables().length + 3} ServerDB tables present` });
    const bad = await runCli(["doctor", "--json", "--config", config(RACK_JOIN.replace("servers_rackplacement", "servers_rack_rows") + column("room", "varchar(32)", '""', "rp.room")), "--source", dsn(primary, source)]);
    const tables = (JSON.parse(bad.stdout) as { checks: { role: string; check: string; result: string; detail: string }[] }).checks.find((c) => c.role === "source" && c.check === "tables");
    expect(tables).toMatchObject({ result: "fail" });
    expect(tables!.detail).toContain("servers_rack_rows");
  }, 60_000);
});

describe("declared columns from a SQLite ServerDB", () => {
  test("the PRAGMA-based source check and the extract work there too: values as the source holds them, a misspelt column and a non-unique key refused", async () => {
    const src = join(dir, "serverdb.sqlite");
    ok("generate", await runCli(["generate", "--source", `sqlite:${src}`, "--servers", "400", "--seed", "3", "--end-date", DAY, "--site-extras"], { timeoutMs: 120_000 }));
    const dw = await warehouseFor("sqlite");
    const cfg = config(RACK_JOIN + column("room", "varchar(32)", '"<unknown>"', "rp.room") + column("rack_unit", "int", "-1", "ra.position"));
    ok("init", await init(dw, cfg));
    ok("etl", await runCli(["etl", "--config", cfg, "--source", `sqlite:${src}`, "--target", dw.dsn, "--report-date", DAY]));
    const { Database } = await import("bun:sqlite");
    const source = new Database(src, { readonly: true });
    const expected = new Map(
      source
        .query<{ id: number; room: string | null; position: number | null; placed: number | null }, []>(
          "SELECT ra.asset_ptr_id AS id, rp.room, ra.position, rp.id AS placed FROM servers_rackedasset ra JOIN servers_server s ON s.rackedasset_ptr_id = ra.asset_ptr_id LEFT JOIN servers_rackplacement rp ON rp.rack_id = ra.rack_id",
        )
        .all()
        .map((r) => [r.id, { room: r.room === null ? "<unknown>" : cutChars(r.room, 32), rack_unit: r.position ?? -1 }]),
    );
    source.close();
    const actual = await withWarehouse(dw, async (db) => new Map((await db.query<{ id: number; room: string; rack_unit: number }>("SELECT id, room, rack_unit FROM server_facts")).map((r) => [Number(r.id), { room: r.room, rack_unit: Number(r.rack_unit) }])));
    expect(actual).toEqual(expected);
    const misspelt = await runCli(["etl", "--config", config(RACK_JOIN + column("room", "varchar(32)", '"<unknown>"', "rp.rooom") + column("rack_unit", "int", "-1", "ra.position")), "--source", `sqlite:${src}`, "--target", dw.dsn, "--report-date", DAY]);
    expect(misspelt.exitCode).toBe(2);
    expect(misspelt.stderr).toContain("rp.rooom: servers_rackplacement has no column rooom; did you mean rp.room?");
    const loose = await runCli(["etl", "--config", config('[[facts.joins]]\nalias = "same_site"\ntable = "servers_rack"\nkey = "site_id"\nreferences = "a.site_id"\n' + column("room", "varchar(32)", '"<unknown>"', "same_site.name") + column("rack_unit", "int", "-1", "ra.position")), "--source", `sqlite:${src}`, "--target", dw.dsn, "--report-date", DAY]);
    expect(loose.exitCode).toBe(2);
    expect(loose.stderr).toContain("servers_rack.site_id is not unique");
  }, 120_000);
});
