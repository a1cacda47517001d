// The SQLite-specific part of `generate`: open (or create) the file, refuse to touch one whose
// servers_* tables hold rows (unless --force, which drops and recreates them), create the missing
// tables of Django's SQLite schema (their indexes once the rows are in; the site extras too with
// --site-extras), and store values the way Django's SQLite backend does.
import { quoteIdent } from "../ident.ts";
import { SqliteDb } from "./sqlite-db.ts";
import type { SqliteEndpoint } from "../../settings/dsn.ts";
import { UsageError } from "../../errors.ts";
import { logger } from "../../log.ts";
import type { GenerateTargetOptions, PreparedTarget } from "../engine.ts";
import type { TableBatch } from "../../generate/rows.ts";
import { isServersTable, sqliteFiles, sqliteSchemaTables } from "../../generate/schema.ts";

// Created per use: a child made at import time keeps the level it was born with (before --verbose).
const log = () => logger("generate");

export async function prepareSqliteTarget(ep: SqliteEndpoint, opts: GenerateTargetOptions): Promise<PreparedTarget> {
  const db = SqliteDb.open(ep.path, { create: true });
  try {
    // Bulk-load session, as on MySQL: children may be written before their parents (each table
    // is flushed on its own), so foreign keys are not enforced while generating. WAL with
    // synchronous=NORMAL (set by SqliteDb) keeps each COMMIT cheap.
    await db.execute("PRAGMA foreign_keys = OFF");
    const indexes = await prepareSchema(db, ep.path, opts);
    return { db, maxStatementBytes: 4 << 20, adapt: djangoValues, finish: () => db.exec(["BEGIN;", ...indexes, "COMMIT;"].join("\n")) };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/**
 * Same rule as the MySQL target: empty servers_* tables are reused, rows need --force (site
 * extras included; with --force they are dropped, and recreated only with --site-extras). Creates
 * the missing tables without their secondary indexes and returns the CREATE INDEX statements to
 * run after the load: building an index once over the loaded rows (a sort) is ~3× faster than
 * keeping nine of them up to date row by row in servers_historicalserver (100k servers with a
 * year of history: 28 s → 10 s). They are IF NOT EXISTS and cover every servers_* table, so an
 * earlier run that died before its indexes leaves nothing missing once a later one completes.
 */
async function prepareSchema(db: SqliteDb, path: string, { force, siteExtras }: GenerateTargetOptions): Promise<string[]> {
  const files = sqliteFiles();
  const tables = siteExtras ? [...files.core, ...files.siteExtras] : files.core;
  // Site extras left by an earlier run count as ours even without --site-extras (see the MySQL target).
  const known = [...files.core, ...files.siteExtras];
  const existing = new Set((await db.query<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")).map((r) => r.name));
  const ours = known.filter((t) => isServersTable(t.name) && existing.has(t.name)).map((t) => t.name);
  const withRows: Array<{ table: string; rows: number }> = [];
  for (const table of ours) {
    // Names come from our own schema file, never from input; quoteIdent validates them anyway.
    const [{ n }] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quoteIdent(table, "table name")}`);
    if (n > 0) withRows.push({ table, rows: n });
  }
  if (withRows.length) {
    const shown = withRows.find((w) => w.table === "servers_asset") ?? withRows[0];
    const what = `${shown.rows} rows in ${shown.table}`;
    if (!force) throw new UsageError(`sqlite:${path} already has ServerDB data (${what}); pass --force to replace it`);
    log().warn(`--force: dropping and recreating the ${ours.length} servers_* tables of sqlite:${path} (${what})`);
    const notRecreated = ours.filter((t) => !tables.some((c) => c.name === t));
    if (notRecreated.length) log().warn(`--force: ${notRecreated.join(", ")} stay dropped (recreated only with --site-extras)`);
    await db.execute("BEGIN");
    for (const t of ours) await db.execute(`DROP TABLE ${quoteIdent(t, "table name")}`);
    await db.execute("COMMIT");
    for (const t of ours) existing.delete(t);
  } else if (ours.length) {
    log().info(`reusing the ${ours.length} existing, empty servers_* tables of sqlite:${path}`);
  }
  const missing = tables.filter((t) => !existing.has(t.name));
  if (missing.length) {
    // One transaction: a file is either left as it was or gets every missing table.
    await db.exec(["BEGIN;", ...missing.map((t) => t.createSql), "COMMIT;"].join("\n"));
    log().info(`created ${missing.length} tables of Django's SQLite schema in sqlite:${path}`);
  }
  // auth_* and django_* tables that existed are never touched, not even by an index.
  return tables
    .filter((t) => isServersTable(t.name) || missing.includes(t))
    .flatMap((t) => t.indexSql.map((sql) => sql.replace(/^CREATE (UNIQUE )?INDEX /, "CREATE $1INDEX IF NOT EXISTS ")));
}

/** Per table: positions of its datetime columns among the batch's columns (computed once). */
const datetimeColumns = new Map<string, number[]>();

/**
 * Values as Django's SQLite backend writes them: a datetime is str(datetime), which has no
 * fraction when the microseconds are 0 ('2026-06-30 07:00:00', not '….000000'). Dates, texts
 * and numbers are already in Django's form; decimal text is converted by the column's affinity.
 */
export function djangoValues(batch: TableBatch): TableBatch {
  let positions = datetimeColumns.get(batch.table);
  if (!positions) {
    const types = sqliteSchemaTables().find((t) => t.name === batch.table)?.columnTypes;
    positions = batch.columns.flatMap((c, i) => (types?.get(c) === "datetime" ? [i] : []));
    datetimeColumns.set(batch.table, positions);
  }
  if (!positions.length) return batch;
  for (const row of batch.rows) {
    for (const i of positions) {
      const v = row[i];
      if (typeof v === "string" && v.endsWith(".000000")) row[i] = v.slice(0, -7);
    }
  }
  return batch;
}
