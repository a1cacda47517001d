// etl with PuppetDB columns against the real PuppetDB of the test bed: a generated ServerDB (MariaDB),
// facts submitted for most of its servers with a real fleet's dirt (servers without a node, nodes
// without a server, stale nodes, a missing fact, wrong types, two nodes of one serial), and every
// PuppetDB column of every fact row compared with what this file computes from what it submitted
// (the data contract's rules written out here, not the load's code), for each match rule. Then the
// nights PuppetDB fails: down, frozen (SIGSTOP), stalled mid-answer, answering junk (and one it is
// merely slow, within timeout_s, and read in full) — the snapshot
// is written with the columns at their defaults, one WARN line, a counted warning, the metric —
// and a rerun of the day fills them in. Backfill leaves them at their defaults and says so. And
// doctor's puppetdb rows: version, TLS (the bed's CA and client certificate, a foreign CA, one off
// the allowlist), the mapping sampled on the first nodes and the servers that would match, both
// compared with what this file submitted.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, dsn, freshDatabase, ok, runCli, servers, withDb, type CliResult } from "../../support/servers.ts";
import { ENGINES, warehouseFor, withWarehouse, type Engine, type TestWarehouse } from "../../support/engines.ts";
import { cutChars } from "../../support/expected-facts.ts";
import { parseExposition, valueOf } from "../../support/prometheus.ts";
import { freePorts } from "../../support/mariadb.ts";
import { puppetdb, type PuppetdbBed } from "../../support/puppetdb.ts";

const DAY = "2026-11-20";
const FLEET = 240;
const DOMAIN = "dc1.example.com";
const DAY_MS = 86_400_000;
const NOW = Date.now();
const STALE_DAYS = 7;

const COLUMNS = `
[[facts.columns]]
name = "os_cpu_count"
type = "int"
default = -1
puppetdb = "processors.count"

[[facts.columns]]
name = "os_release"
type = "varchar(10)"
default = "<unknown>"
puppetdb = "os.release.full"

[[facts.columns]]
name = "is_virtual"
type = "bool"
default = false
puppetdb = "is_virtual"

[[facts.columns]]
name = "mem_bytes"
type = "bigint"
default = -1
puppetdb = "memory.system.total_bytes"

[[facts.columns]]
name = "facts_at"
type = "datetime"
puppetdb = "producer_timestamp"
`;
const NAMES = ["os_cpu_count", "os_release", "is_virtual", "mem_bytes", "facts_at"] as const;
type Values = Record<(typeof NAMES)[number], unknown>;
const DEFAULTS: Values = { os_cpu_count: -1, os_release: "<unknown>", is_virtual: 0, mem_bytes: -1, facts_at: null };

type Rule = "name" | "fqdn" | "serial";

interface Server {
  id: number;
  name: string | null;
  serial: string | null;
}

/** A node as this file submitted it. */
interface Node {
  certname: string;
  facts: Record<string, unknown>;
  at: Date;
}

let bed: PuppetdbBed;
let dir = "";
let source = "";
let fleet: Server[] = [];
let nodes: Node[] = [];

function config(puppetdb: Record<string, unknown>): string {
  const lines = Object.entries(puppetdb).map(([k, v]) => `${k} = ${typeof v === "string" ? JSON.stringify(v) : v}`);
  const path = join(dir, `config-${Bun.hash(JSON.stringify(puppetdb)).toString(16)}.toml`);
  writeFileSync(path, `[puppetdb]\n${lines.join("\n")}\n${COLUMNS}`);
  return path;
}
const ruleConfig = (rule: Rule, over: Record<string, unknown> = {}) =>
  config({ url: bed.url, match: rule, ...(rule === "fqdn" ? { domain: DOMAIN } : {}), stale_after_days: STALE_DAYS, ...over });

/** A certname Puppet would give a server of this name, or undefined for a name no agent could have. */
const hostOf = (name: string | null) => {
  const host = name?.trim().toLowerCase();
  return host && /^[a-z0-9][a-z0-9.-]{0,180}$/.test(host) ? host : undefined;
};

function factsFor(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  const f: Record<string, unknown> = {
    processors: { count: 2 + (i % 7) * 2 },
    // Every 5th release is longer than its column (varchar(10)): cut, and counted.
    os: { release: { full: i % 5 === 0 ? `12.${i % 10}.0-long-${i}` : `12.${i % 10}` } },
    is_virtual: i % 3 === 0,
    memory: { system: { total_bytes: (i + 1) * 2 ** 33 } },
  };
  return { ...f, ...over };
}

/**
 * Two node sets, submitted once: certname = the server's name under the domain (with its serial
 * in dmi), for match = fqdn and serial; and certname = the bare name without DMI data, with other
 * values, for match = name (to every other rule those are nodes without a server).
 */
