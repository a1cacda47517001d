// The test oracle for `aggregate`: the server_by_* rows that a day's server_facts and
// server_fact_roles rows should give, computed from docs/data-contract.md's "Aggregates" tables in plain
// TypeScript (Maps and loops), and the server_retirements rows that a day's facts and those of
// the fact day before it give. Independent of the code under test on purpose: it imports
// nothing from src/ but a type, nor from sql/, and takes rows as `SELECT *` returns them.
//
// Choices spelled out here so a reviewer can challenge them:
// - a count is known when it is >= 0 (-1 is the sentinel; no negative value is a count);
// - a server without any role is not in server_by_puppet_service; a role without a service
//   counts under '';
// - text groups are exact values except for trailing spaces: MariaDB's and MySQL's
//   utf8mb4_bin is a PAD SPACE collation ('svc' = 'svc '), so a GROUP BY there forms one
//   group for both and keeps one of the two spellings. The oracle groups on the value with
//   trailing spaces removed and compares dimension values that way;
// - server_retirements: a server is in it on day D when its fact on D has status 'retired' and
//   its fact on the previous fact day (the newest day with facts before D, found here from the
//   days the rows cover) has 'in_use'; in_service_since is its delivery_date, else the date part
//   of created_at, and delivery_known says which. The first day has no previous day: no rows.

import type { Db } from "../../src/engine/db.ts";

/** Dimensions per table, from docs/data-contract.md (puppet_service comes from the bridge). */
export const EXPECTED_DIMENSIONS: Record<string, readonly string[]> = {
  server_by_site: ["site", "region"],
  server_by_puppet_service: ["puppet_service"],
  server_by_vendor_model: ["manufacturer", "model", "asset_type"],
  server_by_team: ["wou_id", "wou_name"],
  server_by_cpu: ["cpu_version"],
};

/** The sparse table the oracle computes from two fact days; with the above, every aggregate table. */
export const RETIREMENTS = "server_retirements";
export const EXPECTED_TABLES: readonly string[] = [...Object.keys(EXPECTED_DIMENSIONS), RETIREMENTS];

type Row = Record<string, unknown>;

/** A value as a group sees it: text without trailing spaces (PAD SPACE), numbers as text. */
function groupValue(v: unknown): string {
  return String(v).replace(/ +$/, "");
}

/** Decimal text ('512.250', '-1.5', 512.25) → thousandths, exactly (bigint). */
export function thousandths(v: unknown): bigint {
  if (typeof v === "number") return BigInt(Math.round(v * 1000));
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(String(v).trim());
  if (!m) throw new Error(`not a decimal: ${JSON.stringify(v)}`);
  const n = BigInt((m[2] || "0") + (m[3] ?? "").padEnd(3, "0").slice(0, 3));
  return m[1] === "-" ? -n : n;
}

/** A date as both engines return it ('2026-11-20'), or the date part of a datetime's text. */
function dayOf(v: unknown): string {
  return String(v).slice(0, 10);
}

/** A server_retirements row as one line: `date|id|previous_day|manufacturer|model|asset_type|site|wou_name|in_service_since|delivery_known`. */
function retirementLine(row: Row): string {
  return [
    dayOf(row.report_date),
    String(Number(row.id)),
    dayOf(row.previous_day),
    ...["manufacturer", "model", "asset_type", "site", "wou_name"].map((c) => String(row[c])),
    dayOf(row.in_service_since),
    String(Number(row.delivery_known)),
  ].join("|");
}

/**
 * A row as one comparable line: `date|dim…|status|servers|sockets|cores|memory‰` for the
 * server_by_* tables, retirementLine's for server_retirements.
 */
export function aggregateLine(table: string, row: Row): string {
  if (table === RETIREMENTS) return retirementLine(row);
  const dims = EXPECTED_DIMENSIONS[table].map((d) => groupValue(row[d]));
  return [
    String(row.report_date),
    ...dims,
    groupValue(row.status),
    String(Number(row.servers)),
    String(Number(row.cpu_sockets)),
    String(Number(row.cpu_cores)),
    String(thousandths(row.memory_gib)),
  ].join("|");
}

interface Acc {
  servers: number;
  sockets: number;
  cores: number;
  memory: bigint;
}

function add(groups: Map<string, Acc>, key: string, fact: Row): void {
  const count = Number(fact.cpu_count);
  const perSocket = Number(fact.cpu_cores);
  const acc = groups.get(key) ?? { servers: 0, sockets: 0, cores: 0, memory: 0n };
  acc.servers += 1;
  if (count >= 0) acc.sockets += count;
  if (count >= 0 && perSocket >= 0) acc.cores += count * perSocket;
  acc.memory += thousandths(fact.memory);
  groups.set(key, acc);
}

