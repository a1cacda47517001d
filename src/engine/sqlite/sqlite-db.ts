// Db over bun:sqlite: a warehouse (or a ServerDB) in one file, no server needed. WAL mode
// (readers never block the writer), a busy timeout so a concurrent reader does not fail a
// batch, integers read exactly (numbers up to 2^53, decimal strings above, as mysql2 does),
// and errors translated like the MySQL ones: a bad path is one line, never a stack.
import { Database, type SQLQueryBindings } from "bun:sqlite";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Db, DbCapabilities, ExecResult, Params, Row } from "../db.ts";
import { EtlError, TransientDbError, UsageError } from "../../errors.ts";
import { logger } from "../../log.ts";
import { debugSql } from "../sql-debug.ts";

const log = logger("sqlite");

export interface SqliteOpenOptions {
  /** Create the file when missing (a warehouse); otherwise a missing file is a usage error. */
  create: boolean;
  /** Open read-only (a source; doctor): no journal-mode change, no write of any kind. */
  readonly?: boolean;
  /** Milliseconds a statement waits for another connection's lock before SQLITE_BUSY (default 10 s). */
  busyTimeoutMs?: number;
}

/** Bun's SQLite (3.54 in Bun 1.4): SQLITE_MAX_VARIABLE_NUMBER is 32,766 since SQLite 3.32. */
const SQLITE_CAPS: DbCapabilities = {
  gtid: "none",
  replication: false,
  snapshotTransactions: false,
  // SQLITE_MAX_SQL_LENGTH's default; load.ts caps its statements far below this anyway.
  maxStatementBytes: 1_000_000_000,
  maxPlaceholders: 32_766,
  bulkLoad: false,
};

export class SqliteDb implements Db {
  readonly engine = "sqlite" as const;
  readonly label: string;
  readonly caps: DbCapabilities = { ...SQLITE_CAPS };

  private constructor(
    private readonly db: Database,
    /** The path as given (relative paths stay relative in messages). */
    readonly path: string,
  ) {
    this.label = `sqlite:${path}`;
  }