function plantNodes(): Node[] {
  const out: Node[] = [];
  const at = (daysAgo: number, i: number) => new Date(NOW - daysAgo * DAY_MS - i * 1000 - (NOW % 1000));
  fleet.forEach((s, i) => {
    const host = hostOf(s.name);
    // Servers without a node: every 7th, and those whose name no agent could have.
    if (!host || i % 7 === 3) return;
    let facts = factsFor(i);
    if (i % 11 === 0) facts = factsFor(i, { processors: { count: "eight" } }); // wrong type (text for a count)
    if (i % 13 === 0) facts = factsFor(i, { is_virtual: "true" }); // wrong type (Facter 2's string boolean)
    if (i % 17 === 0) facts = factsFor(i, { os: { release: { full: { major: "12" } } } }); // wrong type (structured)
    if (i % 19 === 0) delete (facts as { os?: unknown }).os; // a missing fact
    if (s.serial?.trim()) facts.dmi = { product: { serial_number: s.serial.trim() } };
    const fqdn = host.endsWith(`.${DOMAIN}`) ? host : `${host}.${DOMAIN}`;
    out.push({ certname: fqdn, facts, at: at(i % 23 === 0 ? 30 : 0, i) }); // every 23rd: stale
    // (A name with the domain already is that node's certname: no second node under it.)
    if (i % 4 !== 1 && fqdn !== host) out.push({ certname: host, facts: factsFor(i + 1000), at: at(i % 29 === 0 ? 10 : 0, i) });
  });
  // Nodes without a server: one with a serial no server has, one with a serial a server has (older: shadowed under match = serial).
  const shared = fleet.find((s, i) => s.serial?.trim() && hostOf(s.name) && i % 7 !== 3)!;
  out.push({ certname: `ghost-1.${DOMAIN}`, facts: { ...factsFor(5000), dmi: { product: { serial_number: "GHOST-SERIAL-1" } } }, at: at(0, 1) });
  out.push({ certname: `clone-of-${hostOf(shared.name)!.replace(`.${DOMAIN}`, "")}.${DOMAIN}`, facts: { ...factsFor(5001), dmi: { product: { serial_number: shared.serial!.trim() } } }, at: at(3, 0) });
  out.push({ certname: "laptop7.corp.example.org", facts: factsFor(5002), at: at(0, 2) });
  return out;
}

