// transformServer: one raw extract row → one fact row, its role-bridge rows and the row's
// warnings. Pure and synchronous (no I/O, no logging); composes the per-column modules and
// then cuts every text column to its width from src/warehouse/columns.ts.
import { FACT_COLUMNS, ROLE_COLUMNS, type ColumnSpec } from "../warehouse/columns.ts";
import { DEFAULT_CPU_DROP_WORDS, cleanCpuVersion, cpuCores, cpuThreads } from "./cpu.ts";
import { cleanDate, cleanDatetime } from "./dates.ts";
import { cleanIp, normalizeMac } from "./network.ts";
import { cleanMemory, intOrUnknown } from "./numbers.ts";
import { transformRoles } from "./roles.ts";
import { cleanStatus, fitText, joinRegion, textOrEmpty, textOrUnknown } from "./text.ts";
import type { FactRow, RawServerRow, RoleRow, TransformOptions, TransformedServer, Warnings } from "./types.ts";
import { cleanExtra } from "../extras/clean.ts";
import { extraKey } from "../extras/extract-sql.ts";

export { DEFAULT_CPU_DROP_WORDS } from "./cpu.ts";
export { UNKNOWN } from "./text.ts";
export { UNKNOWN_DATETIME } from "./dates.ts";
export type { FactRow, RawServerRow, RoleRow, TransformOptions, TransformedServer, Warnings } from "./types.ts";

export const DEFAULT_TRANSFORM_OPTIONS: TransformOptions = Object.freeze({
  cpuDropWords: DEFAULT_CPU_DROP_WORDS,
});

const NO_VALUES: unknown[] = [];

/** Prefix of warning keys for server_fact_roles columns (wou_name exists in both tables). */
export const ROLE_WARNING_PREFIX = "server_fact_roles.";

// [column, width] pairs of the text columns, computed once from the shared column list.
function widths(columns: readonly ColumnSpec[]): [string, number][] {
  return columns.flatMap((c) => (c.maxChars === undefined ? [] : [[c.name, c.maxChars] as [string, number]]));
}
const FACT_WIDTHS = widths(FACT_COLUMNS);
const ROLE_WIDTHS = widths(ROLE_COLUMNS);

function fitRow(row: Record<string, unknown>, columnWidths: [string, number][], prefix: string, warnings: Warnings): void {
  for (const [column, max] of columnWidths) {
    const value = row[column];
    if (typeof value === "string" && value.length > max) row[column] = fitText(value, max, prefix + column, warnings);
  }
}

/** One server: the fact row, one bridge row per distinct role, and column → warning count. */
export function transformServer(raw: RawServerRow, options: TransformOptions = DEFAULT_TRANSFORM_OPTIONS): TransformedServer {
  const warnings: Warnings = {};
  const roles = transformRoles(raw.id, raw.roles, warnings);
  const fact: FactRow = {
    id: raw.id,
    name: textOrEmpty(raw.name),
    asset_type: textOrUnknown(raw.asset_type),
    serialnumber: textOrEmpty(raw.serialnumber),
    delivery_date: cleanDate(raw.delivery_date, "delivery_date", warnings),
    ip_address: cleanIp(raw.ip_address),
    mac_address: normalizeMac(raw.mac_address, warnings),
    status: cleanStatus(raw.status),
    site: textOrEmpty(raw.site),
    region: joinRegion(raw.region_name, raw.az_name),
    role_ids: roles.role_ids,
    puppet_services: roles.puppet_services,
    role_names: roles.role_names,
    rack: textOrEmpty(raw.rack),
    cpu_version: cleanCpuVersion(raw.cpu_version, options.cpuDropWords),
    cpu_count: intOrUnknown(raw.cpu_count, "cpu_count", warnings),
    cpu_cores: cpuCores(raw.cpu_cores, raw.cpu_version),
    cpu_threads: cpuThreads(raw.cpu_threads),
    memory: cleanMemory(raw.memory, "memory", warnings),
    network_speed: intOrUnknown(raw.network_speed, "network_speed", warnings),
    manufacturer: textOrUnknown(raw.manufacturer),
    model: textOrUnknown(raw.model),
    owner: textOrUnknown(raw.owner),
    wou_id: roles.wou_id,
    wou_name: roles.wou_name,
    created_at: cleanDatetime(raw.created_at, "created_at", warnings),
    last_edit: cleanDatetime(raw.last_edit, "last_edit", warnings),
  };
  fitRow(fact as unknown as Record<string, unknown>, FACT_WIDTHS, "", warnings);
  for (const role of roles.roles) fitRow(role as unknown as Record<string, unknown>, ROLE_WIDTHS, ROLE_WARNING_PREFIX, warnings);
  const declared = options.extras?.columns;
  const extras = declared?.length ? declared.map((c) => cleanExtra(c, (raw as unknown as Record<string, unknown>)[extraKey(c.name)], warnings)) : NO_VALUES;
  return { fact, roles: roles.roles, extras, warnings };
}
