// The columns of server_facts and server_fact_roles, in table order, with the width a
// value is cut to. The DDL lives in sql/<engine>/create_*.sql; a test checks the two agree.

export interface ColumnSpec {
  name: string;
  /** Longest value in characters for text columns (values are cut to fit, with a warning). */
  maxChars?: number;
}

export const FACT_COLUMNS = [
  { name: "id" },
  { name: "report_date" },
  { name: "name", maxChars: 128 },
  { name: "asset_type", maxChars: 32 },
  { name: "serialnumber", maxChars: 64 },
  { name: "delivery_date" },
  { name: "ip_address", maxChars: 45 },
  { name: "mac_address", maxChars: 17 },
  { name: "status", maxChars: 16 },
  { name: "site", maxChars: 8 },
  { name: "region", maxChars: 25 },
  { name: "role_ids", maxChars: 255 },
  { name: "puppet_services", maxChars: 255 },
  { name: "role_names", maxChars: 255 },
  { name: "rack", maxChars: 128 },
  { name: "cpu_version", maxChars: 64 },
  { name: "cpu_count" },
  { name: "cpu_cores" },
  { name: "cpu_threads" },
  { name: "memory" },
  { name: "network_speed" },
  { name: "manufacturer", maxChars: 64 },
  { name: "model", maxChars: 64 },
  { name: "owner", maxChars: 20 },
  { name: "wou_id" },
  { name: "wou_name", maxChars: 80 },
  { name: "created_at" },
  { name: "last_edit" },
  { name: "etl_run_id" },
] as const satisfies readonly ColumnSpec[];

export const ROLE_COLUMNS = [
  { name: "report_date" },
  { name: "id" },
  { name: "role_id" },
  { name: "role_name", maxChars: 64 },
  { name: "puppet_service", maxChars: 64 },
  { name: "wou_id" },
  { name: "wou_name", maxChars: 80 },
  { name: "etl_run_id" },
] as const satisfies readonly ColumnSpec[];

export type FactColumn = (typeof FACT_COLUMNS)[number]["name"];
export type RoleColumn = (typeof ROLE_COLUMNS)[number]["name"];

/** Width of a text column of server_facts (undefined for non-text columns). */
export function factWidth(name: FactColumn): number | undefined {
  return (FACT_COLUMNS.find((c) => c.name === name) as ColumnSpec | undefined)?.maxChars;
}