/** a.b.c of a nested object, or undefined. */
function dig(values: Record<string, unknown>, path: string): unknown {
  let v: unknown = values;
  for (const part of path.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/** The node's key under a rule, computed here: undefined when the rule gives it none. */
function nodeKey(rule: Rule, n: Node): string | undefined {
  if (rule === "name") return n.certname;
  if (rule === "fqdn") return n.certname.endsWith(`.${DOMAIN}`) ? n.certname.slice(0, -DOMAIN.length - 1) : undefined;
  const serial = dig(n.facts, "dmi.product.serial_number");
  return typeof serial === "string" && serial.trim() ? serial.trim() : undefined;
}

function serverKey(rule: Rule, s: Server): string | undefined {
  const v = rule === "serial" ? s.serial?.trim() : s.name?.trim().toLowerCase();
  if (!v) return undefined;
  // A name that already carries the domain is its own FQDN.
  return rule === "fqdn" && v.endsWith(`.${DOMAIN}`) ? v.slice(0, -DOMAIN.length - 1) : v;
}

interface Expected {
  rows: Map<number, Values>;
  matched: number;
  withoutNode: number;
  nodesWithoutServer: number;
  shadowed: number;
  stale: number;
  wrongType: Record<string, number>;
  /** Per column: values cut to width plus wrong types (the load's warnings). */
  warnings: Record<string, number>;
}

const utc = (d: Date) => d.toISOString().slice(0, 19).replace("T", " ");

/** The warehouse's PuppetDB columns for `rule`, from what this file submitted, by the data contract's rules. */
function expected(rule: Rule): Expected {
  const byKey = new Map<string, Node>();
  let shadowed = 0;
  let unkeyed = 0;
  for (const n of nodes) {
    const k = nodeKey(rule, n);
    if (k === undefined) {
      unkeyed++;
      continue;
    }
    const before = byKey.get(k);
    if (before) shadowed++;
    if (!before || before.at < n.at) byKey.set(k, n);
  }
  const e: Expected = { rows: new Map(), matched: 0, withoutNode: 0, nodesWithoutServer: 0, shadowed, stale: 0, wrongType: {}, warnings: {} };
  const count = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  const used = new Set<string>();
  for (const s of fleet) {
    const k = serverKey(rule, s);
    const n = k === undefined ? undefined : byKey.get(k);
    if (!n) {
      e.withoutNode++;
      e.rows.set(s.id, DEFAULTS);
      continue;
    }
    e.matched++;
    used.add(k!);
    if (NOW - n.at.getTime() > STALE_DAYS * DAY_MS) e.stale++;
    const wrong = (path: string, column: string) => {
      count(e.wrongType, path);
      count(e.warnings, column);
    };
    const cpus = dig(n.facts, "processors.count");
    const release = dig(n.facts, "os.release.full");
    const virtual = dig(n.facts, "is_virtual");
    const mem = dig(n.facts, "memory.system.total_bytes");
    const row: Values = { ...DEFAULTS, facts_at: utc(n.at) };
    if (Number.isInteger(cpus)) row.os_cpu_count = cpus;
    else if (cpus !== undefined) wrong("processors.count", "os_cpu_count");
    if (typeof release === "string") {
      row.os_release = cutChars(release, 10);
      if (row.os_release !== release) count(e.warnings, "os_release");
    } else if (release !== undefined) wrong("os.release.full", "os_release");
    if (typeof virtual === "boolean") row.is_virtual = virtual ? 1 : 0;
    else if (virtual !== undefined) wrong("is_virtual", "is_virtual");
    if (Number.isInteger(mem)) row.mem_bytes = mem;
    e.rows.set(s.id, row);
  }
  e.nodesWithoutServer = unkeyed + [...byKey.keys()].filter((k) => !used.has(k)).length;
  return e;
}

async function columnValues(dw: TestWarehouse, day = DAY): Promise<Map<number, Values>> {
  return withWarehouse(dw, async (db) => {
    const at = dw.engine === "mariadb" ? "DATE_FORMAT(facts_at, '%Y-%m-%d %H:%i:%s')" : "facts_at";
    const rows = await db.query<Record<string, unknown>>(`SELECT id, os_cpu_count, os_release, is_virtual, mem_bytes, ${at} AS facts_at FROM server_facts WHERE report_date = ?`, [day]);
    return new Map(rows.map((r) => [Number(r.id), { os_cpu_count: Number(r.os_cpu_count), os_release: r.os_release, is_virtual: Number(r.is_virtual), mem_bytes: Number(r.mem_bytes), facts_at: r.facts_at ?? null }]));
  });
}

/** The first row that differs, or undefined. */
function firstMismatch(actual: Map<number, Values>, want: Map<number, Values>): unknown {
  expect(actual.size).toBe(want.size);
  for (const [id, w] of want) if (!Bun.deepEquals(actual.get(id), w)) return { id, actual: actual.get(id), want: w };
  return undefined;
}

const lastWarnings = (dw: TestWarehouse) =>
  withWarehouse(dw, async (db) => JSON.parse(String((await db.query<{ w: string }>("SELECT warnings_by_column AS w FROM etl_runs ORDER BY id DESC LIMIT 1"))[0]!.w)) as Record<string, number>);

function etl(dw: TestWarehouse, cfg: string, extra: string[] = [], timeoutMs = 120_000): Promise<CliResult> {
  return runCli(["etl", "--config", cfg, "--source", dsn(servers().primary, source), "--target", dw.dsn, ...dw.replicaArgs, "--report-date", DAY, "--replace-past-day", ...extra], { timeoutMs });
}

async function initialized(engine: Engine, cfg: string): Promise<TestWarehouse> {
  const dw = await warehouseFor(engine);
  ok("init", await runCli(["init", "--config", cfg, "--target", dw.dsn]));
  return dw;
}

/** The summary's PuppetDB part as the oracle says it must read. */
function summaryPart(e: Expected): string {
  const wrong = Object.entries(e.wrongType).sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, n]) => `${p}=${n}`).join(",");
  return (
    `puppetdb ${e.matched} servers matched, ${e.withoutNode} without a node, ${e.nodesWithoutServer} nodes without a server` +
    (e.shadowed ? `, ${e.shadowed} shadowed by a newer node of the same key` : "") +
    `, ${e.stale} stale (facts older than ${STALE_DAYS} days), wrong types ${wrong || "none"}`
  );
}

/** The lines on stderr that are warnings (not the report date's note). */
const warnLines = (r: CliResult) => r.stderr.split("\n").filter((l) => /warn/i.test(l) && !l.includes("is not today"));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "serverdb-etl-pdb-etl-"));
  source = await freshDatabase("pdbsrc");
  const [, started] = await Promise.all([
    runCli(["generate", "--source", dsn(servers().primary, source), "--servers", String(FLEET), "--seed", "23", "--end-date", DAY, "--history-days", "5"], { timeoutMs: 120_000 }).then((r) => ok("generate", r)),
    puppetdb(),
  ]);
  bed = started;
  // ServerDBs hold short names and FQDNs: two servers named with the domain already.
  await withDb(source, (db) => db.execute("UPDATE servers_asset SET name = CONCAT(name, ?) WHERE id IN (SELECT id FROM (SELECT a.id FROM servers_asset a JOIN servers_server s ON s.rackedasset_ptr_id = a.id WHERE a.name REGEXP '^[a-z0-9-]+$' ORDER BY a.id LIMIT 2) x)", [`.${DOMAIN}`]));
  fleet = await withDb(source, async (db) =>
    (await db.query<{ id: number; name: string | null; serialnumber: string | null }>("SELECT a.id, a.name, a.serialnumber FROM servers_asset a JOIN servers_server s ON s.rackedasset_ptr_id = a.id ORDER BY a.id")).map((r) => ({ id: Number(r.id), name: r.name, serial: r.serialnumber })),
  );
  await bed.deleteAllNodes();
  nodes = plantNodes();
  for (let i = 0; i < nodes.length; i += 40) await Promise.all(nodes.slice(i, i + 40).map((n) => bed.replaceFacts(n.certname, n.facts, n.at)));
  await bed.waitForFacts(120_000);
}, 240_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});


