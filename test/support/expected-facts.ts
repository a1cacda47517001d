// The test oracle for `etl`: the server_facts and server_fact_roles rows a ServerDB should
// produce, computed from docs/data-contract.md alone. Independent of the code under test on purpose: it
// imports nothing from src/transform, src/pipeline or sql/, reads each source table with a
// plain `SELECT *`, joins them in Maps and applies the rules as plainly as possible (it runs
// on a few thousand servers; obviously-correct beats fast).
//
// Where the contract's original rules are silent the oracle takes the choice the transform documents (listed
// below, so a reviewer can see and challenge each one).
import type { MysqlDb } from "../../src/engine/mysql/mysql-db.ts";
import type { Db } from "../../src/engine/db.ts";
import { quoteIdent } from "../../src/engine/ident.ts";

// Choices the original contract left open (docs/data-contract.md marks them "documented choice"); each matches the documented choice of src/transform:
// - status: surrounding blanks are trimmed before lower-casing; blank → '<unknown>'.
// - region: a blank region or availability-zone short name counts as unknown.
// - ip_address: trimmed; blank → NULL.
// - role_names / puppet_services: '' is left out of the comma lists (',web' would be noise).
// - mac_address: six groups use ONE separator throughout ('aa:bb-cc:…' is rejected).
// - cpu_version: the speed suffix starts at the first '@'; step 1 compares trimmed and
//   case-insensitively; a "word" is a run of non-blank characters.
// - cpu_cores: a parsed '0-Core' is no information (-1).
// - delivery_date: MySQL's zero date '0000-00-00' is NULL.

const UNKNOWN = "<unknown>";

/** Column widths of docs/data-contract.md (characters = Unicode code points). */
export const FACT_WIDTHS: Record<string, number> = {
  name: 128,
  asset_type: 32,
  serialnumber: 64,
  ip_address: 45,
  mac_address: 17,
  status: 16,
  site: 8,
  region: 25,
  role_ids: 255,
  puppet_services: 255,
  role_names: 255,
  rack: 128,
  cpu_version: 64,
  manufacturer: 64,
  model: 64,
  owner: 20,
  wou_name: 80,
};
const ROLE_WIDTHS: Record<string, number> = { role_name: 64, puppet_service: 64, wou_name: 80 };

/** docs/data-contract.md's CPU drop words ("CPU cleanup", step 3). */
const CPU_DROP_WORDS = ["intel(r)", "xeon(r)", "amd", "dual-core", "0", "virtual", "cpu", "processor"];

/** The compared columns of server_facts (all but report_date and etl_run_id), table order. */
export const FACT_COMPARED = [
  "id", "name", "asset_type", "serialnumber", "delivery_date", "ip_address", "mac_address", "status", "site",
  "region", "role_ids", "puppet_services", "role_names", "rack", "cpu_version", "cpu_count", "cpu_cores",
  "cpu_threads", "memory", "network_speed", "manufacturer", "model", "owner", "wou_id", "wou_name",
  "created_at", "last_edit",
] as const;
export const ROLE_COMPARED = ["id", "role_id", "role_name", "puppet_service", "wou_id", "wou_name"] as const;

/** A row with every value as text (or null), so numbers, bigints and decimals compare exactly. */
export type TextRow = Record<string, string | null>;

export interface Expected {
  /** server_facts rows without report_date/etl_run_id, sorted by id. */
  facts: TextRow[];
  /** server_fact_roles rows without report_date/etl_run_id, sorted by (id, role_id). */
  roles: TextRow[];
  /** Expected warnings of server_facts columns: cuts, and unparsable MAC addresses. */
  warnings: Record<string, number>;
}

type Src = Record<string, unknown>;

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return String(v);
}

/** Cut to `width` Unicode code points (Array.from splits by code point). */
export function cutChars(value: string, width: number): string {
  const chars = Array.from(value);
  return chars.length <= width ? value : chars.slice(0, width).join("");
}

