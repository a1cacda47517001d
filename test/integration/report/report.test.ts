// `report --format json` on a warehouse with a known history (test/support/report-history.ts),
// on both engines: every fleet, growth, retirement and power number equals what this test
// computes itself from the fact rows it wrote; procurement is checked as the sum it claims to
// be; bad input gets one line, a non-zero exit and no file.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENGINES, warehouseFor, withWarehouse, type TestWarehouse } from "../../support/engines.ts";
import { ok, runCli } from "../../support/servers.ts";
import { BACKFILLED_DAYS, buildHistory, historyDays, writeHistory, type FactRow } from "../../support/report-history.ts";
import type { CapacityReport } from "../../../src/report/types.ts";

const ALIAS: Record<string, string> = { "Dell Inc.": "Dell", HPE: "HPE", "Hewlett Packard Enterprise": "HPE", Supermicro: "Supermicro", "VMware, Inc.": "VMware" };
const modelKey = (f: FactRow) => `${ALIAS[f.manufacturer]} ${f.model}`;
const isVm = (f: FactRow) => f.manufacturer.startsWith("VMware");
const KEY_OF = { team: (f: FactRow) => f.wou_name, site: (f: FactRow) => f.site, model: modelKey } as const;
type Dim = keyof typeof KEY_OF;

const rows = buildHistory();
const days = historyDays();
const newest = days[days.length - 1]!;
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const shift = (d: string, n: number) => new Date(dayMs(d) + n * 86_400_000).toISOString().slice(0, 10);
const on = (day: string) => rows.filter((r) => r.report_date === day);

