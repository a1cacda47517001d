// The `init` stage: create the warehouse tables that are missing, then compare every table
// with this version's DDL. It never alters or drops anything; differences come back as
// drifts (with the ALTERs that would fix them) for a DBA to review. The nightly `run`
// calls checkWarehouseSchema before it writes.
// The engine's DDL and live schema come through its catalog (engine/catalog.ts).
import { plural } from "../words.ts";
import type { Db } from "../engine/db.ts";
import { SchemaDriftError } from "../errors.ts";
import { logger } from "../log.ts";
import { compareTables, compareWarehouse } from "../engine/catalog.ts";
import { engineOf } from "../engine/index.ts";
import type { Drift } from "../warehouse/schema-diff.ts";
import { blocksWriting, hasBlockingDrift } from "../warehouse/schema-migration.ts";
import { AGGREGATE_TABLE_NAMES } from "./aggregate-tables.ts";
import { NO_EXTRAS, type FactExtras } from "../extras/declare.ts";
import { explainExtraDrifts } from "../extras/drift.ts";

const log = logger("init");

export interface InitOptions {
  /** Only compare: no CREATE, no write of any kind (default false). */
  checkOnly?: boolean;
  /** Columns declared in [[facts.columns]]: created with server_facts, expected in it. */
  extras?: FactExtras;
}

export interface InitResult {
  /** Tables this call created, in creation order. */
  created: string[];
  /** Every difference found after creating, cosmetic ones included; empty when all match. */
  drifts: Drift[];
}

/** Compare every warehouse table with this version's DDL; a missing table is a drift too. Read-only. */
export async function checkWarehouseSchema(db: Db, extras: FactExtras = NO_EXTRAS): Promise<Drift[]> {
  const { catalog } = engineOf(db);
  return explainExtraDrifts(await compareWarehouse(db, catalog, extras), extras, catalog);
}

/**
 * Create the missing tables (unless checkOnly), then compare all of them. Only tables that
 * are absent get a CREATE, so a re-run on a complete warehouse sends no DDL at all: MySQL
 * binlogs (and replicates) every CREATE TABLE IF NOT EXISTS even when the table exists
 * (MariaDB 10.11 does not, measured). The statement keeps IF NOT EXISTS for a concurrent init.
 */
export async function initWarehouse(db: Db, opts: InitOptions = {}): Promise<InitResult> {
  const { catalog } = engineOf(db);
  const extras = opts.extras ?? NO_EXTRAS;
  const expected = await catalog.expected(extras);
  const names = expected.map((t) => t.schema.name);
  let live = await catalog.readLive(db, names);
  const created: string[] = [];
  if (!opts.checkOnly) {
    for (const table of expected) {
      if (live.has(table.schema.name)) continue;
      // A table and its indexes (SQLite: separate CREATE INDEX statements), each IF NOT EXISTS.
      for (const statement of table.create) await db.execute(statement);
      created.push(table.schema.name);
      log.info(`created table ${table.schema.name}`);
    }
    // Re-read what was created: proves the server made the table this version expects.
    if (created.length) live = await catalog.readLive(db, names);
  }
  const drifts = explainExtraDrifts(compareTables(expected, live), extras, catalog);
  if (!drifts.length) log.info(`all ${names.length} warehouse tables match this version's schema`);
  return { created, drifts };
}

const CREATE_FIX = "run serverdb-etl init to create the missing tables";

/**
 * The fix for missing tables. A warehouse that has its facts but lacks a few tables is one an
 * older version made (an upgrade): name them, say that init touches nothing else, and, for an
 * aggregate table a new version adds (server_retirements), how to fill it from the facts kept.
 */
function createFix(drifts: readonly Drift[]): string {
  const missing = [...new Set(drifts.filter((d) => d.kind === "missing-table").map((d) => d.table))];
  if (missing.includes("server_facts")) return CREATE_FIX;
  const aggregates = missing.filter((t) => AGGREGATE_TABLE_NAMES.includes(t));
  return (
    `${CREATE_FIX} (${missing.join(", ")}; it creates only those and alters no other table)` +
    (aggregates.length ? `, then serverdb-etl aggregate --all to build ${aggregates.join(", ")} from the facts kept` : "")
  );
}

/** The error to exit with for these drifts, or undefined when they are none or only cosmetic. */
export function schemaDriftError(drifts: readonly Drift[], checkOnly: boolean): SchemaDriftError | undefined {
  if (!hasBlockingDrift(drifts)) return undefined;
  const blocking = drifts.filter((d) => !d.cosmetic);
  const tables = [...new Set(blocking.map((d) => d.table))];
  const missing = blocking.filter((d) => d.kind === "missing-table").length;
  const fixes = [];
  if (missing) fixes.push(createFix(blocking));
  if (missing < blocking.length) fixes.push("review the statements printed on stdout (ALTER TABLE, or a rebuild on SQLite) and apply them");
  const n = blocking.length;
  return new SchemaDriftError(
    `the warehouse schema differs from this version's (${plural(n, "difference")} in ${tables.join(", ")}; ` +
      `no table was altered): ${fixes.join(", ")}, then rerun serverdb-etl init${checkOnly ? " --check" : ""}`,
  );
}

/**
 * The error for a command about to write (etl) into a warehouse with these drifts, or undefined
 * when they are none or only cosmetic: it names the first difference, as nothing has been printed.
 */
export function driftBeforeWriteError(drifts: readonly Drift[]): SchemaDriftError | undefined {
  const blocking = drifts.filter(blocksWriting);
  if (!blocking.length) return undefined;
  const missing = blocking.some((d) => d.kind === "missing-table");
  // Only tables missing (an older version's warehouse): init is the whole fix, no ALTER to review.
  const onlyMissing = blocking.every((d) => d.kind === "missing-table");
  const more = blocking.length > 1 ? ` and ${plural(blocking.length - 1, "more difference")}` : "";
  return new SchemaDriftError(
    `the warehouse schema differs from this version's (${blocking[0]!.table}: ${blocking[0]!.message}${more}); nothing was written: ` +
      (onlyMissing
        ? `${createFix(blocking)}, then rerun`
        : (missing ? `${createFix(blocking)}, and ` : "") + "run serverdb-etl init --check to see the ALTER statements, apply them, then rerun"),
  );
}

/**
 * The warning for a run on a warehouse whose keys are an older version's layout (undefined when
 * they are not): it works, but each night costs more as history grows, until it is migrated.
 */
export function layoutWarning(drifts: readonly Drift[]): string | undefined {
  const layout = drifts.filter((d) => d.layout && !d.cosmetic);
  if (!layout.length) return undefined;
  const tables = [...new Set(layout.map((d) => d.table))];
  const more = layout.length > 1 ? ` and ${plural(layout.length - 1, "more layout difference")}` : "";
  return (
    `${tables.join(", ")} still ${tables.length === 1 ? "has" : "have"} an older layout (${layout[0]!.table}: ${layout[0]!.message}${more}); ` +
    "this run goes on, but every night costs more as history grows: apply the migration that serverdb-etl init --check prints"
  );
}
