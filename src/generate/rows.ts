// Table shapes: the columns we insert into each ServerDB table (names as in schema.sql) and
// the functions that turn an asset into those rows. Rows are positional arrays (cheap to batch).
import type { Catalog } from "./catalog.ts";
import { KIND, type AssetRecord } from "./asset.ts";
import { formatDatetime } from "./timeline.ts";
import { STATUS_TEXT, formatMemory } from "./values.ts";

export type SqlValue = string | number | null;
export type RowValues = SqlValue[];

/** A batch of rows for one table; the writer splits or merges batches into statements. */
export interface TableBatch {
  table: string;
  columns: readonly string[];
  rows: RowValues[];
}

export const COLUMNS = {
  servers_region: ["id", "shortname"],
  servers_availabilityzone: ["id", "shortname", "region_id"],
  servers_site: ["id", "shortname", "name", "availability_zone_id"],
  servers_rack: ["id", "name", "site_id"],
  servers_team: ["id", "name", "org_unit_id"],
  servers_serverrole: ["id", "name", "puppet_service", "managed_by"],
  servers_manufacturer: ["id", "name"],
  servers_model: ["id", "name", "manufacturer_id"],
  servers_cpu: ["id", "version", "cores", "threads"],
  servers_asset: ["id", "name", "serialnumber", "status", "owner", "created_at", "last_edit", "site_id"],
  servers_rackedasset: ["asset_ptr_id", "position", "rack_id"],
  servers_server: ["rackedasset_ptr_id", "cpu_count", "memory", "network_speed", "ip_address", "mac_address", "cpu_id", "model_id"],
  servers_switch: ["rackedasset_ptr_id", "ports"],
  servers_filer: ["rackedasset_ptr_id", "capacity_tb"],
  servers_deliveryasset: ["id", "asset_type", "delivery_date", "asset_id"],
  servers_server_role: ["id", "server_id", "serverrole_id"],
  servers_historicalserver: [
    "id", "asset_ptr_id", "rackedasset_ptr_id", "name", "serialnumber", "status", "owner", "created_at", "last_edit",
    "position", "cpu_count", "memory", "network_speed", "ip_address", "mac_address", "history_id", "history_date",
    "history_change_reason", "history_type", "cpu_id", "history_user_id", "model_id", "rack_id", "site_id",
  ],
} as const;

export type TableName = keyof typeof COLUMNS;

/** The live asset tables in parent-first order (the order batches are emitted in). */
export const ASSET_TABLES = [
  "servers_asset", "servers_rackedasset", "servers_server", "servers_switch", "servers_filer",
  "servers_deliveryasset", "servers_server_role",
] as const satisfies readonly TableName[];

export function batch(table: TableName, rows: RowValues[]): TableBatch {
  return { table, columns: COLUMNS[table], rows };
}

/** The reference tables (everything but racks, which are streamed) as batches. */
export function catalogBatches(c: Catalog): TableBatch[] {
  return [
    batch("servers_region", c.regions.map((r) => [r.id, r.shortname])),
    batch("servers_availabilityzone", c.zones.map((z) => [z.id, z.shortname, z.regionId])),
    batch("servers_site", c.sites.map((s) => [s.id, s.shortname, s.name, s.zoneId])),
    batch("servers_team", c.teams.map((t) => [t.id, t.name, t.orgUnitId])),
    batch("servers_serverrole", c.roles.map((r) => [r.id, r.name, r.puppetService, r.managedBy])),
    batch("servers_manufacturer", c.manufacturers.map((m) => [m.id, m.name])),
    batch("servers_model", c.models.map((m) => [m.id, m.name, m.manufacturerId])),
    batch("servers_cpu", c.cpus.map((x) => [x.id, x.version, x.cores, x.threads])),
  ];
}

export function assetRow(a: AssetRecord): RowValues {
  return [a.id, a.name, a.serialnumber, STATUS_TEXT[a.status], a.owner, formatDatetime(a.createdAtUs), formatDatetime(a.lastEditUs), a.siteId];
}

export function rackedAssetRow(a: AssetRecord): RowValues {
  return [a.id, a.position, a.rackId];
}

export function serverRow(a: AssetRecord): RowValues {
  return [a.id, a.cpuCount, formatMemory(a.memoryMilli), a.networkSpeed, a.ip, a.mac, a.cpuId, a.modelId];
}

export function kindRow(a: AssetRecord): RowValues {
  return a.kind === KIND.switch ? [a.id, a.ports] : [a.id, a.capacityTb];
}

/**
 * A servers_historicalserver row exactly as django-simple-history writes it: the model's
 * fields (parent models' included), the id in id/asset_ptr_id/rackedasset_ptr_id, no user, no reason.
 */
export function historyRow(a: AssetRecord, historyId: number, historyDateUs: number, type: "+" | "~" | "-"): RowValues {
  return [
    a.id, a.id, a.id, a.name, a.serialnumber, STATUS_TEXT[a.status], a.owner, formatDatetime(a.createdAtUs),
    formatDatetime(a.lastEditUs), a.position, a.cpuCount, formatMemory(a.memoryMilli), a.networkSpeed, a.ip, a.mac,
    historyId, formatDatetime(historyDateUs), null, type, a.cpuId, null, a.modelId, a.rackId, a.siteId,
  ];
}
