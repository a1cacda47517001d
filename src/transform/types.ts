// The shapes that flow through the pipeline: a raw row as the extract SELECT returns it
// (sql/serverdb/fact_select.sql), and the clean rows the load writes.
import type { FactExtras } from "../extras/declare.ts";

/** Ids: numbers, or decimal strings above 2^53 (mysql2 supportBigNumbers). */
export type Id = number | string;

/** One server as extracted from ServerDB; NULLs as null, DATETIMEs as wall-clock strings. */
export interface RawServerRow {
  id: Id;
  name: string | null;
  serialnumber: string | null;
  status: string | null;
  owner: string | null;
  /** 'YYYY-MM-DD HH:MM:SS[.ffffff]' as stored (UTC by Django's convention). */
  created_at: string;
  last_edit: string;
  asset_type: string | null;
  /** 'YYYY-MM-DD' or null. */
  delivery_date: string | null;
  site: string | null;
  /** servers_region.shortname and servers_availabilityzone.shortname of the site (null when missing). */
  region_name: string | null;
  az_name: string | null;
  rack: string | null;
  /**
   * The server's roles as the body of a JSON array of arrays, ordered by role id:
   * `[role_id, role_name, puppet_service|null, team_org_unit_id|null, team_name|null],…`
   * (group_concat of json_array(...)); null when the server has no roles.
   */
  roles: string | null;
  /** servers_cpu.version, raw dmidecode text. */
  cpu_version: string | null;
  cpu_cores: number | null;
  cpu_threads: number | null;
  cpu_count: number | null;
  /** decimal(8,3) as text, e.g. '512.000'. */
  memory: string | number | null;
  network_speed: number | null;
  ip_address: string | null;
  mac_address: string | null;
  manufacturer: string | null;
  model: string | null;
}

/** One row of server_facts, without report_date and etl_run_id (the load adds them). */
export interface FactRow {
  id: Id;
  name: string;
  asset_type: string;
  serialnumber: string;
  delivery_date: string | null;
  ip_address: string | null;
  mac_address: string | null;
  status: string;
  site: string;
  region: string;
  role_ids: string;
  puppet_services: string;
  role_names: string;
  rack: string;
  cpu_version: string;
  cpu_count: number;
  cpu_cores: number;
  cpu_threads: number;
  /** decimal(8,3) as text, e.g. '0.000'. */
  memory: string;
  network_speed: number;
  manufacturer: string;
  model: string;
  owner: string;
  wou_id: number;
  wou_name: string;
  /** 'YYYY-MM-DD HH:MM:SS' (fractions dropped). */
  created_at: string;
  last_edit: string;
}

/** One row of server_fact_roles, without report_date and etl_run_id. */
export interface RoleRow {
  id: Id;
  role_id: Id;
  role_name: string;
  puppet_service: string;
  wou_id: number;
  wou_name: string;
}

/** Warnings of one row: column name → count (cuts, unparsable MACs, …). */
export type Warnings = Record<string, number>;

export interface TransformOptions {
  /** Whole words dropped from CPU versions (lower case); docs/data-contract.md's list by default. */
  cpuDropWords: readonly string[];
  /** The columns declared in [[facts.columns]] (none by default). */
  extras?: FactExtras;
}

export interface TransformedServer {
  fact: FactRow;
  roles: RoleRow[];
  /** The declared columns' values, in declaration order (after etl_run_id in server_facts). */
  extras: unknown[];
  warnings: Warnings;
}
