// Db over bun:sqlite: the embedded default for the demo and for investigations without a
// server. WAL mode (readers never block the writer), a busy timeout so a concurrent reader
// does not fail a batch, and errors translated like the MySQL ones.
import { Database, type SQLQueryBindings } from "bun:sqlite";
import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Db, DbCapabilities, ExecResult, Params, Row } from "./db.ts";
import { EtlError, TransientDbError, UsageError } from "../errors.ts";

export interface SqliteOpenOptions {
  /** Create the file when missing (the warehouse); a source must already exist. */
  create: boolean;
  /** Open read-only (a source). */
  readonly?: boolean;
}

export class SqliteDb implements Db {
  readonly engine = "sqlite" as const;
  readonly label: string;
  readonly caps: DbCapabilities = {
    gtid: "none",
    advisoryLocks: false,
    snapshotTransactions: false,
    maxStatementBytes: 1_000_000_000,
    maxPlaceholders: 32_766,
  };

  private constructor(
    private readonly db: Database,
    readonly path: string,
  ) {
    this.label = `sqlite:${path}`;
  }

  static open(path: string, options: SqliteOpenOptions): SqliteDb {
    const label = `sqlite:${path}`;
    if (existsSync(path) && statSync(path).isDirectory()) {
      throw new UsageError(`${label} is a directory; give the path of a SQLite file, e.g. sqlite:${path.replace(/\/$/, "")}/serverdb_dw.sqlite`);
    }
    if (!options.create && !existsSync(path)) {
      throw new UsageError(`${label} does not exist; check the path (serverdb-etl generate --source ${label} creates a ServerDB there)`);
    }
    if (options.create && !existsSync(dirname(path) || ".")) {
      throw new UsageError(`${label}: directory ${dirname(path)} does not exist; create it or choose another path`);
    }
    let db: Database;
    try {
      db = new Database(path, options.readonly ? { readonly: true } : { create: options.create, readwrite: true });
    } catch (err) {
      throw new UsageError(`cannot open ${label}: ${(err as Error).message}; check the path and its permissions`);
    }
    const sqlite = new SqliteDb(db, path);
    try {
      // Reading the schema proves the file is a SQLite database at all.
      db.query("SELECT count(*) FROM sqlite_schema").get();
      if (!options.readonly) db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA busy_timeout = 10000");
      db.exec("PRAGMA synchronous = NORMAL");
    } catch (err) {
      db.close();
      throw translateSqliteError(err, label, true);
    }
    return sqlite;
  }

  async query<T = Row>(sql: string, params: Params = []): Promise<T[]> {
    try {
      const stmt = this.db.prepare(sql);
      try {
        return stmt.all(...(params as SQLQueryBindings[])) as T[];
      } finally {
        stmt.finalize();
      }
    } catch (err) {
      throw translateSqliteError(err, this.label);
    }
  }

  async execute(sql: string, params: Params = []): Promise<ExecResult> {
    try {
      const stmt = this.db.prepare(sql);
      try {
        const r = stmt.run(...(params as SQLQueryBindings[]));
        return { affectedRows: r.changes, insertId: Number(r.lastInsertRowid) };
      } finally {
        stmt.finalize();
      }
    } catch (err) {
      throw translateSqliteError(err, this.label);
    }
  }

  async *stream<T = Row>(sql: string, params: Params = []): AsyncIterable<T> {
    let stmt;
    try {
      stmt = this.db.prepare(sql);
    } catch (err) {
      throw translateSqliteError(err, this.label);
    }
    try {
      for (const row of stmt.iterate(...(params as SQLQueryBindings[]))) yield row as T;
    } catch (err) {
      throw translateSqliteError(err, this.label);
    } finally {
      stmt.finalize();
    }
  }

  /** Run a multi-statement script (DDL files). */
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

/** SQLite errors → our classes; `opening` marks "this file is not a database" as a usage error. */
export function translateSqliteError(err: unknown, label: string, opening = false): Error {
  if (err instanceof EtlError) return err;
  const e = err as { code?: string; message?: string };
  const code = e.code ?? "";
  const detail = (e.message ?? String(err)).replace(/\s+/g, " ").trim();
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    return new TransientDbError(`${label}: ${detail} (another process is writing; it is retried)`, code, { cause: err });
  }
  if (code === "SQLITE_NOTADB" || (opening && /not a database/i.test(detail))) {
    return new UsageError(`${label} is not a SQLite database; give the path of a SQLite file or a new one`, { cause: err });
  }
  if (code === "SQLITE_FULL") return new EtlError(`${label}: the disk is full; free space, then rerun (no data was lost)`, { cause: err });
  if (code === "SQLITE_READONLY" || code === "SQLITE_CANTOPEN" || code === "SQLITE_PERM") {
    return new EtlError(`${label}: ${detail} (check that the file and its directory are writable)`, { cause: err });
  }
  if (/no such table/i.test(detail)) {
    return new EtlError(`${label}: ${detail} (for the warehouse run serverdb-etl init; for a source check the path)`, { cause: err });
  }
  return new EtlError(`${label}: ${detail}`, { cause: err });
}
