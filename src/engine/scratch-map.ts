// A string → string map on disk for one run: a WITHOUT ROWID SQLite table in a file of its own
// under the OS temp dir, deleted by close(), so an index of the whole fleet costs the process a
// page cache (a few MB) however large the fleet. Synchronous (bun:sqlite): a lookup takes
// microseconds and needs no await in the row loop. Each key remembers whether it was taken, to
// count at the end the entries nobody asked for.
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ScratchMap {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  /** The value, and the key marked as taken. */
  take(key: string): string | undefined;
  /** Keys held. */
  size(): number;
  /** Keys never taken. */
  untaken(): number;
  /** The file's size now (bytes), for the figures. */
  bytes(): number;
  /** Delete the file (idempotent). */
  close(): void;
}

/** Writes and takes are grouped into transactions of this many: one commit per statement would dominate. */
const PER_TRANSACTION = 2000;

/** A new, empty map in a fresh directory `prefix…` under the OS temp dir. */
export function openScratchMap(prefix: string): ScratchMap {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, "map.sqlite");
  let db: Database;
  try {
    db = new Database(file, { create: true });
    // Scratch data: nothing to recover after a crash, so no journal and no fsync.
    db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE");
    db.exec("CREATE TABLE m (k TEXT PRIMARY KEY, v TEXT NOT NULL, taken INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID");
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const getStmt = db.query<{ v: string }, [string]>("SELECT v FROM m WHERE k = ?");
  const setStmt = db.query<never, [string, string]>("INSERT INTO m (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v");
  const takeStmt = db.query<{ v: string }, [string]>("UPDATE m SET taken = 1 WHERE k = ? RETURNING v");
  let inTransaction = 0;
  let closed = false;
  const write = () => {
    if (inTransaction === 0) db.exec("BEGIN");
    if (++inTransaction >= PER_TRANSACTION) commit();
  };
  const commit = () => {
    if (inTransaction === 0) return;
    db.exec("COMMIT");
    inTransaction = 0;
  };
  const count = (sql: string) => {
    commit();
    return Number(db.query<{ n: number }, []>(sql).get()!.n);
  };
  return {
    get: (key) => getStmt.get(key)?.v,
    set(key, value) {
      write();
      setStmt.run(key, value);
    },
    take(key) {
      write();
      return takeStmt.get(key)?.v;
    },
    size: () => count("SELECT COUNT(*) AS n FROM m"),
    untaken: () => count("SELECT COUNT(*) AS n FROM m WHERE taken = 0"),
    bytes: () => {
      try {
        return statSync(file).size;
      } catch {
        return 0;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        db.close(false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
