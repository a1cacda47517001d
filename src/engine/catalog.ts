// The warehouse catalog every engine provides (engine/<name>/catalog.ts): this version's tables
// with their DDL and drift fixes, and a reader of the live ones; compareWarehouse() lists what
// differs. stages/init.ts and doctor work through this interface only.
import type { Db } from "./db.ts";
import { missingTable, notATable, type Drift } from "../warehouse/schema-diff.ts";
import type { TableSchema } from "../warehouse/schema-model.ts";
import { NO_EXTRAS, type ExtraColumn, type FactExtras } from "../extras/declare.ts";

export interface DdlFile {
  /** Path under sql/, for error messages and tests. */
  file: string;
  /** The file's text: one or more CREATE TABLE IF NOT EXISTS statements. */
  text: string;
}

/** A table found in the target, spelled like the expected schema. */
export interface LiveTable {
  /** information_schema.TABLES.TABLE_TYPE ("BASE TABLE", "VIEW", "SEQUENCE", …) or SQLite's equivalent. */
  tableType: string;
  schema: TableSchema;
}

/** One table as this version defines it for an engine. */
export interface ExpectedTable {
  schema: TableSchema;
  /** Printed for a missing table (for a DBA who creates tables by hand). */
  createSql: string;
  /** Executed by `init`, in order, each idempotent (IF NOT EXISTS). */
  create: string[];
  /** Differences of a live table from this one, with this engine's fixes. */
  diff(live: TableSchema): Drift[];
}

export interface WarehouseCatalog {
  /** Every warehouse table, in creation order; server_facts with the columns declared in [[facts.columns]]. */
  expected(extras?: FactExtras): Promise<readonly ExpectedTable[]>;
  /** The tables among `names` that exist in the target. Read-only. */
  readLive(db: Db, names: readonly string[]): Promise<Map<string, LiveTable>>;
  /** How a DBA applies the printed script. */
  applyHint: string;
  /** A declared column's definition in this engine's DDL (server_facts' CREATE TABLE, ADD COLUMN). */
  extraColumnSql(column: ExtraColumn): string;
  /**
   * Where this engine's fix for a missing column is not an ALTER already (SQLite's is a table
   * rebuild): the statements that add declared columns, when adding them is all a table needs.
   */
  addColumnsScript?(columns: readonly ExtraColumn[]): string;
}

/** Compare every warehouse table of `db` with `catalog`'s; a missing table is a drift too. Read-only. */
export async function compareWarehouse(db: Db, catalog: WarehouseCatalog, extras: FactExtras = NO_EXTRAS): Promise<Drift[]> {
  const expected = await catalog.expected(extras);
  const live = await catalog.readLive(db, expected.map((t) => t.schema.name));
  return compareTables(expected, live);
}

/** The drifts of `live` from `expected`, table by table in creation order. */
export function compareTables(expected: readonly ExpectedTable[], live: Map<string, LiveTable>): Drift[] {
  const drifts: Drift[] = [];
  for (const table of expected) {
    const found = live.get(table.schema.name);
    if (!found) drifts.push(missingTable(table.schema.name, table.createSql));
    else if (found.tableType !== "BASE TABLE") drifts.push(notATable(table.schema.name, found.tableType));
    else drifts.push(...table.diff(found.schema));
  }
  return drifts;
}