/** Code-point order = UTF-8 byte order, which is what utf8mb4_bin sorts by. */
function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function byNumber(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

async function table(db: MysqlDb, name: string): Promise<Src[]> {
  return db.query<Src>(`SELECT * FROM ${quoteIdent(name)}`);
}

function indexBy(rows: Src[], key: string): Map<string, Src> {
  const map = new Map<string, Src>();
  for (const r of rows) map.set(String(r[key]), r);
  return map;
}

function lookup(map: Map<string, Src>, id: unknown): Src | undefined {
  return id === null || id === undefined ? undefined : map.get(String(id));
}

/** docs/data-contract.md "CPU cleanup", steps 1–4. */
export function cleanCpu(raw: string | null): string {
  if (raw === null) return UNKNOWN;
  const trimmedLower = raw.trim().toLowerCase();
  if (trimmedLower === "<unknown>" || trimmedLower === "not specified") return UNKNOWN;
  let s = raw.toLowerCase();
  const at = s.indexOf("@");
  if (at !== -1) s = s.substring(0, at);
  const kept: string[] = [];
  for (const word of s.split(/\s+/)) {
    if (word === "") continue;
    if (CPU_DROP_WORDS.includes(word)) continue;
    kept.push(word);
  }
  let out = kept.join(" ");
  while (out.includes("- ")) out = out.replace("- ", "-");
  return out === "" ? UNKNOWN : out;
}

/** Cores per socket: servers_cpu.cores, else parsed from the raw version, else -1. */
export function coresOf(cores: unknown, raw: string | null): number {
  if (cores !== null && cores !== undefined) return Number(cores);
  if (raw === null) return -1;
  const words: Record<string, number> = { "dual-core": 2, "quad-core": 4, "six-core": 6, "eight-core": 8 };
  for (const word of raw.toLowerCase().split(/\s+/)) {
    const m = /^(\d+)-core$/.exec(word);
    if (m && Number(m[1]) > 0) return Number(m[1]);
    if (word in words) return words[word]!;
  }
  return -1;
}

const HEX = "0123456789abcdef";
function isHex(s: string): boolean {
  return s.length > 0 && [...s].every((c) => HEX.includes(c));
}

/** docs/data-contract.md "MAC addresses"; undefined means "unparsable" (NULL plus a warning). */
export function normalizeMacAddress(raw: string): string | undefined {
  const s = raw.trim().toLowerCase();
  let groups: string[] | undefined;
  if (s.length === 12 && isHex(s)) {
    groups = [s.slice(0, 2), s.slice(2, 4), s.slice(4, 6), s.slice(6, 8), s.slice(8, 10), s.slice(10, 12)];
  } else if (s.length === 14 && s[4] === "." && s[9] === ".") {
    const bare = s.slice(0, 4) + s.slice(5, 9) + s.slice(10, 14);
    if (isHex(bare)) groups = [bare.slice(0, 2), bare.slice(2, 4), bare.slice(4, 6), bare.slice(6, 8), bare.slice(8, 10), bare.slice(10, 12)];
  } else {
    for (const sep of [":", "-"]) {
      const parts = s.split(sep);
      if (parts.length === 6 && parts.every((p) => p.length <= 2 && isHex(p))) {
        groups = parts.map((p) => (p.length === 1 ? "0" + p : p));
        break;
      }
    }
  }
  return groups?.join(":");
}

interface Role {
  id: string;
  name: string;
  puppetService: string | null;
  /** The managing team, when the role has one. */
  team: { orgUnit: string | null; name: string } | undefined;
}

/**
 * Read every source table of `db` (a connection to the ServerDB database, dateStrings on)
 * and return the rows `etl` must write for it.
 */
export async function expectedFacts(db: MysqlDb): Promise<Expected> {
  const assets = await table(db, "servers_asset");
  const racked = indexBy(await table(db, "servers_rackedasset"), "asset_ptr_id");
  const servers = indexBy(await table(db, "servers_server"), "rackedasset_ptr_id");
  const delivery = indexBy((await table(db, "servers_deliveryasset")).filter((d) => d.asset_id !== null), "asset_id");
  const sites = indexBy(await table(db, "servers_site"), "id");
  const zones = indexBy(await table(db, "servers_availabilityzone"), "id");
  const regions = indexBy(await table(db, "servers_region"), "id");
  const racks = indexBy(await table(db, "servers_rack"), "id");
  const cpus = indexBy(await table(db, "servers_cpu"), "id");
  const models = indexBy(await table(db, "servers_model"), "id");
  const makers = indexBy(await table(db, "servers_manufacturer"), "id");
  const teams = indexBy(await table(db, "servers_team"), "id");
  const roleRows = indexBy(await table(db, "servers_serverrole"), "id");
  const links = await table(db, "servers_server_role");

  const roleById = new Map<string, Role>();
  for (const [id, r] of roleRows) {
    const team = lookup(teams, r.managed_by);
    roleById.set(id, {
      id,
      name: String(r.name),
      puppetService: text(r.puppet_service),
      team: team ? { orgUnit: text(team.org_unit_id), name: String(team.name) } : undefined,
    });
  }
  const rolesOfServer = new Map<string, Set<string>>();
  for (const link of links) {
    const serverId = String(link.server_id);
    if (!rolesOfServer.has(serverId)) rolesOfServer.set(serverId, new Set());
    rolesOfServer.get(serverId)!.add(String(link.serverrole_id));
  }

  const warnings: Record<string, number> = {};
  const warn = (column: string) => {
    warnings[column] = (warnings[column] ?? 0) + 1;
  };
  const facts: TextRow[] = [];
  const bridge: TextRow[] = [];

  for (const asset of assets) {
    const id = String(asset.id);
    const ra = racked.get(id);
    const server = servers.get(id);
    if (!ra || !server) continue; // not a Server: switches, filers, bare assets

    const da = delivery.get(id);
    const site = lookup(sites, asset.site_id);
    const zone = site ? lookup(zones, site.availability_zone_id) : undefined;
    const region = zone ? lookup(regions, zone.region_id) : undefined;
    const rack = lookup(racks, ra.rack_id);
    const cpu = lookup(cpus, server.cpu_id);
    const model = lookup(models, server.model_id);
    const maker = model ? lookup(makers, model.manufacturer_id) : undefined;

    // Roles: distinct ids ascending numerically; the team of the lowest id that has one.
    const roleIds = [...(rolesOfServer.get(id) ?? [])].sort(byNumber);
    const roles = roleIds.map((rid) => roleById.get(rid)!);
    const names = [...new Set(roles.map((r) => r.name).filter((n) => n !== ""))].sort(byCodePoint);
    const services = [
      ...new Set(roles.map((r) => r.puppetService).filter((s): s is string => s !== null && s !== "")),
    ].sort(byCodePoint);
    const teamRole = roles.find((r) => r.team !== undefined);

    let mac: string | null = null;
    const rawMac = text(server.mac_address);
    if (rawMac !== null) {
      const normalized = normalizeMacAddress(rawMac);
      if (normalized === undefined) warn("mac_address");
      else mac = normalized;
    }

    const status = text(asset.status)?.trim().toLowerCase();
    const regionName = text(region?.shortname)?.trim();
    const zoneName = text(zone?.shortname)?.trim();
    const ip = text(server.ip_address)?.trim();
    const delivered = text(da?.delivery_date);

    const fact: TextRow = {
      id,
      name: text(asset.name) ?? "",
      asset_type: text(da?.asset_type) ?? UNKNOWN,
      serialnumber: text(asset.serialnumber) ?? "",
      delivery_date: delivered === null || delivered === "0000-00-00" ? null : delivered,
      ip_address: ip === undefined || ip === "" ? null : ip,
      mac_address: mac,
      status: status === undefined || status === "" ? UNKNOWN : status,
      site: text(site?.shortname) ?? "",
      region: regionName && zoneName ? `${region!.shortname}-${zone!.shortname}` : UNKNOWN,
      role_ids: roleIds.join(","),
      puppet_services: services.join(","),
      role_names: names.join(","),
      rack: text(rack?.name) ?? "",
      cpu_version: cleanCpu(text(cpu?.version)),
      cpu_count: String(server.cpu_count ?? -1),
      cpu_cores: String(coresOf(cpu?.cores, text(cpu?.version))),
      cpu_threads: String(cpu?.threads ?? -1),
      memory: text(server.memory) ?? "0.000",
      network_speed: String(server.network_speed ?? -1),
      manufacturer: text(maker?.name) ?? UNKNOWN,
      model: text(model?.name) ?? UNKNOWN,
      owner: text(asset.owner) ?? UNKNOWN,
      wou_id: teamRole?.team?.orgUnit ?? "-1",
      wou_name: teamRole?.team?.name ?? UNKNOWN,
      // 'YYYY-MM-DD HH:MM:SS.ffffff' → the first 19 characters: fraction dropped, never rounded.
      created_at: String(asset.created_at).substring(0, 19),
      last_edit: String(asset.last_edit).substring(0, 19),
    };
    for (const [column, width] of Object.entries(FACT_WIDTHS)) {
      const value = fact[column];
      if (value !== null && value !== undefined && Array.from(value).length > width) {
        fact[column] = cutChars(value, width);
        warn(column);
      }
    }
    facts.push(fact);

    for (const role of roles) {
      const row: TextRow = {
        id,
        role_id: role.id,
        role_name: role.name,
        puppet_service: role.puppetService ?? "",
        wou_id: role.team?.orgUnit ?? "-1",
        wou_name: role.team?.name ?? UNKNOWN,
      };
      for (const [column, width] of Object.entries(ROLE_WIDTHS)) row[column] = cutChars(row[column]!, width);
      bridge.push(row);
    }
  }

  facts.sort((a, b) => byNumber(a.id!, b.id!));
  bridge.sort((a, b) => byNumber(a.id!, b.id!) || byNumber(a.role_id!, b.role_id!));
  return { facts, roles: bridge, warnings };
}

/** Rows of the warehouse as TextRows of `columns`, sorted like the oracle's. */
export function normalizeRows(rows: Record<string, unknown>[], columns: readonly string[]): TextRow[] {
  const out = rows.map((r) => Object.fromEntries(columns.map((c) => [c, text(r[c])])) as TextRow);
  return out.sort((a, b) => byNumber(a.id!, b.id!) || (a.role_id != null ? byNumber(a.role_id, b.role_id!) : 0));
}

/**
 * undefined when `actual` equals `expected` row for row; otherwise one short paragraph naming
 * the first differing row and column (never the whole table).
 */
export function firstDifference(what: string, actual: TextRow[], expected: TextRow[]): string | undefined {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const key = (r: TextRow) => (r.role_id != null ? `id ${r.id} role ${r.role_id}` : `id ${r.id}`);
    if (key(a) !== key(e)) {
      return `${what}: row ${i}: got ${key(a)}, expected ${key(e)} (${actual.length} rows, expected ${expected.length})`;
    }
    for (const column of Object.keys(e)) {
      if (a[column] !== e[column]) {
        return `${what}: ${key(e)}: column ${column} is ${JSON.stringify(a[column])}, expected ${JSON.stringify(e[column])}\n  row: ${JSON.stringify(a)}\n  expected: ${JSON.stringify(e)}`;
      }
    }
  }
  if (actual.length !== expected.length) {
    const extra = actual.length > expected.length ? `unexpected ${JSON.stringify(actual[n])}` : `missing ${JSON.stringify(expected[n])}`;
    return `${what}: ${actual.length} rows, expected ${expected.length}; first ${extra}`;
  }
  return undefined;
}

