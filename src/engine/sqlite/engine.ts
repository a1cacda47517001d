// The SQLite engine: one file per database through bun:sqlite (built into Bun, so no cost at
// start-up), a lock-file run lock, the PRAGMA catalog, and the SQLite parts of doctor, generate
// and the demo. Tables live in the schema "main".
import { sqliteSourceTables } from "./source-tables.ts";
import type { Engine } from "../engine.ts";
import type { SqliteEndpoint } from "../../settings/dsn.ts";
import { engineSql } from "../../sql.ts";
import { shellWord } from "../shell-word.ts";
import { sqliteCatalog } from "./catalog.ts";
import { probeSqlite } from "./doctor.ts";
import { prepareSqliteTarget } from "./generate-target.ts";
import { acquireLockFile } from "./lock-file.ts";
import { SqliteDb } from "./sqlite-db.ts";

export const sqliteEngine: Engine<SqliteEndpoint> = {
  name: "sqlite",
  replicates: false,
  client: "sqlite3",
  async open(ep, opts = {}) {
    const purpose = opts.purpose ?? "inspect";
    return SqliteDb.open(ep.path, { create: purpose === "target", readonly: purpose === "source" });
  },
  // A file lock cannot be lost while the process lives, so onLost is never called.
  lockRun: (ep) => acquireLockFile(ep.path),
  sourceTables: sqliteSourceTables,
  catalog: sqliteCatalog,
  sql: (name) => engineSql("sqlite", name),
  schemaOf: () => "main",
  clientCommand: (ep) => `sqlite3 -header -column ${shellWord(ep.path)}`,
  prepareGenerateTarget: prepareSqliteTarget,
  probe: (role, ep, opts) => probeSqlite(role, ep, opts.extras),
};