  /** Open (or create) the file; every way a path can be wrong is a one-line UsageError. */
  static open(path: string, options: SqliteOpenOptions): SqliteDb {
    const label = `sqlite:${path}`;
    checkPath(path, label, options);
    let db: Database;
    try {
      db = new Database(path, options.readonly ? { readonly: true, safeIntegers: true } : { create: options.create, readwrite: true, safeIntegers: true });
    } catch (err) {
      throw translateSqliteError(err, label, true);
    }
    try {
      // Reading the schema proves the file is a SQLite database at all (a text file opens fine).
      db.query("SELECT count(*) FROM sqlite_schema").get();
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 10_000))}`);
      if (!options.readonly) {
        // WAL: readers (doctor, a DBA's sqlite3 shell) never block the nightly writer, and a
        // batch's COMMIT is one sequential append. NORMAL sync is durable across process
        // crashes; a power loss may lose the last committed batches, which a rerun replaces.
        const mode = (db.query("PRAGMA journal_mode = WAL").get() as { journal_mode?: string } | null)?.journal_mode;
        if (String(mode).toLowerCase() !== "wal" && path !== ":memory:") log.warn(`${label}: journal_mode is ${mode}, not WAL (the file system may not support it); readers will block writers`);
        db.exec("PRAGMA synchronous = NORMAL");
      }
    } catch (err) {
      db.close(false);
      throw translateSqliteError(err, label, true);
    }
    return new SqliteDb(db, path);
  }

  async query<T = Row>(sql: string, params: Params = []): Promise<T[]> {
    debugSql(this.label, sql, params);
    try {
      const stmt = this.db.prepare(sql);
      try {
        return (stmt.all(...(params as SQLQueryBindings[])) as Row[]).map(exactRow) as T[];
      } finally {
        stmt.finalize();
      }
    } catch (err) {
      throw translateSqliteError(err, this.label);
    }
  }

  async execute(sql: string, params: Params = []): Promise<ExecResult> {
    debugSql(this.label, sql, params);
    try {
      const stmt = this.db.prepare(sql);
      try {
        const r = stmt.run(...(params as SQLQueryBindings[]));
        return { affectedRows: Number(r.changes), insertId: Number(r.lastInsertRowid) };
      } finally {
        stmt.finalize();
      }
    } catch (err) {
      throw translateSqliteError(err, this.label);
    }
  }

  /** Rows one at a time from SQLite's cursor: memory stays flat whatever the result size. */
  async *stream<T = Row>(sql: string, params: Params = []): AsyncIterable<T> {
    debugSql(this.label, sql, params);
    let stmt;
    try {
      stmt = this.db.prepare(sql);
    } catch (err) {
      throw translateSqliteError(err, this.label);
    }
    try {
      for (const row of stmt.iterate(...(params as SQLQueryBindings[]))) yield exactRow(row as Row) as T;
    } catch (err) {
      throw translateSqliteError(err, this.label);
    } finally {
      stmt.finalize();
    }
  }

  /** Run a multi-statement script (DDL files, a ServerDB schema). */
  async exec(script: string): Promise<void> {
    try {
      this.db.exec(script);
    } catch (err) {
      throw translateSqliteError(err, this.label);
    }
  }

  async close(): Promise<void> {
    this.db.close(false);
  }
}

/**
 * Integers come from bun:sqlite as BigInt (safeIntegers), so ids above 2^53 survive; turn them
 * into numbers where exact and decimal strings above, the shape mysql2 gives (supportBigNumbers).
 */
function exactRow(row: Row): Row {
  for (const key in row) {
    const v = row[key];
    if (typeof v === "bigint") row[key] = v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v.toString();
  }
  return row;
}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The mistakes SQLite reports only as "unable to open database file", named before it tries. */
function checkPath(path: string, label: string, options: SqliteOpenOptions): void {
  if (path === ":memory:" || path === "") return;
  const dir = dirname(resolve(path));
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) {
      throw new UsageError(`${label} is a directory; give the path of a SQLite file, e.g. sqlite:${path.replace(/\/+$/, "")}/serverdb_dw.sqlite`);
    }
    if (options.readonly) return;
    // WAL keeps PATH-wal and PATH-shm beside the file, so writing needs the directory too.
    if (!writable(path)) throw new UsageError(`${label} is not writable; fix its permissions or choose another path`);
    if (!writable(dir)) throw new UsageError(`${label}: directory ${dir} is not writable, and SQLite's WAL needs to create files beside the database; fix its permissions or move the file`);
    return;
  }
  const parent = nearestExisting(dir);
  if (!statSync(parent).isDirectory()) throw new UsageError(`${label}: ${parent} is a file, not a directory; choose another path`);
  if (parent !== dir) throw new UsageError(`${label}: directory ${dir} does not exist; create it or choose another path`);
  if (!options.create) {
    throw new UsageError(`${label} does not exist; check the path (for a warehouse, serverdb-etl init --target ${label} creates it)`);
  }
  if (!writable(dir)) throw new UsageError(`${label}: cannot create the file, directory ${dir} is not writable; fix its permissions or choose another path`);
}

function nearestExisting(dir: string): string {
  let d = dir;
  while (!existsSync(d)) {
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return d;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** SQLite errors → our classes; `opening` marks open-time failures as usage errors (a bad path or file). */
export function translateSqliteError(err: unknown, label: string, opening = false): Error {
  if (err instanceof EtlError) return err;
  const e = err as { code?: string; message?: string };
  // bun:sqlite reports extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_CANTOPEN_ISDIR …): match the family.
  const code = e.code ?? "";
  const family = code.replace(/^(SQLITE_[A-Z]+?)(_[A-Z_]+)?$/, "$1");
  const detail = (e.message ?? String(err)).replace(/\s+/g, " ").trim();
  if (family === "SQLITE_BUSY" || family === "SQLITE_LOCKED") {
    return new TransientDbError(`${label}: ${detail} (another connection holds a lock on the file; retried)`, code, { cause: err });
  }
  if (family === "SQLITE_NOTADB" || /not a database/i.test(detail)) {
    return new UsageError(`${label} is not a SQLite database; give the path of a SQLite file, or of a new one to create`, { cause: err });
  }
  if (family === "SQLITE_CORRUPT") return new EtlError(`${label}: the database file is corrupt (${detail}); restore it from a backup`, { cause: err });
  if (family === "SQLITE_FULL") return new EtlError(`${label}: the disk is full; free space, then rerun (committed batches are kept)`, { cause: err });
  if (family === "SQLITE_READONLY" || family === "SQLITE_CANTOPEN" || family === "SQLITE_PERM" || family === "SQLITE_AUTH") {
    const Cls = opening ? UsageError : EtlError;
    return new Cls(`${label}: ${detail}; check that the file and its directory exist and are writable`, { cause: err });
  }
  if (/no such table/i.test(detail)) {
    return new EtlError(`${label}: ${detail} (for the warehouse run serverdb-etl init; for a source check the path)`, { cause: err });
  }
  return new EtlError(`${label}: ${detail}`, { cause: err });
}
