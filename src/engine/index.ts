// The engines by name, and the one place that picks one: from an endpoint's DSN scheme or from
// an open Db. Every engine-specific step outside engine/ goes through these functions.
import type { Db, EngineName } from "./db.ts";
import type { Engine, OpenDbOptions, RunLock } from "./engine.ts";
import type { Endpoint } from "../settings/dsn.ts";
import type { RunLockLostError } from "../errors.ts";
import { mysqlEngine } from "./mysql/engine.ts";
import { sqliteEngine } from "./sqlite/engine.ts";

const ENGINES: { [K in EngineName]: Engine<Extract<Endpoint, { kind: K }>> } = {
  mysql: mysqlEngine,
  sqlite: sqliteEngine,
};

/** The engine that serves `ep`. */
export function engineFor(ep: Endpoint): Engine {
  return ENGINES[ep.kind] as Engine;
}

/** The engine of an open Db. */
export function engineOf(db: Db): Engine {
  return ENGINES[db.engine] as Engine;
}

/** Open a Db for `ep` with its engine. */
export function openDb(ep: Endpoint, opts: OpenDbOptions = {}): Promise<Db> {
  return engineFor(ep).open(ep, opts);
}

/**
 * Take the run lock of the warehouse at `ep`, the engine's way (MariaDB/MySQL: GET_LOCK on a
 * connection of its own; SQLite: the write lock of a sibling lock file). A second run fails at
 * once with LockHeldError (exit 75) saying who holds it and since when.
 */
export function lockWarehouse(ep: Endpoint, database: string, onLost: (err: RunLockLostError) => void = () => {}): Promise<RunLock> {
  return engineFor(ep).lockRun(ep, database, onLost);
}