const dir = mkdtempSync(join(tmpdir(), "report-test-"));
const configPath = join(dir, "config.toml");
writeFileSync(configPath, [
  "[report]",
  "default_refresh_years = 5",
  'refresh_years_by_asset_type = { blade = 4 }',
  "[[report.power]]",
  'model = "Dell PowerEdge R640"',
  "idle_watts = 100",
  "loaded_watts = 400",
  "[[report.power]]",
  'model = "HPE ProLiant DL360 Gen10"',
  "watts = 300",
  "",
].join("\n"));
const meteredPath = join(dir, "metered.csv");
writeFileSync(meteredPath, "site,rack,watts\nfra1,R1,1000\nfra1,R1,234\nfra1,R99,500\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The day the report compares with: the newest at or before `target`, at most 6 days earlier. */
function back(weeks: number): string | null {
  const target = shift(newest, -7 * weeks);
  return days.filter((d) => d <= target && d >= shift(target, -6)).at(-1) ?? null;
}

function expectedFleet(dim: Dim) {
  const count = (day: string | null) => {
    const m = new Map<string, number>();
    if (day) for (const f of on(day)) m.set(KEY_OF[dim](f), (m.get(KEY_OF[dim](f)) ?? 0) + 1);
    return m;
  };
  const before = [back(4), back(13), back(52)].map((d) => [d, count(d)] as const);
  const out = new Map<string, Record<string, unknown>>();
  for (const f of on(newest)) {
    const key = KEY_OF[dim](f);
    const e = (out.get(key) ?? { servers: 0, in_use: 0, spare: 0, broken: 0, retired: 0, other: 0, cpu_sockets: 0, cpu_cores: 0, memory_gib: 0 }) as Record<string, number>;
    e.servers! += 1;
    e[f.status === "in_use" ? "in_use" : ["spare", "broken", "retired"].includes(f.status) ? f.status : "other"]! += 1;
    if (f.cpu_count >= 0) e.cpu_sockets! += f.cpu_count;
    if (f.cpu_count >= 0 && f.cpu_cores >= 0) e.cpu_cores! += f.cpu_count * f.cpu_cores;
    e.memory_gib = Math.round((e.memory_gib! + f.memory) * 1000) / 1000;
    out.set(key, e);
  }
  for (const [key, e] of out) {
    const [c4, c13, c52] = before.map(([d, m]) => (d ? (e.servers as number) - (m.get(key) ?? 0) : null));
    Object.assign(e, { change_4w: c4, change_13w: c13, change_52w: c52 });
  }
  return out;
}

function expectedGrowth(dim: Dim) {
  const mondays = days.filter((d) => new Date(dayMs(d)).getUTCDay() === 1);
  const out = new Map<string, { servers: number; in_use: number; in_use_cores: number }>();
  const first = new Map<string, string>();
  for (const monday of mondays) for (const f of on(monday)) if (!first.has(KEY_OF[dim](f))) first.set(KEY_OF[dim](f), monday);
  for (const [key, since] of first) for (const monday of mondays) if (monday >= since) out.set(`${key}|${monday}`, { servers: 0, in_use: 0, in_use_cores: 0 });
  for (const monday of mondays) {
    for (const f of on(monday)) {
      const e = out.get(`${KEY_OF[dim](f)}|${monday}`)!;
      e.servers++;
      if (f.status === "in_use") {
        e.in_use++;
        if (f.cpu_count >= 0 && f.cpu_cores >= 0) e.in_use_cores += f.cpu_count * f.cpu_cores;
      }
    }
  }
  return out;
}

const refreshYears = (f: FactRow) => (f.asset_type === "blade" ? 4 : 5);

function expectedRetirements(dim: Dim) {
  const quarterOf = (y: number, m: number) => `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
  const [ny, nm] = [Number(newest.slice(0, 4)), Number(newest.slice(5, 7))];
  const window = new Set<string>();
  for (let i = 0; i < 8; i++) {
    const q = Math.floor((nm - 1) / 3) + i;
    window.add(`${ny + Math.floor(q / 4)}-Q${(q % 4) + 1}`);
  }
  const out = new Map<string, { servers: number; from_created_at: number }>();
  for (const f of on(newest)) {
    if (f.status === "retired" || isVm(f)) continue;
    const since = f.delivery_date ?? f.created_at;
    const total = Number(since.slice(0, 4)) * 12 + Number(since.slice(5, 7)) - 1 + refreshYears(f) * 12;
    const [ey, em] = [Math.floor(total / 12), (total % 12) + 1];
    const quarter = ey * 12 + em < ny * 12 + nm ? "overdue" : quarterOf(ey, em);
    if (quarter !== "overdue" && !window.has(quarter)) continue;
    const id = `${KEY_OF[dim](f)}|${quarter}`;
    const e = out.get(id) ?? { servers: 0, from_created_at: 0 };
    e.servers++;
    if (!f.delivery_date) e.from_created_at++;
    out.set(id, e);
  }
  return out;
}

function typeSevenQuantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function expectedRetirementAges() {
  const ages = new Map<string, number[]>();
  for (let i = 1; i < days.length; i++) {
    const before = new Map(on(days[i - 1]!).map((f) => [f.id, f.status]));
    for (const f of on(days[i]!)) {
      if (f.status !== "retired" || before.get(f.id) !== "in_use" || isVm(f)) continue;
      const since = f.delivery_date ?? f.created_at.slice(0, 10);
      ages.set(modelKey(f), [...(ages.get(modelKey(f)) ?? []), (dayMs(days[i]!) - dayMs(since)) / 86_400_000 / 365.25]);
    }
  }
  return new Map([...ages].map(([k, list]) => {
    const s = list.sort((a, b) => a - b);
    const r2 = (v: number) => Math.round(v * 100) / 100;
    return [k, { servers: s.length, median: r2(typeSevenQuantile(s, 0.5)), p25: r2(typeSevenQuantile(s, 0.25)), p75: r2(typeSevenQuantile(s, 0.75)) }];
  }));
}

function expectedPower() {
  const watts: Record<string, [number, number]> = { "Dell PowerEdge R640": [100, 400], "HPE ProLiant DL360 Gen10": [300, 300] };
  const racks = new Map<string, { servers: number; without: number; watts: number }>();
  for (const f of on(newest)) {
    if (f.status === "retired" || isVm(f)) continue;
    const e = racks.get(`${f.site}/${f.rack}`) ?? { servers: 0, without: 0, watts: 0 };
    const w = watts[modelKey(f)];
    e.servers++;
    if (!w) e.without++;
    else e.watts += f.status === "in_use" ? w[1] : w[0];
    racks.set(`${f.site}/${f.rack}`, e);
  }
  return racks;
}

for (const engine of ENGINES) {
  describe(`report on a known history [${engine}]`, () => {
    let dw: TestWarehouse;
    let report: CapacityReport;
    beforeAll(async () => {
      dw = await warehouseFor(engine, "report");
      ok("init", await runCli(["init", "--target", dw.dsn]));
      await withWarehouse(dw, (db) => writeHistory(db, rows));
      ok("aggregate", await runCli(["aggregate", "--all", "--target", dw.dsn, ...dw.replicaArgs], { timeoutMs: 120_000 }));
      const r = ok("report", await runCli(["report", "--target", dw.dsn, "--format", "json", "--config", configPath, "--metered", meteredPath], { timeoutMs: 120_000 }));
      report = JSON.parse(r.stdout);
    }, 240_000);

    test("days: newest and oldest as written", () => {
      expect([report.newest_day, report.oldest_day]).toEqual([newest, days[0]!]);
    });

    for (const dim of ["team", "site", "model"] as const) {
      test(`fleet per ${dim} equals the test's own count of the newest day's facts`, () => {
        const want = expectedFleet(dim);
        const got = new Map<string, unknown>(report.fleet.filter((f) => f.dimension === dim).map(({ dimension, key, virtual, ...rest }) => [key, rest]));
        expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
      });

      test(`growth per ${dim} and Monday equals the test's own count`, () => {
        const want = expectedGrowth(dim);
        const got = new Map(report.growth.filter((g) => g.dimension === dim).map((g) => [`${g.key}|${g.week}`, { servers: g.servers, in_use: g.in_use, in_use_cores: g.in_use_cores }]));
        expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
      });

      test(`retirements per ${dim} and quarter equal the refresh rule applied by the test`, () => {
        const want = expectedRetirements(dim);
        const got = new Map(report.retirements.filter((x) => x.dimension === dim).map((x) => [`${x.key}|${x.quarter}`, { servers: x.servers, from_created_at: x.from_created_at }]));
        expect(want.size).toBeGreaterThan(3);
        expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
      });
    }

    test("the two HPE spellings are one vendor, VMware is a virtual platform, and the aliases are listed", () => {
      const hpe = report.fleet.find((f) => f.dimension === "model" && f.key === "HPE ProLiant DL360 Gen10")!;
      expect(hpe.servers).toBe(on(newest).filter((f) => f.model === "ProLiant DL360 Gen10").length);
      expect(report.fleet.find((f) => f.key === "VMware VMware Virtual Platform")?.virtual).toBe(true);
      expect(report.fleet.filter((f) => f.dimension === "model" && f.virtual).map((f) => f.key)).toEqual(["VMware VMware Virtual Platform"]);
      const merged = report.assumptions.aliases_applied.filter((a) => a.to === "HPE").map((a) => a.from);
      expect(merged).toEqual(["Hewlett Packard Enterprise"]);
    });

    test("retirement ages seen equal the test's own in_use → retired transitions", () => {
      const want = expectedRetirementAges();
      expect(want.size).toBeGreaterThan(1);
      const got = new Map(report.retirement_ages.map((a) => [a.key, { servers: a.servers, median: a.median_age_years, p25: a.p25_age_years, p75: a.p75_age_years }]));
      expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
      expect(report.retirement_ages.find((a) => a.key.startsWith("Supermicro"))?.rule_years ?? 4).toBe(4);
    });

    test("power per rack: catalog estimate, uncatalogued servers counted, meter beside it", () => {
      const want = expectedPower();
      const racks = report.power.filter((p) => p.dimension === "rack");
      for (const [key, e] of want) {
        const got = racks.find((p) => p.key === key)!;
        expect([key, got.servers, got.servers_without_catalog, got.estimated_watts]).toEqual([key, e.servers, e.without, e.watts]);
      }
      const r1 = racks.find((p) => p.key === "fra1/R1")!;
      expect([r1.metered_watts, r1.difference_watts, r1.note]).toEqual([1234, 1234 - want.get("fra1/R1")!.watts, null]);
      expect(racks.find((p) => p.key === "fra1/R99")?.note).toBe("metered, no server");
      expect(racks.find((p) => p.key === "ams2/R1")?.note).toBe("servers, not metered");
      const fra1 = report.power.find((p) => p.dimension === "site" && p.key === "fra1")!;
      const fraWant = [...want].filter(([k]) => k.startsWith("fra1/")).reduce((s, [, e]) => s + e.watts, 0);
      expect([fra1.estimated_watts, fra1.metered_watts]).toEqual([fraWant, 1734]);
    });

    test("procurement is growth + retirements − spare per site and quarter, its intervals ordered", () => {
      const spare = (site: string) => on(newest).filter((f) => f.site === site && f.status === "spare").length;
      const retire = expectedRetirements("site");
      expect(report.procurement.length).toBe(3 * 4);
      for (const p of report.procurement) {
        const quarters = [...new Set(report.procurement.map((x) => x.quarter))];
        const upTo = ["overdue", ...quarters.slice(0, quarters.indexOf(p.quarter) + 1)];
        const retiring = upTo.reduce((s, q) => s + (retire.get(`${p.key}|${q}`)?.servers ?? 0), 0);
        expect([p.key, p.quarter, p.spare, p.retirements]).toEqual([p.key, p.quarter, spare(p.key), retiring]);
        expect(p.servers_needed).toBe(Math.max(0, Math.round(p.growth + p.retirements - p.spare)));
        expect(p.needed_lo95).toBeLessThanOrEqual(p.needed_lo80);
        expect(p.needed_lo80).toBeLessThanOrEqual(p.servers_needed);
        expect(p.servers_needed).toBeLessThanOrEqual(p.needed_hi80);
        expect(p.needed_hi80).toBeLessThanOrEqual(p.needed_hi95);
      }
    });

    test("forecast: every team and site with history gets one, backtested; the backfill caveat names the backfilled days", () => {
      const series = report.backtest.map((b) => `${b.dimension}:${b.key}`).sort();
      expect(series).toEqual([...new Set(on(newest).flatMap((f) => [`team:${f.wou_name}`, `site:${f.site}`]))].sort());
      const web = report.backtest.find((b) => b.key === "Web")!;
      expect(web.mase).not.toBeNull();
      expect(report.forecast.filter((f) => f.key === "Web").length).toBe(52);
      expect(report.assumptions.backfill_caveat).toContain(`${BACKFILLED_DAYS} days from ${days[0]} to ${days[BACKFILLED_DAYS - 1]}`);
    });

    if (engine === "mariadb") {
      test("an account with SELECT on the six tables it reads, and nothing else, gets the same report", async () => {
        const { connect, servers, dsn } = await import("../../support/servers.ts");
        const root = await connect(servers().primary);
        const user = `planner_${process.pid}`;
        try {
          await root.execute(`CREATE USER '${user}'@'%'`);
          for (const t of ["server_by_site", "server_by_team", "server_by_vendor_model", "server_retirements", "server_facts", "etl_runs"]) {
            await root.execute(`GRANT SELECT ON \`${dw.name}\`.\`${t}\` TO '${user}'@'%'`);
          }
          const r = ok("report as planner", await runCli(["report", "--target", dsn(servers().primary, dw.name, user), "--format", "json", "--config", configPath, "--metered", meteredPath], { timeoutMs: 120_000 }));
          expect(JSON.parse(r.stdout)).toEqual(report);
        } finally {
          await root.execute(`DROP USER IF EXISTS '${user}'@'%'`);
          await root.close();
        }
      }, 120_000);
    }

    test("--dimension site --key fra1 keeps fra1's records only, with the same numbers", async () => {
      const r = ok("report", await runCli(["report", "--target", dw.dsn, "--format", "json", "--config", configPath, "--dimension", "site", "--key", "fra1"]));
      const part: CapacityReport = JSON.parse(r.stdout);
      expect(part.fleet).toEqual(report.fleet.filter((f) => f.dimension === "site" && f.key === "fra1"));
      expect(new Set(part.procurement.map((p) => p.key))).toEqual(new Set(["fra1"]));
      expect(part.growth.every((g) => g.key === "fra1")).toBe(true);
    });

    test("--as-of the 20th Monday: the report as it looked then", async () => {
      const asOf = days[19]!;
      const r = ok("report", await runCli(["report", "--target", dw.dsn, "--format", "json", "--as-of", asOf, "--weeks", "13"]));
      const then: CapacityReport = JSON.parse(r.stdout);
      expect(then.newest_day).toBe(asOf);
      const web = then.fleet.find((f) => f.dimension === "team" && f.key === "Web")!;
      expect(web.servers).toBe(on(asOf).filter((f) => f.wou_name === "Web").length);
      expect(then.growth.map((g) => g.week).sort().at(-1)).toBe(asOf);
    });

    test("text: fits 100 columns, names every section, escapes nothing away", async () => {
      const r = ok("report", await runCli(["report", "--target", dw.dsn, "--config", configPath]));
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines.filter((l) => Bun.stringWidth(l) > 100)).toEqual([]);
      for (const s of ["1. Fleet now", "2. Growth", "3. Retirements", "4. Procurement", "5. Power", "Forecast", "Assumptions"]) expect(r.stdout).toContain(s);
      expect(r.stdout).toContain("Data & <b>ML</b>");
      expect(r.stdout).toMatch(/[▁▂▃▄▅▆▇█]{10,}/);
    });

    test("csv: one file per section, headers and rows as in the json", async () => {
      const out = join(dir, `csv-${engine}`);
      ok("report", await runCli(["report", "--target", dw.dsn, "--format", "csv", "--out", out, "--config", configPath]));
      const fleet = readFileSync(join(out, "fleet.csv"), "utf8").trimEnd().split("\r\n");
      expect(fleet[0]!.startsWith("dimension,key,servers,in_use")).toBe(true);
      expect(fleet.length - 1).toBe(report.fleet.length);
      for (const f of ["growth", "retirements", "procurement", "power", "forecast", "backtest", "assumptions"]) expect(existsSync(join(out, `${f}.csv`))).toBe(true);
    });

    describe("bad input: one line, non-zero exit, nothing written", () => {
      const cases: Array<[string, () => string[], RegExp]> = [
        ["an unknown dimension", () => ["--dimension", "rack"], /--dimension "rack": choose one of team, site, model/],
        ["an unknown key", () => ["--key", "Webb"], /--key "Webb": no team, site or model of that name .*did you mean "Web"\?/],
        ["a day before the oldest", () => ["--as-of", "2020-01-06"], /--as-of 2020-01-06: the warehouse has no aggregated day on or before it/],
        ["an impossible day", () => ["--as-of", "2025-02-30"], /invalid --as-of day "2025-02-30"/],
        ["a future day", () => ["--as-of", "2099-01-01"], /--as-of 2099-01-01 is after today/],
        ["weeks out of range", () => ["--weeks", "0"], /--weeks "0": give a whole number of weeks from 1 to 104/],
        ["a bad metered line", () => { const p = join(dir, "bad.csv"); writeFileSync(p, "fra1,R1,lots\n"); return ["--metered", p]; }, /--metered .*bad\.csv line 1: watts "lots" is not a number/],
        ["an invalid power catalog", () => { const p = join(dir, "bad.toml"); writeFileSync(p, '[[report.power]]\nmodel = "Dell PowerEdge R640"\n'); return ["--config", p]; }, /\[\[report\.power\]\] entry 1 \(Dell PowerEdge R640\): give either watts .* or both idle_watts and loaded_watts/],
        ["an unknown [report] key", () => { const p = join(dir, "typo.toml"); writeFileSync(p, "[report]\ndefault_refresh_year = 4\n"); return ["--config", p]; }, /unknown key default_refresh_year in \[report\]; did you mean default_refresh_years\?/],
      ];
      for (const [what, extra, message] of cases) {
        test(what, async () => {
          const out = join(dir, `never-${engine}-${what.replace(/\W+/g, "-")}.json`);
          const r = await runCli(["report", "--target", dw.dsn, "--format", "json", "--out", out, ...extra()]);
          expect([r.exitCode, r.stderr.trim().split("\n").length]).toEqual([2, 1]);
          expect(r.stderr).toMatch(message);
          expect(existsSync(out)).toBe(false);
        });
      }
    });

    test("html without --out: one line naming --out", async () => {
      const r = await runCli(["report", "--target", dw.dsn, "--format", "html"]);
      expect([r.exitCode, r.stdout, r.stderr.trim()]).toEqual([2, "", "serverdb-etl: error: --format html needs --out FILE, e.g. --out capacity.html"]);
    });

    test("an empty warehouse (init only): one line naming run", async () => {
      const empty = await warehouseFor(engine, "empty");
      ok("init", await runCli(["init", "--target", empty.dsn]));
      const r = await runCli(["report", "--target", empty.dsn]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim()).toMatch(/holds no aggregated day yet; run serverdb-etl run/);
    });
  });
}