describe("the oracle's fleet", () => {
  test("has the dirt the tests are about, under every rule", () => {
    for (const rule of ["name", "fqdn", "serial"] as const) {
      const e = expected(rule);
      expect(e.matched).toBeGreaterThan(FLEET / 3);
      expect(e.withoutNode).toBeGreaterThan(0);
      expect(e.nodesWithoutServer).toBeGreaterThan(0);
    }
    const fqdn = expected("fqdn");
    expect(fqdn.stale).toBeGreaterThan(0);
    expect(Object.keys(fqdn.wrongType).sort()).toEqual(["is_virtual", "os.release.full", "processors.count"]);
    expect([...fqdn.rows.values()].some((v) => v.os_release === "<unknown>" && v.facts_at !== null)).toBe(true); // a missing fact
    expect(fqdn.warnings.os_release).toBeGreaterThan(fqdn.wrongType["os.release.full"]!); // cuts too
    expect(expected("serial").shadowed).toBeGreaterThan(0);
    // Servers named with the domain already match their certname under fqdn.
    const named = fleet.filter((s) => s.name?.endsWith(`.${DOMAIN}`));
    expect(named).toHaveLength(2);
    expect(named.some((s) => fqdn.rows.get(s.id)!.facts_at !== null)).toBe(true);
  });
});

describe.each(ENGINES as Engine[])("etl fills the PuppetDB columns into %s", (engine) => {
  test("match = fqdn: every row as the oracle computes it; the summary, etl_runs, the JSON log and the metrics count the same", async () => {
    const cfg = ruleConfig("fqdn");
    const dw = await initialized(engine, cfg);
    const metrics = join(dir, `${engine}.prom`);
    const r = ok("etl", await etl(dw, cfg, ["--metrics-file", metrics]));
    const e = expected("fqdn");
    expect(firstMismatch(await columnValues(dw), e.rows)).toBeUndefined();
    expect(r.stdout).toContain(summaryPart(e));
    const warnings = await lastWarnings(dw);
    for (const [column, n] of Object.entries(e.warnings)) expect(warnings[column]).toBe(n);
    expect(Object.keys(warnings).filter((k) => k.startsWith("puppetdb"))).toEqual([]);
    expect(warnLines(r)).toEqual([]);
    const m = parseExposition(readFileSync(metrics, "utf8"));
    const c = { command: "etl" };
    expect(valueOf(m, "serverdb_etl_puppetdb_up", c)).toBe(1);
    expect(valueOf(m, "serverdb_etl_puppetdb_servers", { ...c, kind: "matched" })).toBe(e.matched);
    expect(valueOf(m, "serverdb_etl_puppetdb_servers", { ...c, kind: "without_node" })).toBe(e.withoutNode);
    expect(valueOf(m, "serverdb_etl_puppetdb_nodes", { ...c, kind: "without_server" })).toBe(e.nodesWithoutServer);
    expect(valueOf(m, "serverdb_etl_puppetdb_nodes", { ...c, kind: "stale" })).toBe(e.stale);
    expect(valueOf(m, "serverdb_etl_puppetdb_nodes", { ...c, kind: "active" })).toBe(nodes.length);
    for (const [fact, n] of Object.entries(e.wrongType)) expect(valueOf(m, "serverdb_etl_puppetdb_wrong_type", { ...c, fact })).toBe(n);
    // The read is a phase of its own (a few ms here: its value may round to 0); valueOf throws without its sample.
    expect(valueOf(m, "serverdb_etl_phase_duration_seconds", { ...c, phase: "puppetdb" })).toBeGreaterThanOrEqual(0);
  }, 180_000);
});

