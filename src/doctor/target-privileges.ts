// What the warehouse account needs, table by table, and the GRANTs for what it lacks. Least
// privilege: only this version's warehouse tables (the engine's catalog names them; passed in),
// UPDATE only on etl_runs (the one table a run updates), DELETE everywhere but there, ALTER and
// DROP on the two fact tables only (their day partitions). Pure.
import { grantStatement, missingPrivileges, type Grant } from "./grants.ts";

/** The one table rows are updated in (a run's record is closed); nothing deletes from it. */
export const RUNS_TABLE = "etl_runs";

export interface TargetPrivilege {
  privilege: string;
  /** The commands that need it (shown when it is missing). */
  neededBy: string;
  /** Whether the tool needs it on this warehouse table. */
  on: (table: string) => boolean;
}

const everyTable = () => true;

/** The tables partitioned by day, whose partitions the runs add and drop. */
const DAY_PARTITIONED = ["server_facts", "server_fact_roles"];

export const TARGET_PRIVILEGES: readonly TargetPrivilege[] = [
  { privilege: "SELECT", on: everyTable, neededBy: "etl's stale-row sweep, aggregate's INSERT … SELECT, expire's choice of days, init --check" },
  { privilege: "INSERT", on: everyTable, neededBy: "etl's and backfill's loads, aggregate's INSERT … SELECT, starting an etl_runs record" },
  { privilege: "UPDATE", on: (t) => t === RUNS_TABLE, neededBy: "finishing an etl_runs record" },
  { privilege: "DELETE", on: (t) => t !== RUNS_TABLE, neededBy: "REPLACE of an existing row, removing stale rows, replacing a day's aggregates, expire" },
  { privilege: "CREATE", on: everyTable, neededBy: "init creates the tables" },
  // The fact tables hold a partition per day (MariaDB/MySQL): etl and backfill add a day's, expire drops it.
  { privilege: "ALTER", on: (t) => DAY_PARTITIONED.includes(t), neededBy: "etl and backfill add each day's partition (ADD PARTITION)" },
  { privilege: "DROP", on: (t) => DAY_PARTITIONED.includes(t), neededBy: "expire drops a day's partition (DROP PARTITION)" },
];

/** Privileges on one table. */
export interface TablePrivileges {
  table: string;
  privileges: string[];
}

/** Per warehouse table (`tables`, in creation order), what the tool needs on it. */
export function targetNeeds(tables: readonly string[]): TablePrivileges[] {
  return tables.map((table) => ({
    table,
    privileges: TARGET_PRIVILEGES.filter((p) => p.on(table)).map((p) => p.privilege),
  }));
}

/** Per table, what `grants` (global, database or table grants) lack on `database`; complete tables are left out. */
export function missingTargetPrivileges(grants: readonly Grant[], database: string, tables: readonly string[]): TablePrivileges[] {
  return targetNeeds(tables)
    .map(({ table, privileges }) => ({ table, privileges: missingPrivileges(grants, database, privileges, table) }))
    .filter((t) => t.privileges.length > 0);
}

/**
 * One GRANT per table that lacks something. CREATE goes into each even when held already: the
 * server refuses a table grant on a table that does not exist yet unless it includes CREATE,
 * and before `init` none does.
 */
export function targetGrantStatements(missing: readonly TablePrivileges[], database: string, account: { user: string; host: string }): string[] {
  return missing.map(({ table, privileges }) => {
    const withCreate = privileges.includes("CREATE") ? privileges : [...privileges, "CREATE"];
    return grantStatement(withCreate, database, account, table);
  });
}

/**
 * "SELECT, INSERT, CREATE on the 9 warehouse tables, DELETE on all but etl_runs, UPDATE on
 * etl_runs": which privileges of `tables` (the rows of targetNeeds or of what is missing) go
 * on which of `all` the warehouse tables, privileges on the same tables named together.
 */
export function describeTablePrivileges(tables: readonly TablePrivileges[], all: readonly string[]): string {
  const byPrivilege = new Map<string, string[]>();
  for (const p of TARGET_PRIVILEGES) {
    const on = tables.filter((t) => t.privileges.includes(p.privilege)).map((t) => t.table);
    if (on.length) byPrivilege.set(p.privilege, on);
  }
  const groups = new Map<string, string[]>();
  for (const [privilege, on] of byPrivilege) {
    const where = describeTables(on, all);
    groups.set(where, [...(groups.get(where) ?? []), privilege]);
  }
  return [...groups].map(([where, privileges]) => `${privileges.join(", ")} on ${where}`).join(", ");
}

/** "the 9 warehouse tables", "all but etl_runs" or the names. */
export function describeTables(on: readonly string[], all: readonly string[]): string {
  if (on.length === all.length) return `the ${all.length} warehouse tables`;
  const others = all.filter((t) => !on.includes(t));
  if (on.length > 3 && others.length <= 2) return `all but ${others.join(", ")}`;
  return on.join(", ");
}
