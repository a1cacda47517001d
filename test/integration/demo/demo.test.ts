// `demo` from source: SQLite files in --dir (and a MySQL warehouse on the test bed's primary).
// The printed example results must equal an independent oracle computed by this test from the
// warehouse's server_facts, and the printed command's SQL must give the printed table when run
// on the produced file. Plus: the step lines, the files, re-runs (--force) and usage errors.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderResult } from "../../../src/demo/demo-queries.ts";
import { nextStep } from "../../support/demo-output.ts";
import { REPO_ROOT, connect, dsn, freshDatabase, runCli, servers, type CliResult } from "../../support/servers.ts";

const T = 120_000;
let base: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "demo-test-"));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

function ok(what: string, r: CliResult): CliResult {
  if (r.exitCode !== 0) throw new Error(`${what} exited ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr.slice(-3000)}`);
  return r;
}

interface PrintedExample {
  title: string;
  command: string;
  sql: string;
  /** The result table exactly as printed (indentation removed). */
  table: string;
  /** Cells by column, parsed by the dash rule's column ranges. */
  rows: Record<string, string>[];
}

/** The numbered example sections of the demo's output. */
function parseExamples(stdout: string): PrintedExample[] {
  const sections = stdout.split(/^(?=\d+\. )/m).slice(1);
  return sections.map((section) => {
    const [titleLine, ...rest] = section.split("\n");
    const body = rest.map((l) => l.replace(/^ {3}/, "")).join("\n").replace(/^\n+/, "");
    const m = body.match(/^(\S.*"\n)([\s\S]*?)\n"\n\n([\s\S]*?)(?:\n\n|\n?$)/);
    if (!m) throw new Error(`cannot parse example section:\n${section}`);
    const table = m[3].trimEnd();
    const [header, rule, ...lines] = table.split("\n");
    const ranges = [...rule.matchAll(/-+/g)].map((d) => [d.index!, d.index! + d[0].length] as const);
    const names = ranges.map(([a, b]) => header.slice(a, b).trim());
    const rows = lines.map((l) => Object.fromEntries(ranges.map(([a, b], i) => [names[i], l.slice(a, b).trim()])));
    return { title: titleLine.replace(/^\d+\. /, ""), command: m[1] + m[2] + '\n"', sql: m[2], table, rows };
  });
}

/** The demo's "What happened" lines: step → text. */
function stepLines(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of stdout.matchAll(/^ {2}(generate|init|backfill|run: \w+|report) +\d+\.\d s {2}(.*)$/gm)) out.set(m[1], m[2]);
  return out;
}

interface Fact {
  site: string;
  region: string;
  status: string;
  wou_id: number | string;
  wou_name: string;
  manufacturer: string;
  cpu_count: number | string;
  cpu_cores: number | string;
  memory: number | string;
  /** Declared by the demo's config ([facts]). */
  room: string;
  rated_watts: number | string;
}

/** decimal(8,3) as integer thousandths, exactly (whatever type the engine returned). */
function milli(v: number | string): number {
  const [whole, frac = ""] = String(v).split(".");
  const sign = whole.startsWith("-") ? -1 : 1;
  return sign * (Math.abs(Number(whole)) * 1000 + Number(frac.padEnd(3, "0").slice(0, 3)));
}
/** ROUND(x) of a non-negative thousandths sum: half away from zero. */
const roundMilli = (m: number) => String(Math.floor((m + 500) / 1000));
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function group<T>(groups: Map<string, T>, key: string, init: () => T): T {
  let g = groups.get(key);
  if (!g) groups.set(key, (g = init()));
  return g;
}

/** Sockets and cores of one server as the aggregates count them: unknown (-1) adds nothing. */
function cpu(f: Fact): { sockets: number; cores: number } {
  const count = Number(f.cpu_count);
  const cores = Number(f.cpu_cores);
  return { sockets: count >= 0 ? count : 0, cores: count >= 0 && cores >= 0 ? count * cores : 0 };
}

const text = (v: string) => (v === "" ? "''" : v);