describe("each match rule", () => {
  for (const rule of ["name", "serial"] as const) {
    test(`match = ${rule}: every row as the oracle computes it`, async () => {
      const cfg = ruleConfig(rule);
      const dw = await initialized("sqlite", cfg);
      const r = ok("etl", await etl(dw, cfg));
      const e = expected(rule);
      expect(firstMismatch(await columnValues(dw), e.rows)).toBeUndefined();
      expect(r.stdout).toContain(summaryPart(e));
    }, 120_000);
  }

  test("report: the PuppetDB section counts each column's values on the newest day as the oracle's rows do", async () => {
    const cfg = ruleConfig("fqdn");
    const dw = await initialized("sqlite", cfg);
    ok("run", await runCli(["run", "--config", cfg, "--source", dsn(servers().primary, source), "--target", dw.dsn, "--report-date", DAY, "--replace-past-day"], { timeoutMs: 120_000 }));
    const json = JSON.parse(ok("report", await runCli(["report", "--config", cfg, "--target", dw.dsn, "--format", "json"])).stdout) as { puppetdb: { column: string; kind: string; value: string | null; servers: number }[] };
    const rows = [...expected("fqdn").rows.values()];
    const want = (["os_cpu_count", "os_release", "is_virtual", "mem_bytes"] as const).flatMap((column) => {
      const counts = new Map<string, number>();
      let unknown = 0;
      for (const r of rows) {
        // A flag's default (false) is a value too: the report counts no unknowns for it.
        if (r[column] === DEFAULTS[column] && column !== "is_virtual") unknown++;
        else counts.set(String(r[column]), (counts.get(String(r[column])) ?? 0) + 1);
      }
      const sorted = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
      const top = sorted.slice(0, 20).map(([value, servers]) => ({ column, kind: "value", value, servers }));
      const rest = sorted.slice(20);
      return [...top, ...(rest.length ? [{ column, kind: "other", value: `${rest.length} other values`, servers: rest.reduce((n, [, k]) => n + k, 0) }] : []), ...(column === "is_virtual" ? [] : [{ column, kind: "unknown", value: null, servers: unknown }])];
    });
    expect(json.puppetdb).toEqual(want);
    expect(want.some((r) => r.kind === "other")).toBe(true); // mem_bytes has more than 20 values
    const text = ok("report", await runCli(["report", "--config", cfg, "--target", dw.dsn])).stdout;
    expect(text).toContain(`PuppetDB columns (${DAY}): servers per value`);
    expect(text).toMatch(new RegExp(`\\(no value\\)\\s+${want.find((r) => r.column === "os_cpu_count" && r.kind === "unknown")!.servers}\\b`));
  }, 180_000);

  test("--log-format json: the summary event carries the figures", async () => {
    const cfg = ruleConfig("serial");
    const dw = await initialized("sqlite", cfg);
    const r = ok("etl", await etl(dw, cfg, ["--log-format", "json"]));
    const summary = r.stdout.trim().split("\n").map((l) => JSON.parse(l)).find((l) => l.event === "summary");
    const e = expected("serial");
    expect(summary.puppetdb).toMatchObject({ up: true, nodes: nodes.length, servers_matched: e.matched, servers_without_node: e.withoutNode, nodes_without_server: e.nodesWithoutServer, nodes_shadowed: e.shadowed, stale_servers: e.stale, wrong_type: e.wrongType });
  }, 120_000);
});