test("no warehouse: a missing SQLite file is named, and not created", async () => {
  const path = join(dir, "nowhere.sqlite");
  const r = await runCli(["report", "--target", `sqlite:${path}`]);
  expect(r.exitCode).not.toBe(0);
  expect(r.stderr.trim().split("\n").length).toBe(1);
  expect(r.stderr).toContain("nowhere.sqlite");
  expect(existsSync(path)).toBe(false);
});

for (const engine of ENGINES) {
  describe(`server_retirements when facts expire in between [${engine}]`, () => {
    test("a retirement recorded on a day whose facts are gone is not counted again on the next day's rebuild", async () => {
      const dw = await warehouseFor(engine, "retire");
      ok("init", await runCli(["init", "--target", dw.dsn]));
      await withWarehouse(dw, (db) => writeHistory(db, rows));
      ok("aggregate", await runCli(["aggregate", "--all", "--target", dw.dsn, ...dw.replicaArgs], { timeoutMs: 120_000 }));
      const recorded = await withWarehouse(dw, (db) => db.query<{ report_date: unknown; id: unknown }>("SELECT report_date, id FROM server_retirements ORDER BY report_date, id"));
      // A day in the middle with retirements: drop its facts (as if expired), rebuild the next day.
      const at = days.slice(5, -5).find((d) => recorded.some((r) => String(r.report_date).slice(0, 10) === d))!;
      const next = days[days.indexOf(at) + 1]!;
      await withWarehouse(dw, (db) => db.execute("DELETE FROM server_facts WHERE report_date = ?", [at]));
      ok("aggregate next", await runCli(["aggregate", "--date", next, "--target", dw.dsn, ...dw.replicaArgs]));
      const after = await withWarehouse(dw, (db) => db.query<{ report_date: unknown; id: unknown }>("SELECT report_date, id FROM server_retirements ORDER BY report_date, id"));
      const ids = (list: typeof recorded, day: string) => list.filter((r) => String(r.report_date).slice(0, 10) === day).map((r) => Number(r.id));
      // The day itself keeps its rows (aggregates outlive facts); the next day adds none of them.
      expect(ids(after, at)).toEqual(ids(recorded, at));
      expect(ids(after, next).filter((id) => ids(recorded, at).includes(id))).toEqual([]);
      // What the next day saw retire since the day before `at`: its own rows, plus servers in use then and retired now not recorded at `at`.
      const prev = days[days.indexOf(at) - 1]!;
      const statusOn = (day: string) => new Map(on(day).map((f) => [f.id, f.status]));
      const [p, n] = [statusOn(prev), statusOn(next)];
      const want = [...n].filter(([id, s]) => s === "retired" && p.get(id) === "in_use" && !ids(recorded, at).includes(id)).map(([id]) => id).sort((a, b) => a - b);
      expect(ids(after, next)).toEqual(want);
    }, 120_000);
  });
}

test("no warehouse on MariaDB: a database that does not exist is one line naming it", async () => {
  const { servers, dsn } = await import("../../support/servers.ts");
  const r = await runCli(["report", "--target", dsn(servers().primary, "no_such_dw")]);
  expect(r.exitCode).not.toBe(0);
  expect(r.stderr.trim().split("\n").length).toBe(1);
  expect(r.stderr).toContain("no_such_dw");
});

test("a MariaDB database without the warehouse tables: one line naming init", async () => {
  const { freshDatabase, servers, dsn } = await import("../../support/servers.ts");
  const name = await freshDatabase("notdw");
  const r = await runCli(["report", "--target", dsn(servers().primary, name)]);
  expect([r.exitCode, r.stderr.trim().split("\n").length]).toEqual([2, 1]);
  expect(r.stderr).toMatch(/is not a serverdb-etl warehouse \(no server_by_site, .*\); check --target, or create one with serverdb-etl init/);
});