/**
 * memory as decimal(8,3) text: MariaDB returns it so ('512.000'); a SQLite warehouse stores a
 * REAL and returns a number (512), whose 3-decimal rendering is the loaded text exactly.
 */
function decimalMemory(row: Record<string, unknown>): Record<string, unknown> {
  return typeof row.memory === "number" ? { ...row, memory: row.memory.toFixed(3) } : row;
}

/** One report day of the warehouse: rows as TextRows (no report_date/etl_run_id) and the run ids stamped on them. */
export interface WarehouseDay {
  facts: TextRow[];
  roles: TextRow[];
  /** Distinct etl_run_id values over both tables. */
  runIds: string[];
}

/** Read `reportDate` from server_facts and server_fact_roles of the database `db` is connected to. */
export async function readWarehouseDay(db: Db, reportDate: string): Promise<WarehouseDay> {
  const facts = (await db.query<Record<string, unknown>>("SELECT * FROM server_facts WHERE report_date = ?", [reportDate])).map(decimalMemory);
  const roles = await db.query<Record<string, unknown>>("SELECT * FROM server_fact_roles WHERE report_date = ?", [reportDate]);
  const runIds = new Set<string>();
  for (const r of [...facts, ...roles]) runIds.add(String(r.etl_run_id));
  return {
    facts: normalizeRows(facts, FACT_COMPARED),
    roles: normalizeRows(roles, ROLE_COMPARED),
    runIds: [...runIds].sort(byNumber),
  };
}
