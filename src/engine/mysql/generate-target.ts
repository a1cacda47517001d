// The MySQL/MariaDB-specific part of `generate`, kept in one place: create the database if it
// is missing, refuse to touch one whose servers_* tables hold rows (unless --force, which drops
// and recreates them), create the missing schema.sql tables (and site_extras.sql's with
// --site-extras), and set up a bulk-load session.
import type { Db } from "../db.ts";
import type { GenerateTargetOptions, PreparedTarget } from "../engine.ts";
import { quoteIdent } from "../ident.ts";
import { MysqlDb } from "./mysql-db.ts";
import { describeEndpoint, type MysqlEndpoint } from "../../settings/dsn.ts";
import { UsageError } from "../../errors.ts";
import { logger } from "../../log.ts";
import type { TableBatch } from "../../generate/rows.ts";
import { isServersTable, mysqlFiles } from "../../generate/schema.ts";

// Created per use: a child made at import time keeps the level it was born with (before --verbose).
const log = () => logger("generate");

export async function prepareMysqlTarget(ep: MysqlEndpoint, opts: GenerateTargetOptions): Promise<PreparedTarget> {
  await ensureDatabase(ep);
  const db = await MysqlDb.connect(ep);
  try {
    // Bulk-load session: explicit ids, children may arrive before parents, UTC wall-clock values,
    // and strict mode so a value too long for its column is an error here, not silent truncation.
    await db.execute(
      "SET SESSION foreign_key_checks = 0, unique_checks = 0, time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'",
    );
    await prepareSchema(db, ep.database, opts);
    const [{ packet }] = await db.query<{ packet: number | string }>("SELECT @@max_allowed_packet AS packet");
    return { db, maxStatementBytes: Math.min(4 << 20, Math.floor(Number(packet) / 2)) };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** CREATE DATABASE with Django's charset when it does not exist yet. */
async function ensureDatabase(ep: MysqlEndpoint): Promise<void> {
  const server = await MysqlDb.connect({ ...ep, database: "" });
  try {
    const found = await server.query("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [ep.database]);
    if (found.length) return;
    await server.execute(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(ep.database, "database name")} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
    log().info(`created database ${ep.database} (utf8mb4, utf8mb4_general_ci) on ${describeEndpoint({ ...ep, database: "" })}`);
  } finally {
    await server.close();
  }
}

/**
 * Existing tables with the schema's names are kept when every servers_* table is empty (a
 * database where `manage.py migrate` ran is fine to fill); missing ones are created from
 * schema.sql (and site_extras.sql with `siteExtras`). Rows in any servers_* table we know, site
 * extras included, stop us unless `force`: then those tables are dropped, and recreated when this
 * run creates them (site extras left by an earlier run would point at replaced ids). auth_* and
 * django_* tables are never dropped.
 */
async function prepareSchema(db: Db, database: string, { force, siteExtras }: GenerateTargetOptions): Promise<void> {
  const files = mysqlFiles();
  const tables = siteExtras ? [...files.core, ...files.siteExtras] : files.core;
  const known = [...files.core, ...files.siteExtras];
  const existing = new Set(
    (await db.query<{ name: string }>("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", [database])).map(
      (r) => r.name,
    ),
  );
  const ours = known.filter((t) => isServersTable(t.name) && existing.has(t.name)).map((t) => t.name);
  const withRows: Array<{ table: string; rows: number }> = [];
  for (const table of ours) {
    const [{ n }] = await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${quoteIdent(table, "table name")}`);
    if (Number(n) > 0) withRows.push({ table, rows: Number(n) });
  }
  if (withRows.length) {
    const shown = withRows.find((w) => w.table === "servers_asset") ?? withRows[0];
    const what = `${shown.rows} rows in ${shown.table}`;
    if (!force) throw new UsageError(`database ${database} already has ServerDB data (${what}); pass --force to replace it`);
    log().warn(`--force: dropping and recreating the ${ours.length} servers_* tables of ${database} (${what})`);
    const notRecreated = ours.filter((t) => !tables.some((c) => c.name === t));
    if (notRecreated.length) log().warn(`--force: ${notRecreated.join(", ")} stay dropped (recreated only with --site-extras)`);
    await db.execute(`DROP TABLE IF EXISTS ${ours.map((t) => quoteIdent(t, "table name")).join(", ")}`);
    for (const t of ours) existing.delete(t);
  } else if (ours.length) {
    log().info(`reusing the ${ours.length} existing, empty servers_* tables of ${database}`);
  }
  const missing = tables.filter((t) => !existing.has(t.name));
  for (const t of missing) await db.execute(t.createSql);
  if (missing.length) log().info(`created ${missing.length} tables of schema.sql in ${database}`);
}
