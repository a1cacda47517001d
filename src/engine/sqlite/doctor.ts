// doctor for a SQLite endpoint: the file itself (path, size, SQLite version, journal mode,
// whether it and its directory are writable) and, per role, the warehouse tables (target) or
// the ServerDB tables (source). Opened read-only: doctor never creates the file nor switches
// its journal mode. A replica cannot be a SQLite file.
import { NO_EXTRAS, type FactExtras } from "../../extras/declare.ts";
import { explainExtraDrifts } from "../../extras/drift.ts";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { SqliteDb } from "./sqlite-db.ts";
import { quoteIdent } from "../ident.ts";
import { compareWarehouse } from "../catalog.ts";
import type { DoctorProbe } from "../engine.ts";
import type { SqliteEndpoint } from "../../settings/dsn.ts";
import { sqliteCatalog } from "./catalog.ts";
import { HISTORY_TABLE, sourceTables } from "../../doctor/source-tables.ts";
import { DSN_OF } from "../../doctor/judge-database.ts";
import type { Check, Role } from "../../doctor/types.ts";

/** doctor's probe of a SQLite file: its checks are its own (no account, grants or server variables). */
export async function probeSqlite(role: Role, ep: SqliteEndpoint, extras: FactExtras = NO_EXTRAS): Promise<DoctorProbe> {
  const [connect, ...extra] = await checkSqlite(role, ep.path, extras);
  return { connect: connect!, extra };
}

/** Every check of one SQLite endpoint in its role; never throws (a failure is a failing row). */
export async function checkSqlite(role: Role, path: string, extras: FactExtras = NO_EXTRAS): Promise<Check[]> {
  if (role === "replica") {
    return [{ check: "connect", result: "fail", detail: "a SQLite file has no replication", fix: "give only MariaDB/MySQL replicas, or drop --replica" }];
  }
  let db: SqliteDb;
  try {
    db = SqliteDb.open(path, { create: false, readonly: true });
  } catch (err) {
    // Our open errors read "problem; fix": split them into the row's two columns. A file that is
    // not there gets the fix of this role (the open error's names both).
    const text = oneLine(err, `sqlite:${path}`);
    const at = text.indexOf("; ");
    const fix = existsSync(dirname(resolve(path))) && !existsSync(path) ? missingFileFix(role, path) : at < 0 ? undefined : text.slice(at + 2);
    return [{ check: "connect", result: "fail", detail: at < 0 ? text : text.slice(0, at), fix }];
  }
  try {
    const [{ v }] = await db.query<{ v: string }>("SELECT sqlite_version() AS v");
    const [{ journal_mode: mode }] = await db.query<{ journal_mode: string }>("PRAGMA journal_mode");
    const checks: Check[] = [
      { check: "connect", result: "ok", detail: `opened ${resolve(path)} (${mib(statSync(path).size)})` },
      { check: "version", result: "ok", detail: `SQLite ${v} (built into serverdb-etl)` },
    ];
    if (role === "target") checks.push(journal(mode), writable(path), ...(await warehouseTables(db, extras)));
    else checks.push(...(await serverdbTables(db, extras)));
    return checks;
  } catch (err) {
    return [{ check: "connect", result: "fail", detail: oneLine(err, `sqlite:${path}`) }];
  } finally {
    await db.close();
  }
}

function missingFileFix(role: Role, path: string): string {
  if (role === "source") return `check the path in ${DSN_OF.source}: it names ServerDB's SQLite file (serverdb-etl generate --source sqlite:${path} makes a test one)`;
  return `check the path in ${DSN_OF.target}, or create the warehouse there: serverdb-etl init --target sqlite:${path}`;
}

function journal(mode: string): Check {
  if (mode.toLowerCase() === "wal") return { check: "journal_mode", result: "ok", detail: "journal_mode WAL: readers never block the nightly writer" };
  return {
    check: "journal_mode",
    result: "warn",
    detail: `journal_mode is ${mode}, not WAL: a long read blocks the nightly writer`,
    fix: "any write by serverdb-etl (init, etl) switches it to WAL; if it stays, the file system lacks the shared memory WAL needs",
  };
}

/** The file, and its directory: WAL keeps PATH-wal and PATH-shm beside it, the run lock PATH.lock. */
function writable(path: string): Check {
  const dir = dirname(resolve(path));
  const denied = [path, dir].filter((p) => {
    try {
      accessSync(p, constants.W_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (!denied.length) return { check: "writable", result: "ok", detail: `the file and ${dir} are writable` };
  return {
    check: "writable",
    result: "fail",
    detail: `not writable: ${denied.join(", ")} (WAL and the run lock need files beside the database)`,
    fix: "give the user that runs serverdb-etl write access to the file and its directory",
  };
}

async function warehouseTables(db: SqliteDb, extras: FactExtras): Promise<Check[]> {
  const drifts = explainExtraDrifts(await compareWarehouse(db, sqliteCatalog, extras), extras, sqliteCatalog);
  const missing = drifts.filter((d) => d.kind === "missing-table").map((d) => d.table);
  const other = drifts.filter((d) => d.kind !== "missing-table" && !d.cosmetic && !d.layout);
  const layout = drifts.filter((d) => d.layout && !d.cosmetic);
  if (missing.length) {
    return [{ check: "tables", result: "fail", detail: `${missing.length} warehouse tables missing (${list(missing)})`, fix: `serverdb-etl init --target ${db.label}` }];
  }
  if (other.length) {
    const tables = [...new Set(other.map((d) => d.table))];
    return [{ check: "tables", result: "fail", detail: `${other.length} differences from this version's schema in ${list(tables)}`, fix: `serverdb-etl init --check --target ${db.label} prints the fix` }];
  }
  if (layout.length) {
    const tables = [...new Set(layout.map((d) => d.table))];
    return [{
      check: "tables",
      result: "warn",
      detail: `${list(tables)}: the keys of an older layout (${layout.length} differences); runs work, but slow down as history grows`,
      fix: `serverdb-etl init --check --target ${db.label} prints the rebuild`,
    }];
  }
  return [{ check: "tables", result: "ok", detail: "every warehouse table present and as this version defines it" }];
}

async function serverdbTables(db: SqliteDb, extras: FactExtras): Promise<Check[]> {
  const names = sourceTables(extras.joins.map((j) => j.table));
  const missing: string[] = [];
  for (const t of names) {
    try {
      await db.query(`SELECT 1 FROM ${quoteIdent(t, "table")} LIMIT 0`);
    } catch {
      missing.push(t);
    }
  }
  if (!missing.length) return [{ check: "tables", result: "ok", detail: `all ${names.length} ServerDB tables present` }];
  const required = missing.filter((t) => t !== HISTORY_TABLE);
  if (!required.length) {
    return [{ check: "tables", result: "warn", detail: `no ${HISTORY_TABLE}`, fix: "nightly runs work; backfill needs django-simple-history's table" }];
  }
  return [{ check: "tables", result: "fail", detail: `lacks ${required.length} ServerDB tables (${list(required)})`, fix: `check the path in ${DSN_OF.source}, or create a test ServerDB there with serverdb-etl generate` }];
}

function oneLine(err: unknown, label: string): string {
  const text = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").trim();
  return text.startsWith(`${label}: `) ? text.slice(label.length + 2) : text.startsWith(`${label} `) ? `the file ${text.slice(label.length + 1)}` : text;
}

function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

function list(names: string[]): string {
  return names.length <= 4 ? names.join(", ") : `${names.slice(0, 4).join(", ")}, …`;
}