describe("a night PuppetDB fails: the snapshot is written with the defaults, one WARN, a counted warning; a rerun fills in", () => {
  const stops: { stop(force?: boolean): unknown }[] = [];
  afterAll(() => {
    for (const s of stops) s.stop(true);
  });

  const JSON_TYPE = { "content-type": "application/json" };

  /**
   * A proxy in front of the real PuppetDB of the bed (stopped with the file): each request is sent
   * on as it came, and `answer` makes the reply from the query sent and the bed's whole answer.
   */
  function proxyToBed(answer: (query: string, text: string, status: number) => Promise<Response>): ReturnType<typeof Bun.serve> {
    const proxy = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(req) {
        const query = await req.text();
        const upstream = await fetch(`${bed.url}${new URL(req.url).pathname}`, { method: req.method, headers: JSON_TYPE, body: query || undefined });
        return answer(query, await upstream.text(), upstream.status);
      },
    });
    stops.push(proxy);
    return proxy;
  }

  /** The degraded run's checks: exit 0, every server loaded with the PuppetDB columns at their defaults, the warning everywhere. */
  async function degraded(dw: TestWarehouse, r: CliResult, reason: string, message: string | RegExp, metrics?: string) {
    ok("etl", r);
    const values = await columnValues(dw);
    expect(values.size).toBe(fleet.length);
    expect([...values.values()].every((v) => Bun.deepEquals(v, DEFAULTS))).toBe(true);
    const warns = warnLines(r);
    expect(warns, r.stderr).toHaveLength(1);
    if (typeof message === "string") expect(warns[0]).toContain(message);
    else expect(warns[0]).toMatch(message);
    expect(warns[0]).toContain("tonight's PuppetDB columns (os_cpu_count, os_release, is_virtual, mem_bytes, facts_at) hold their defaults, and a later etl of this day fills them in");
    expect(r.stdout).toMatch(new RegExp(`warnings [^;]*\\bpuppetdb_${reason}=1\\b`));
    expect(r.stdout).toContain(`puppetdb ${reason}: its columns hold their defaults (rerun etl to fill them)`);
    expect((await lastWarnings(dw))[`puppetdb_${reason}`]).toBe(1);
    if (metrics) {
      const m = parseExposition(readFileSync(metrics, "utf8"));
      expect(valueOf(m, "serverdb_etl_puppetdb_up", { command: "etl" })).toBe(0);
      expect(valueOf(m, "serverdb_etl_exit_code", { command: "etl" })).toBe(0);
      expect(valueOf(m, "serverdb_etl_warnings", { command: "etl", column: `puppetdb_${reason}` })).toBe(1);
    }
  }

  async function filledIn(dw: TestWarehouse) {
    ok("rerun", await etl(dw, ruleConfig("fqdn")));
    expect(firstMismatch(await columnValues(dw), expected("fqdn").rows)).toBeUndefined();
    expect(Object.keys(await lastWarnings(dw)).filter((k) => k.startsWith("puppetdb"))).toEqual([]);
  }

  test("down (nothing listens): unreachable; the rerun of the day fills the columns in", async () => {
    const [port] = await freePorts(1);
    const url = `http://127.0.0.1:${port}`;
    const cfg = ruleConfig("fqdn", { url });
    const dw = await initialized("sqlite", cfg);
    const metrics = join(dir, "down.prom");
    await degraded(dw, await etl(dw, cfg, ["--metrics-file", metrics]), "unreachable", `PuppetDB at ${url} is unreachable (ECONNREFUSED); check [puppetdb] url and that PuppetDB runs`, metrics);
    await filledIn(dw);
  }, 180_000);

  test("frozen (SIGSTOP) for the whole run: a timeout after timeout_s; nothing hangs", async () => {
    const cfg = ruleConfig("fqdn", { timeout_s: 1 });
    const dw = await initialized("sqlite", cfg);
    process.kill(bed.pid, "SIGSTOP");
    let r: CliResult;
    try {
      r = await etl(dw, cfg, [], 60_000);
    } finally {
      process.kill(bed.pid, "SIGCONT");
    }
    await degraded(dw, r, "timeout", `PuppetDB at ${bed.url} did not answer the factsets (producer_timestamp) query within 1 s ([puppetdb] timeout_s)`);
    await filledIn(dw);
  }, 180_000);

  test("stalled mid-answer (a proxy that stops forwarding the inventory answer after its first bytes): a timeout, the rows read so far dropped", async () => {
    // Of the inventory answer only the first 300 bytes, then silence; the other answers whole.
    const proxy = proxyToBed(async (query, text, status) => {
      if (!query.includes("inventory[")) return new Response(text, { status, headers: JSON_TYPE });
      return new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(text.slice(0, 300))) }), { headers: JSON_TYPE });
    });
    const url = `http://127.0.0.1:${proxy.port}`;
    const cfg = ruleConfig("fqdn", { url, timeout_s: 1 });
    const dw = await initialized("sqlite", cfg);
    await degraded(dw, await etl(dw, cfg, [], 60_000), "timeout", `PuppetDB at ${url} did not answer the inventory query within 1 s`);
  }, 120_000);

  test("slow but within timeout_s (a proxy that holds each answer 1.5 s, timeout_s 3): read in full, every row as the oracle computes it", async () => {
    const proxy = proxyToBed(async (_query, text, status) => {
      await Bun.sleep(1500);
      return new Response(text, { status, headers: JSON_TYPE });
    });
    const cfg = ruleConfig("fqdn", { url: `http://127.0.0.1:${proxy.port}`, timeout_s: 3 });
    const dw = await initialized("sqlite", cfg);
    const r = ok("etl", await etl(dw, cfg));
    expect(warnLines(r)).toEqual([]);
    expect(firstMismatch(await columnValues(dw), expected("fqdn").rows)).toBeUndefined();
    expect(r.stdout).toContain(summaryPart(expected("fqdn")));
  }, 120_000);

  test("answering junk: malformed, one line", async () => {
    const junk = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("<html><body>Welcome to nginx!</body></html>", { headers: { "content-type": "text/html" } }) });
    stops.push(junk);
    const url = `http://127.0.0.1:${junk.port}`;
    const cfg = ruleConfig("fqdn", { url });
    const dw = await initialized("sqlite", cfg);
    await degraded(dw, await etl(dw, cfg), "malformed", `PuppetDB at ${url}: the answer to the factsets (producer_timestamp) query is malformed: it is not a JSON array`);
  }, 120_000);

  test("a Ctrl-C while the run waits for a PuppetDB that never answers stops it at once (exit 130), the scratch file gone", async () => {
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    stops.push(silent);
    const cfg = ruleConfig("fqdn", { url: `http://127.0.0.1:${silent.port}`, timeout_s: 60 });
    const dw = await initialized("sqlite", cfg);
    const scratch = () => readdirSync(tmpdir()).filter((n) => n.startsWith("serverdb-etl-puppetdb-")).length;
    const before = scratch();
    const proc = Bun.spawn([process.execPath, "run", join(REPO_ROOT, "src/cli.ts"), "etl", "--config", cfg, "--source", dsn(servers().primary, source), "--target", dw.dsn, "--report-date", DAY, "--replace-past-day"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
    // Until the run is waiting: its etl_runs row is written after PuppetDB's read has started.
    const until = Date.now() + 30_000;
    while ((await withWarehouse(dw, async (db) => Number((await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM etl_runs"))[0]!.n))) === 0) {
      if (Date.now() > until) throw new Error("the run never started");
      await Bun.sleep(100);
    }
    await Bun.sleep(300);
    expect(scratch()).toBe(before + 1);
    const sent = performance.now();
    proc.kill("SIGINT");
    const [code, stdout] = await Promise.all([proc.exited, new Response(proc.stdout).text()]);
    expect(code).toBe(130);
    expect(performance.now() - sent).toBeLessThan(5_000);
    expect(stdout).toContain("interrupted (exit 130)");
    expect(scratch()).toBe(before);
    expect(await withWarehouse(dw, async (db) => (await db.query<{ status: string }>("SELECT status FROM etl_runs"))[0]!.status)).toBe("failed");
  }, 60_000);

  test("run (the nightly job) goes on with aggregate and expire and exits 0", async () => {
    const [port] = await freePorts(1);
    const cfg = ruleConfig("fqdn", { url: `http://127.0.0.1:${port}` });
    const dw = await initialized("sqlite", cfg);
    const r = ok("run", await runCli(["run", "--config", cfg, "--source", dsn(servers().primary, source), "--target", dw.dsn, "--report-date", DAY, "--replace-past-day"], { timeoutMs: 120_000 }));
    expect(r.stdout).toMatch(/^etl 2026-11-20 run \d+: ok, .*warnings [^;]*\bpuppetdb_unreachable=1\b.*; puppetdb unreachable: its columns hold their defaults/m);
    expect(r.stdout).toMatch(/^run 2026-11-20: ok, /m);
    expect(warnLines(r)).toHaveLength(1);
  }, 120_000);
});

describe("backfill", () => {
  test("backfilled days hold the PuppetDB columns' defaults, and the summary says so in one line", async () => {
    const cfg = ruleConfig("fqdn");
    const dw = await initialized("sqlite", cfg);
    const days = ["2026-11-17", "2026-11-18"];
    const r = ok("backfill", await runCli(["backfill", "--config", cfg, "--source", dsn(servers().primary, source), "--target", dw.dsn, "--from", days[0]!, "--to", days[1]!, "--timezone", "UTC", "--keep-daily", "30"], { timeoutMs: 180_000 }));
    expect(r.stdout).toContain("PuppetDB columns at their defaults (PuppetDB keeps no past facts): os_cpu_count, os_release, is_virtual, mem_bytes, facts_at");
    for (const day of days) {
      const values = await columnValues(dw, day);
      expect(values.size).toBeGreaterThan(FLEET / 2);
      expect([...values.values()].every((v) => Bun.deepEquals(v, DEFAULTS))).toBe(true);
    }
  }, 240_000);
});

describe("doctor with [puppetdb]", () => {
  interface Row {
    role: string;
    endpoint: string;
    check: string;
    result: string;
    detail: string;
    fix?: string;
  }
  async function doctor(cfg: string, withSource = true): Promise<{ exitCode: number; rows: Row[] }> {
    const r = await runCli(["doctor", "--json", "--config", cfg, ...(withSource ? ["--source", dsn(servers().primary, source)] : [])], { timeoutMs: 60_000 });
    const rows = (JSON.parse(r.stdout) as { checks: Row[] }).checks.filter((c) => c.role === "puppetdb");
    return { exitCode: r.exitCode, rows };
  }
  const row = (rows: Row[], check: string) => rows.find((r) => r.check === check);

  test("reaches PuppetDB, samples the mapping on the first nodes, counts the servers that would match as etl does", async () => {
    const { exitCode, rows } = await doctor(ruleConfig("fqdn"));
    expect(exitCode).toBe(0);
    expect(rows.map((r) => r.check)).toEqual(["connect", "tls", "mapping", "match"]);
    expect(rows.every((r) => r.endpoint === bed.url)).toBe(true);
    expect(row(rows, "connect")).toMatchObject({ result: "ok", detail: `PuppetDB ${bed.version} answers (query API v4)` });
    expect(row(rows, "tls")!.detail).toStartWith("plain http on loopback");
    // The first five active nodes in certname order (the bed's collation is code-point order), judged here.
    const sample = [...nodes].sort((a, b) => (a.certname < b.certname ? -1 : 1)).slice(0, 5);
    const fits: [string, (v: unknown) => boolean, string][] = [
      ["processors.count", Number.isInteger, "int"],
      ["os.release.full", (v) => typeof v === "string", "varchar(10)"],
      ["is_virtual", (v) => typeof v === "boolean", "bool"],
      ["memory.system.total_bytes", Number.isInteger, "bigint"],
    ];
    const per = fits.map(([path, fit, type]) => {
      const values = sample.map((n) => dig(n.facts, path));
      const wrong = values.filter((v) => v !== undefined && !fit(v));
      return `${path} ${values.filter((v) => v !== undefined && fit(v)).length}/5${wrong.length ? ` (${wrong.length} of the wrong type for ${type}, e.g. ${JSON.stringify(wrong[0])})` : ""}`;
    });
    expect(row(rows, "mapping")!.detail).toBe(`5 nodes sampled (${sample[0]!.certname}, ${sample[1]!.certname}, …): ${per.join(", ")}`);
    const e = expected("fqdn");
    expect(row(rows, "match")).toEqual({
      role: "puppetdb",
      endpoint: bed.url,
      check: "match",
      result: "ok",
      detail: `${e.matched} of ${FLEET} servers would match a node (match = "fqdn", domain = "${DOMAIN}"); ${e.withoutNode} without a node; ${e.nodesWithoutServer} of ${nodes.length} active nodes match no server`,
    });
  }, 60_000);

  test("over HTTPS with the bed's CA and client certificate: the TLS row says what was verified", async () => {
    const { https } = bed;
    const { exitCode, rows } = await doctor(ruleConfig("fqdn", { url: https.url, ca_file: https.caFile, cert_file: https.client.certFile, key_file: https.client.keyFile }), false);
    expect(exitCode).toBe(0);
    expect(row(rows, "tls")).toMatchObject({ result: "ok", detail: `PuppetDB's certificate verified against ${https.caFile}; the client certificate ${https.client.certFile} was accepted` });
    expect(row(rows, "match")).toMatchObject({ result: "ok", detail: "not counted: no source given (pass --source to count the servers that would match)" });
  }, 60_000);

  test("a CA that did not sign PuppetDB's certificate: the tls row fails with its fix (exit 4)", async () => {
    const { https } = bed;
    const { exitCode, rows } = await doctor(ruleConfig("fqdn", { url: https.url, ca_file: https.client.certFile, cert_file: https.client.certFile, key_file: https.client.keyFile }), false);
    expect(exitCode).toBe(4);
    expect(rows.map((r) => [r.check, r.result])).toEqual([["connect", "fail"], ["tls", "fail"]]);
    expect(row(rows, "tls")!.detail).toStartWith(`PuppetDB at ${https.url}: TLS failed (`);
    expect(row(rows, "tls")!.fix).toStartWith("ca_file must be the CA that signed PuppetDB's certificate");
  }, 60_000);

  test("a certificate PuppetDB's allowlist does not name: HTTP 403 on a row, the fix names the certificate", async () => {
    const { https } = bed;
    const { exitCode, rows } = await doctor(ruleConfig("fqdn", { url: https.url, ca_file: https.caFile, cert_file: https.intruder.certFile, key_file: https.intruder.keyFile }), false);
    expect(exitCode).toBe(4);
    const refused = rows.find((r) => r.result === "fail")!;
    expect(refused.detail).toMatch(/ with HTTP 403/);
    expect(refused.fix).toBe("PuppetDB refused this client certificate: add its name (the certificate's CN) to the file PuppetDB's certificate-allowlist setting names, or use a certificate listed there");
  }, 60_000);

  test("PuppetDB down: one failing connect row with the fix (exit 4)", async () => {
    const [port] = await freePorts(1);
    const { exitCode, rows } = await doctor(ruleConfig("fqdn", { url: `http://127.0.0.1:${port}` }));
    expect(exitCode).toBe(4);
    expect(rows).toEqual([{ role: "puppetdb", endpoint: `http://127.0.0.1:${port}`, check: "connect", result: "fail", detail: `PuppetDB at http://127.0.0.1:${port} is unreachable (ECONNREFUSED)`, fix: "check [puppetdb] url and that PuppetDB runs" }]);
  }, 60_000);

  test("a fact no node has, and a domain no certname has: warnings with their fixes (exit 0)", async () => {
    const cfg = join(dir, "doctor-typo.toml");
    writeFileSync(cfg, `[puppetdb]\nurl = "${bed.url}"\nmatch = "fqdn"\ndomain = "dc2.example.com"\n\n[[facts.columns]]\nname = "os_cpu_count"\ntype = "int"\ndefault = -1\npuppetdb = "processor.count"\n`);
    const { exitCode, rows } = await doctor(cfg);
    expect(exitCode).toBe(0);
    expect(row(rows, "mapping")).toMatchObject({ result: "warn", detail: "5 nodes sampled (" + [...nodes].map((n) => n.certname).sort()[0] + ", " + [...nodes].map((n) => n.certname).sort()[1] + ", …): processor.count 0/5" });
    expect(row(rows, "mapping")!.fix).toBe("no sampled node has processor.count: check the path with `facter -p processor.count` on a node (a fact's name and its keys, dotted, e.g. os.release.full)");
    expect(row(rows, "match")).toMatchObject({ result: "warn", detail: `0 of ${FLEET} servers would match a node (match = "fqdn", domain = "dc2.example.com"); ${FLEET} without a node; ${nodes.length} of ${nodes.length} active nodes match no server` });
    expect(row(rows, "match")!.fix).toBe('the certname must be the server\'s name + ".dc2.example.com"; check domain, or use match = "name"');
  }, 60_000);
});
