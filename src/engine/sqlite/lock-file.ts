// The run lock of a SQLite warehouse: a write transaction (BEGIN IMMEDIATE) held for the whole
// run on a small sibling database, `<warehouse>.lock`. SQLite's write lock is an OS file lock,
// so it goes away with the process however the process ends: nothing can go stale, and no row
// in the warehouse is involved. The lock file's one row says who holds the lock (pid, host,
// since), so a second run is turned away (LockHeldError, exit 75) with a useful message.
import { Database } from "bun:sqlite";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { LockHeldError, TransientDbError } from "../../errors.ts";
import { logger } from "../../log.ts";
import { translateSqliteError } from "./sqlite-db.ts";
import type { RunLock } from "../engine.ts";

const log = logger("lock");

/** How long the holder waits for a reader of its row (another run reading who holds the lock). */
const PUBLISH_BUSY_MS = 2000;

interface Holder {
  pid: number;
  host: string;
  since: string;
  token: string;
}

/** `<path>.lock`: beside the warehouse, so it shares its directory's permissions and lifetime. */
export function lockFilePath(warehousePath: string): string {
  return `${warehousePath}.lock`;
}

/**
 * Hold the write lock of `<warehousePath>.lock` until release(). The holder's row is published
 * with a short commit between two lock takes: a run slipping in between is the one that holds
 * the lock then, and its own row is what we report.
 */
export async function acquireLockFile(warehousePath: string): Promise<RunLock> {
  const path = lockFilePath(warehousePath);
  const label = `sqlite:${path}`;
  let db: Database;
  try {
    // Rollback-journal mode (the default): a held RESERVED lock still lets others read the row.
    db = new Database(path, { create: true, readwrite: true });
    db.exec("PRAGMA busy_timeout = 0");
  } catch (err) {
    throw translateSqliteError(err, label, true);
  }
  const token = randomUUID();
  try {
    if (!tryBegin(db, label)) throw new LockHeldError(describeHolder(db, warehousePath, token));
    db.exec("CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL, token TEXT NOT NULL)");
    db.prepare("REPLACE INTO holder (id, pid, host, since, token) VALUES (1, ?, ?, ?, ?)").run(
      process.pid,
      hostname(),
      new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      token,
    );
    db.exec(`PRAGMA busy_timeout = ${PUBLISH_BUSY_MS}`);
    db.exec("COMMIT");
    db.exec("PRAGMA busy_timeout = 0");
    if (!tryBegin(db, label)) throw new LockHeldError(describeHolder(db, warehousePath, token));
  } catch (err) {
    try {
      if (db.inTransaction) db.exec("ROLLBACK");
    } catch {
      // closing below releases whatever is left
    }
    db.close(false);
    throw err instanceof LockHeldError ? err : translateSqliteError(err, label, true);
  }
  log.debug(`holding the write lock of ${label}`);
  let released = false;
  return {
    name: path,
    async release() {
      if (released) return;
      released = true;
      try {
        db.exec("ROLLBACK");
      } catch (err) {
        log.debug(`releasing ${label}: ${(err as Error).message}`);
      }
      db.close(false);
    },
  };
}

/** BEGIN IMMEDIATE without waiting: true when this connection now holds the write lock. */
function tryBegin(db: Database, label: string): boolean {
  try {
    db.exec("BEGIN IMMEDIATE");
    return true;
  } catch (err) {
    const e = translateSqliteError(err, label);
    if (e instanceof TransientDbError) return false;
    throw e;
  }
}

/** The one-line refusal: who holds the lock and since when, from the row the holder published. */
function describeHolder(db: Database, warehousePath: string, token: string): string {
  const fix = "wait for it to finish or check for a stuck process";
  let holder: Holder | null = null;
  try {
    holder = db.query("SELECT pid, host, since, token FROM holder WHERE id = 1").get() as Holder | null;
  } catch (err) {
    // No table yet: the holder is a first run that has not published itself.
    log.debug(`reading the lock holder: ${(err as Error).message}`);
  }
  const where = `sqlite:${warehousePath}`;
  if (!holder || holder.token === token) return `another serverdb-etl run took the lock on ${where} a moment ago; ${fix}`;
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(holder.since)) / 1000));
  return `another serverdb-etl run holds the lock on ${where} since ${holder.since} (${seconds} s ago; pid ${holder.pid} on ${holder.host}); ${fix}`;
}