/**
 * server_retirements' lines (sorted) for the days of `facts`; `earlier` holds facts of other days,
 * read only as previous fact days. The previous fact day of D is the newest day below D among
 * all the rows given, so the caller passes every day that could be it (previousFactDays).
 */
export function expectedRetirements(facts: readonly Row[], earlier: readonly Row[] = []): string[] {
  const byDay = new Map<string, Map<number, Row>>();
  for (const f of [...facts, ...earlier]) {
    const day = dayOf(f.report_date);
    const servers = byDay.get(day) ?? new Map<number, Row>();
    servers.set(Number(f.id), f);
    byDay.set(day, servers);
  }
  const allDays = [...byDay.keys()].sort();
  const out: string[] = [];
  for (const f of facts) {
    if (groupValue(f.status) !== "retired") continue;
    const day = dayOf(f.report_date);
    const previous = allDays.filter((d) => d < day).at(-1);
    const before = previous === undefined ? undefined : byDay.get(previous)!.get(Number(f.id));
    if (!before || groupValue(before.status) !== "in_use") continue;
    const known = f.delivery_date !== null && f.delivery_date !== undefined;
    out.push(
      retirementLine({
        ...f,
        previous_day: previous,
        in_service_since: known ? f.delivery_date : f.created_at,
        delivery_known: known ? 1 : 0,
      }),
    );
  }
  return out.sort();
}

/**
 * Of `allDays` (every day with facts), the previous fact day of each of `days` that is not one
 * of `days` itself: what a caller must add (as `earlier`) so the oracle sees each day's predecessor.
 */
export function previousFactDays(allDays: readonly string[], days: readonly string[]): string[] {
  const sorted = [...new Set(allDays.map(dayOf))].sort();
  const out = new Set<string>();
  for (const day of days) {
    const previous = sorted.filter((d) => d < dayOf(day)).at(-1);
    if (previous !== undefined && !days.includes(previous)) out.add(previous);
  }
  return [...out].sort();
}

/** Placeholders for an IN list of `n` values, as both engines take them. */
const inList = (n: number) => `(${Array(n).fill("?").join(", ")})`;

/**
 * The oracle for `days` of the warehouse behind `db`: the days' facts and bridge rows, plus the
 * facts of each day's previous fact day (found here, in TypeScript, from the list of days).
 */
export async function expectedAggregatesIn(db: Db, days: readonly string[]): Promise<Record<string, string[]>> {
  const allDays = (await db.query<{ d: string }>("SELECT DISTINCT report_date AS d FROM server_facts")).map((r) => dayOf(r.d));
  const facts = await db.query(`SELECT * FROM server_facts WHERE report_date IN ${inList(days.length)}`, [...days]);
  const roles = await db.query(`SELECT * FROM server_fact_roles WHERE report_date IN ${inList(days.length)}`, [...days]);
  const previous = previousFactDays(allDays, days);
  const earlier = previous.length ? await db.query(`SELECT * FROM server_facts WHERE report_date IN ${inList(previous.length)}`, previous) : [];
  return expectedAggregates(facts, roles, earlier);
}

/**
 * Expected lines per table (sorted) for the given facts and bridge rows (any number of days).
 * Facts need report_date, id, status, the dimension columns, cpu_count, cpu_cores, memory (and
 * delivery_date, created_at for server_retirements); bridge rows need report_date, id,
 * puppet_service. `earlier`: facts of other days, only as previous fact days (expectedRetirements).
 */
export function expectedAggregates(facts: readonly Row[], roles: readonly Row[], earlier: readonly Row[] = []): Record<string, string[]> {
  const out: Record<string, string[]> = { [RETIREMENTS]: expectedRetirements(facts, earlier) };
  const servicesOf = new Map<string, Set<string>>();
  for (const r of roles) {
    const key = `${r.report_date}|${r.id}`;
    const set = servicesOf.get(key) ?? new Set<string>();
    set.add(groupValue(r.puppet_service));
    servicesOf.set(key, set);
  }
  for (const [table, dims] of Object.entries(EXPECTED_DIMENSIONS)) {
    const groups = new Map<string, Acc>();
    for (const f of facts) {
      const status = groupValue(f.status);
      if (table === "server_by_puppet_service") {
        for (const service of servicesOf.get(`${f.report_date}|${f.id}`) ?? []) {
          add(groups, [f.report_date, service, status].join("|"), f);
        }
      } else {
        add(groups, [f.report_date, ...dims.map((d) => groupValue(f[d])), status].join("|"), f);
      }
    }
    out[table] = [...groups.entries()]
      .map(([key, a]) => `${key}|${a.servers}|${a.sockets}|${a.cores}|${a.memory}`)
      .sort();
  }
  return out;
}
