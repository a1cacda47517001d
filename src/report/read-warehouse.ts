// The report's reads (sql/report/*.sql), SELECT only: days and their run kinds, the aggregates
// per dimension for chosen days, and one fact day for retirements and power. Rows come back
// typed, with numbers as numbers; nothing else here computes.
import type { Db } from "../engine/db.ts";
import { engineOf } from "../engine/index.ts";
import { SQL } from "../sql.ts";

/** The tables the report reads; all but server_retirements are required. */
export const REPORT_TABLES = ["server_by_site", "server_by_team", "server_by_vendor_model", "server_facts", "etl_runs", "server_retirements"] as const;

export interface AggregateRow {
  day: string;
  /** team name or site shortname; for models the raw manufacturer and model. */
  key: string;
  manufacturer?: string;
  model?: string;
  status: string;
  servers: number;
  cpu_sockets: number;
  cpu_cores: number;
  memory_gib: number;
}

export interface AgeRow {
  manufacturer: string;
  model: string;
  asset_type: string;
  team: string;
  site: string;
  status: string;
  /** 'YYYY-MM' the server entered service. */
  since_month: string;
  delivery_known: boolean;
  servers: number;
}

export interface RackRow {
  site: string;
  rack: string;
  manufacturer: string;
  model: string;
  status: string;
  servers: number;
}

export interface RetirementSeenRow {
  day: string;
  manufacturer: string;
  model: string;
  asset_type: string;
  in_service_since: string;
  delivery_known: boolean;
}

const day = (v: unknown) => String(v).slice(0, 10);
const num = (v: unknown) => Number(v ?? 0);

/** Which of REPORT_TABLES exist. */
export async function presentTables(db: Db): Promise<Set<string>> {
  const live = await engineOf(db).catalog.readLive(db, REPORT_TABLES);
  return new Set([...live.keys()]);
}

export async function aggregatedDays(db: Db): Promise<string[]> {
  return (await db.query<{ report_date: unknown }>(SQL.reportAggregatedDays)).map((r) => day(r.report_date));
}

/** The kind of run ('etl' or 'backfill') behind each day's snapshot. */
export async function dayKinds(db: Db): Promise<Map<string, string>> {
  const rows = await db.query<{ report_date: unknown; kind: unknown }>(SQL.reportDayKinds);
  return new Map(rows.map((r) => [day(r.report_date), String(r.kind)]));
}

const DIMENSION_SQL = { team: SQL.reportTeamDays, site: SQL.reportSiteDays, model: SQL.reportModelDays } as const;

/** One dimension's aggregate rows on `days` (one `?` per day: values are never spliced into the SQL). */
export async function aggregateRows(db: Db, dimension: keyof typeof DIMENSION_SQL, days: readonly string[]): Promise<AggregateRow[]> {
  if (days.length === 0) return [];
  const sql = DIMENSION_SQL[dimension].replace("{days}", days.map(() => "?").join(", "));
  const rows = await db.query<Record<string, unknown>>(sql, days);
  return rows.map((r) => ({
    day: day(r.report_date),
    key: dimension === "model" ? "" : String(r.k),
    ...(dimension === "model" ? { manufacturer: String(r.manufacturer), model: String(r.model) } : {}),
    status: String(r.status),
    servers: num(r.servers),
    cpu_sockets: num(r.cpu_sockets),
    cpu_cores: num(r.cpu_cores),
    memory_gib: num(r.memory_gib),
  }));
}

/** The newest day with facts on or before `upto`, or null. */
export async function newestFactDay(db: Db, upto: string): Promise<string | null> {
  const [row] = await db.query<{ report_date: unknown }>(SQL.reportNewestFactDay, [upto]);
  return row?.report_date ? day(row.report_date) : null;
}

/** `v` without trailing blanks: utf8mb4_bin is PAD SPACE and SQLite's text COLLATE RTRIM, so a GROUP BY ignores them. */
const padded = (v: string) => (v.endsWith(" ") ? v.replace(/ +$/, "") : v);

/**
 * The servers not retired on `factDay`, folded as they stream into the retirement section's
 * groups (ages) and the power section's (racks): memory per group, not per server. Groups are
 * those a GROUP BY makes on either warehouse: values that differ only in trailing blanks are one
 * group, named by the first value seen.
 */
export async function dayServers(db: Db, factDay: string): Promise<{ ages: AgeRow[]; racks: RackRow[] }> {
  const ages = new Map<string, AgeRow>();
  const racks = new Map<string, RackRow>();
  for await (const r of db.stream<Record<string, unknown>>(SQL.reportDayServers, [factDay])) {
    const manufacturer = String(r.manufacturer);
    const model = String(r.model);
    const site = String(r.site);
    const status = String(r.status);
    const rack = String(r.rack);
    const team = String(r.wou_name);
    const assetType = String(r.asset_type);
    const since = String(r.since_month);
    const known = num(r.delivery_known) === 1;
    const common = `${padded(manufacturer)}\u0000${padded(model)}\u0000${padded(site)}\u0000${padded(status)}`;
    const ageKey = `${common}\u0000${padded(assetType)}\u0000${padded(team)}\u0000${since}\u0000${known ? 1 : 0}`;
    const age = ages.get(ageKey);
    if (age) age.servers++;
    else ages.set(ageKey, { manufacturer, model, asset_type: assetType, team, site, status, since_month: since, delivery_known: known, servers: 1 });
    const rackKey = `${common}\u0000${padded(rack)}`;
    const seen = racks.get(rackKey);
    if (seen) seen.servers++;
    else racks.set(rackKey, { site, rack, manufacturer, model, status, servers: 1 });
  }
  return { ages: [...ages.values()], racks: [...racks.values()] };
}

export async function retirementsSeen(db: Db, upto: string): Promise<RetirementSeenRow[]> {
  const rows = await db.query<Record<string, unknown>>(SQL.reportRetirementsSeen, [upto]);
  return rows.map((r) => ({
    day: day(r.report_date),
    manufacturer: String(r.manufacturer),
    model: String(r.model),
    asset_type: String(r.asset_type),
    in_service_since: day(r.in_service_since),
    delivery_known: num(r.delivery_known) === 1,
  }));
}