/** Servers in a demo's SQLite ServerDB file. */
function liveServers(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.query("SELECT COUNT(*) AS n FROM servers_server").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * The four example tables as this test computes them from server_facts alone (docs/data-contract.md's rules):
 * `facts` of the newest day, `oldest` of the oldest day (team growth is newest − oldest).
 */
function oracle(facts: readonly Fact[], oldest: readonly Fact[]): Record<string, string>[][] {
  const STATUSES = ["in_use", "spare", "broken", "retired"];
  const sites = new Map<string, { site: string; region: string; n: Record<string, number> }>();
  for (const f of facts) {
    const g = group(sites, `${f.site}\u0000${f.region}`, () => ({ site: f.site, region: f.region, n: { servers: 0, in_use: 0, spare: 0, broken: 0, retired: 0, other: 0 } }));
    g.n.servers++;
    g.n[STATUSES.includes(f.status) ? f.status : "other"]++;
  }
  const siteRows = [...sites.values()]
    .sort((a, b) => b.n.servers - a.n.servers || cmp(a.site, b.site) || cmp(a.region, b.region))
    .map((g) => ({ site: text(g.site), region: text(g.region), ...Object.fromEntries(Object.entries(g.n).map(([k, v]) => [k, String(v)])) }));

  const teams = new Map<string, { team: string; servers: number; before: number; cores: number; milli: number }>();
  const team = (f: Fact) => group(teams, `${f.wou_id}\u0000${f.wou_name}`, () => ({ team: f.wou_name, servers: 0, before: 0, cores: 0, milli: 0 }));
  for (const f of facts) {
    const g = team(f);
    g.servers++;
    g.cores += cpu(f).cores;
    g.milli += milli(f.memory);
  }
  for (const f of oldest) team(f).before++;
  const teamRows = [...teams.values()]
    .sort((a, b) => b.servers - a.servers || cmp(a.team, b.team))
    .slice(0, 10)
    .map((g) => ({ team: text(g.team), servers: String(g.servers), growth: String(g.servers - g.before), cpu_cores: String(g.cores), memory_gib: roundMilli(g.milli) }));

  const vendors = new Map<string, { manufacturer: string; servers: number; sockets: number; cores: number; milli: number }>();
  for (const f of facts.filter((x) => x.status === "in_use")) {
    const g = group(vendors, f.manufacturer, () => ({ manufacturer: f.manufacturer, servers: 0, sockets: 0, cores: 0, milli: 0 }));
    g.servers++;
    g.sockets += cpu(f).sockets;
    g.cores += cpu(f).cores;
    g.milli += milli(f.memory);
  }
  const vendorRows = [...vendors.values()]
    .sort((a, b) => b.cores - a.cores || cmp(a.manufacturer, b.manufacturer))
    .map((g) => ({ manufacturer: text(g.manufacturer), servers: String(g.servers), cpu_sockets: String(g.sockets), cpu_cores: String(g.cores), memory_gib: roundMilli(g.milli) }));

  // The declared columns' aggregate: in-use servers per site and room, watts summed where rated (-1 is unknown).
  const rooms = new Map<string, { site: string; room: string; servers: number; rated: number; watts: number }>();
  for (const f of facts.filter((x) => x.status === "in_use")) {
    const g = group(rooms, `${f.site}\u0000${f.room}`, () => ({ site: f.site, room: f.room, servers: 0, rated: 0, watts: 0 }));
    g.servers++;
    if (Number(f.rated_watts) !== -1) (g.rated++, (g.watts += Number(f.rated_watts)));
  }
  const roomRows = [...rooms.values()]
    .sort((a, b) => b.watts - a.watts || cmp(a.site, b.site) || cmp(a.room, b.room))
    .slice(0, 8)
    .map((g) => ({ site: text(g.site), room: text(g.room), servers: String(g.servers), rated: String(g.rated), rated_watts: String(g.watts) }));

  return [siteRows, teamRows, vendorRows, roomRows];
}

const FACT_COLUMNS = "site, region, status, wou_id, wou_name, manufacturer, cpu_count, cpu_cores, memory, room, rated_watts";
const NEWEST = `SELECT ${FACT_COLUMNS} FROM server_facts WHERE report_date = (SELECT MAX(report_date) FROM server_facts)`;
const OLDEST = `SELECT ${FACT_COLUMNS} FROM server_facts WHERE report_date = (SELECT MIN(report_date) FROM server_facts)`;
/** The demo backfills one day every four weeks of the generated year before the nightly run. */
const BACKFILLED = 13;

describe("demo: SQLite files in --dir", () => {
  let dir: string;
  let run: CliResult;
  let seconds: number;
  beforeAll(async () => {
    dir = join(base, "sqlite", "nested");
    const t0 = performance.now();
    run = ok("demo", await runCli(["demo", "--dir", dir, "--servers", "300", "--seed", "4"], { timeoutMs: T }));
    seconds = (performance.now() - t0) / 1000;
  }, T);

  test("creates the folder and both files; prints every step, the files and four examples", () => {
    const source = join(dir, "serverdb.sqlite");
    const target = join(dir, "serverdb_dw.sqlite");
    expect(existsSync(source)).toBe(true);
    expect(existsSync(target)).toBe(true);
    expect(run.stderr).toBe("");
    const steps = stepLines(run.stdout);
    expect([...steps.keys()]).toEqual(["generate", "init", "backfill", "run: init", "run: etl", "run: aggregate", "run: expire", "report"]);
    // 300 servers were created; some were deleted again during the generated year of history.
    const live = liveServers(source);
    expect(live).toBeGreaterThan(250);
    expect(live).toBeLessThan(300);
    expect(steps.get("generate")).toStartWith(`${live} servers, `);
    expect(steps.get("generate")).toMatch(/a year of change history \(\d+ rows; \d+ more servers created and deleted again\)$/);
    expect(steps.get("backfill")).toMatch(new RegExp(`^${BACKFILLED} past days rebuilt from the history, one every 4 weeks from \\d{4}-\\d\\d-\\d\\d to \\d{4}-\\d\\d-\\d\\d: \\d+ servers on the first, \\d+ on the last; `));
    expect(steps.get("run: etl")).toMatch(new RegExp(`^etl run ${BACKFILLED + 1}: ${live} servers extracted, ${live} fact rows and \\d+ role rows loaded for \\d{4}-\\d\\d-\\d\\d; `));
    expect(run.stdout).toMatch(new RegExp(`^ {2}ServerDB +${source} `, "m"));
    expect(run.stdout).toMatch(new RegExp(`^ {2}warehouse +${target} `, "m"));
    expect(parseExamples(run.stdout)).toHaveLength(4);
    expect(seconds).toBeLessThan(30);
  });

  test("ends with the capacity report: one offline HTML file with its charts, its config beside it, and the command to print it", () => {
    const html = readFileSync(join(dir, "report.html"), "utf8");
    const db = new Database(join(dir, "serverdb_dw.sqlite"), { readonly: true });
    const teams = (db.query("SELECT COUNT(DISTINCT wou_name) AS n FROM server_facts WHERE report_date = (SELECT MAX(report_date) FROM server_facts)").get() as { n: number }).n;
    db.close();
    expect(stepLines(run.stdout).get("report")).toMatch(new RegExp(`^capacity report of ${teams} teams, \\d+ sites and \\d+ models, .*: ${join(dir, "report.html")}$`));
    expect((html.match(/<figure class="chart"/g) ?? []).length).toBeGreaterThan(teams);
    // Offline: no script, stylesheet or image is fetched (xmlns="http://www.w3.org/2000/svg" is a name, not a fetch).
    expect(html.match(/<script|<link|<img|(?:src|href)="https?:/gi)).toBeNull();
    expect(readFileSync(join(dir, "config.toml"), "utf8")).toContain("[[report.power]]");
    expect(readFileSync(join(dir, "config.toml"), "utf8")).toContain("[[facts.aggregates]]");
    expect(run.stdout).toContain(`report \\\n    --target sqlite:${join(dir, "serverdb_dw.sqlite")} \\\n    --config ${join(dir, "config.toml")}`);
  });

  test("the printed results equal the oracle computed from server_facts", () => {
    const db = new Database(join(dir, "serverdb_dw.sqlite"), { readonly: true });
    const facts = db.query(NEWEST).all() as Fact[];
    const oldest = db.query(OLDEST).all() as Fact[];
    const runs = db.query("SELECT kind, COUNT(*) AS n FROM etl_runs WHERE status = 'success' GROUP BY kind ORDER BY kind").all();
    db.close();
    expect(facts).toHaveLength(liveServers(join(dir, "serverdb.sqlite")));
    expect(runs).toEqual([{ kind: "backfill", n: BACKFILLED }, { kind: "etl", n: 1 }]);
    const printed = parseExamples(run.stdout).map((e) => e.rows);
    const expected = oracle(facts, oldest);
    expect(expected[0].length).toBeGreaterThan(5);
    // A year of history: the teams grew (or shrank) since the oldest backfilled day.
    expect(expected[1].some((t) => t.growth !== "0")).toBe(true);
    expect(printed).toEqual(expected);
  });

  test("each printed command is sqlite3 on the warehouse file, and its SQL gives the printed table", () => {
    const db = new Database(join(dir, "serverdb_dw.sqlite"), { readonly: true });
    try {
      for (const e of parseExamples(run.stdout)) {
        expect(e.command).toStartWith(`sqlite3 -header -column ${join(dir, "serverdb_dw.sqlite")} "\n`);
        expect(e.sql).not.toMatch(/["`$!]/);
        const rows = db.query(e.sql).all() as Record<string, unknown>[];
        expect(renderResult(Object.keys(rows[0]), rows)).toBe(e.table);
      }
    } finally {
      db.close();
    }
  });

  test("the ServerDB file is Django's layout with the fleet and its history", () => {
    const db = new Database(join(dir, "serverdb.sqlite"), { readonly: true });
    const deleted = (db.query("SELECT COUNT(*) AS n FROM servers_historicalserver WHERE history_type = '-'").get() as { n: number }).n;
    expect((db.query("SELECT COUNT(*) AS n FROM servers_server").get() as { n: number }).n + deleted).toBe(300);
    expect(deleted).toBeGreaterThan(0);
    db.close();
  });

  test("again into the same folder: exit 2 naming --force; with --force it runs and the day is replaced", async () => {
    const again = await runCli(["demo", "--dir", dir, "--servers", "300", "--seed", "4"], { timeoutMs: T });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/^serverdb-etl: error: step generate: sqlite:\S+serverdb\.sqlite already has ServerDB data \(\d+ rows in servers_asset\); pass --force to replace it\n$/);
    const forced = ok("demo --force", await runCli(["demo", "--dir", dir, "--servers", "300", "--seed", "4", "--force"], { timeoutMs: T }));
    // --force rebuilds the backfilled days too: another 13 backfill runs, then the etl.
    const live = liveServers(join(dir, "serverdb.sqlite"));
    expect(stepLines(forced.stdout).get("run: etl")).toStartWith(`etl run ${2 * (BACKFILLED + 1)}: ${live} servers extracted`);
    expect(parseExamples(forced.stdout).map((e) => e.rows)).toEqual(parseExamples(run.stdout).map((e) => e.rows));
    const db = new Database(join(dir, "serverdb_dw.sqlite"), { readonly: true });
    const days = db.query("SELECT report_date, COUNT(*) AS n FROM server_facts GROUP BY report_date ORDER BY report_date").all() as { n: number }[];
    expect(days).toHaveLength(BACKFILLED + 1);
    expect(days.at(-1)!.n).toBe(live);
    db.close();
  }, T);

  test("the next step it prints runs as printed, from another folder: the nightly job again", async () => {
    const printed = nextStep(run.stdout);
    // regression: it printed `serverdb-etl run …`, which no shell finds after `npm run build`
    expect(printed).not.toStartWith("serverdb-etl ");
    expect(printed).toContain(join(REPO_ROOT, "src/cli.ts"));
    for (const line of printed.split("\n")) expect([...line].length).toBeLessThanOrEqual(80);
    const proc = Bun.spawn(["sh", "-c", printed], { cwd: base, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: base }, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(stdout).toMatch(/^run \d{4}-\d\d-\d\d: ok, /m);
  }, T);
});

describe("demo: default folder and usage errors", () => {
  test("without --dir: a new serverdb-etl-demo-* folder under TMPDIR", async () => {
    const tmp = join(base, "tmpdir");
    mkdirSync(tmp);
    const r = ok("demo", await runCli(["demo", "--servers", "50"], { env: { TMPDIR: tmp }, timeoutMs: T }));
    const m = r.stdout.match(/^ {2}warehouse +(\S+) /m);
    expect(m?.[1]).toMatch(new RegExp(`^${tmp}/serverdb-etl-demo-[^/]+/serverdb_dw\\.sqlite$`));
    expect(existsSync(m![1])).toBe(true);
  }, T);

  test.each([
    [["--servers", "0"], /--servers "0": use a whole number/],
    [["--seed", "x"], /--seed "x": use a whole number/],
    [["--source", "sqlite:/same.sqlite", "--target", "sqlite:/same.sqlite"], /--source and --target are the same file/],
    [["--target", "postgres://x"], /unsupported DSN/],
  ])("%p: exit 2, one line", async (args, message) => {
    const r = await runCli(["demo", "--dir", join(base, "usage"), ...args]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe("demo: MySQL on the test bed", () => {
  test("--source and --target mysql://… (source created by generate, target a fresh database): same checks against the oracle", async () => {
    const database = await freshDatabase("demo_dw");
    const target = dsn(servers().primary, database);
    const source = dsn(servers().primary, `demo_src_${process.pid}`);
    const dir = join(base, "mysql");
    const r = ok("demo", await runCli(["demo", "--dir", dir, "--servers", "300", "--seed", "4", "--source", source, "--target", target], { timeoutMs: T }));
    expect(stepLines(r.stdout).get("generate")).toContain(`written to ${source}, with realistic dirt (raw CPU strings, odd MACs, NULLs) and a year of change history`);
    // Only the capacity report and its config went to files: the data stayed on the servers.
    expect(readdirSync(dir).sort()).toEqual(["config.toml", "report.html"]);
    const examples = parseExamples(r.stdout);
    for (const e of examples) expect(e.command).toStartWith(`mysql --table --host=127.0.0.1 --port=${servers().primary.port} --user=root ${database} -e "\n`);
    const db = await connect(servers().primary, database);
    try {
      const facts = await db.query<Fact>(NEWEST);
      const [{ n: live }] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM demo_src_${process.pid}.servers_server`);
      expect(stepLines(r.stdout).get("run: etl")).toStartWith(`etl run ${BACKFILLED + 1}: ${live} servers extracted`);
      expect(facts).toHaveLength(Number(live));
      expect(examples.map((e) => e.rows)).toEqual(oracle(facts, await db.query<Fact>(OLDEST)));
    } finally {
      await db.close();
    }
  }, T);
});
