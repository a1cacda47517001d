// The warehouse engines the integration suites run against, and a fresh warehouse of each:
// `for (const engine of ENGINES) describe(...)` runs the same assertions on MariaDB (the test
// bed's primary, with its GTID replica) and on SQLite (a new file in a temp dir).
// SERVERDB_ETL_TEST_ENGINES=sqlite (or mariadb, or both comma-separated) narrows the list.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "../../src/engine/db.ts";
import { lockWarehouse } from "../../src/engine/index.ts";
import { type RunLock } from "../../src/engine/engine.ts";
import { SqliteDb } from "../../src/engine/sqlite/sqlite-db.ts";
import { parseDsn } from "../../src/settings/dsn.ts";
import { connect, dsn, freshDatabase, servers } from "./servers.ts";

export type Engine = "mariadb" | "sqlite";
export const ALL_ENGINES: readonly Engine[] = ["mariadb", "sqlite"];

function selectedEngines(value: string | undefined): Engine[] {
  if (!value?.trim()) return [...ALL_ENGINES];
  const names = value.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((n) => !(ALL_ENGINES as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`SERVERDB_ETL_TEST_ENGINES: unknown engine ${unknown.join(", ")}; use ${ALL_ENGINES.join(", ")}`);
  return ALL_ENGINES.filter((e) => names.includes(e));
}

/** The engines to test, in a fixed order. */
export const ENGINES: readonly Engine[] = selectedEngines(process.env.SERVERDB_ETL_TEST_ENGINES);

/** Where the SQLite warehouses of this test process live; removed when it exits. */
let sqliteDir: string | undefined;
function sqliteDirectory(): string {
  if (!sqliteDir) {
    sqliteDir = mkdtempSync(join(tmpdir(), "serverdb-etl-test-sqlite-"));
    const dir = sqliteDir;
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return sqliteDir;
}

let fileCounter = 0;

/** A new, empty warehouse location: what `--target` gets, and how a test reads it. */
export interface TestWarehouse {
  engine: Engine;
  /** The `--target` DSN. */
  dsn: string;
  /** The MariaDB database name, or the SQLite file's path. */
  name: string;
  /** `--replica …` for the commands that write: the test bed's replica (as `ro`) on MariaDB, none on SQLite. */
  replicaArgs: string[];
  /** How a person names it in output (describeEndpoint's spelling). */
  label: string;
}

/** A fresh MariaDB database on the primary, or the path of a SQLite file that does not exist yet. */
export async function warehouseFor(engine: Engine, prefix = "dw"): Promise<TestWarehouse> {
  if (engine === "mariadb") {
    const name = await freshDatabase(prefix);
    const { primary, replica } = servers();
    return { engine, dsn: dsn(primary, name), name, replicaArgs: ["--replica", dsn(replica, name, "ro")], label: `mysql://root@127.0.0.1:${primary.port}/${name}` };
  }
  const name = join(sqliteDirectory(), `${prefix}_${process.pid}_${++fileCounter}.sqlite`);
  return { engine, dsn: `sqlite:${name}`, name, replicaArgs: [], label: `sqlite:${name}` };
}

/** Open a warehouse for a test to read or change (MariaDB: root, several statements per call allowed). */
export async function openWarehouseDb(w: TestWarehouse, server: "primary" | "replica" = "primary"): Promise<Db> {
  if (w.engine === "mariadb") return connect(servers()[server], w.name);
  if (server === "replica") throw new Error("a SQLite warehouse has no replica");
  return SqliteDb.open(w.name, { create: true });
}

/** Run `fn` on an open warehouse, closing it after. */
export async function withWarehouse<T>(w: TestWarehouse, fn: (db: Db) => Promise<T>, server: "primary" | "replica" = "primary"): Promise<T> {
  const db = await openWarehouseDb(w, server);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Execute a multi-statement script (init's printed migration, a test's DDL) as a DBA would. */
export async function applyScript(w: TestWarehouse, script: string): Promise<void> {
  await withWarehouse(w, async (db) => {
    if (db instanceof SqliteDb) await db.exec(script);
    else await db.execute(script); // connect() enables multipleStatements
  });
}

/** Replica waits exist only where the engine replicates: the MariaDB test bed. */
export function hasReplica(engine: Engine): boolean {
  return engine === "mariadb";
}

/**
 * Hold the warehouse's run lock the way a running serverdb-etl would (GET_LOCK on MariaDB, the
 * lock file's write lock on SQLite), so a test can check that a command is turned away (75).
 */
export async function holdRunLock(w: TestWarehouse): Promise<RunLock> {
  return lockWarehouse(parseDsn(w.dsn, "test warehouse"), w.engine === "mariadb" ? w.name : "main");
}

/** `(?, ?, …)` for an IN list of `n` values (SQLite has no array expansion, unlike mysql2). */
export function inList(n: number): string {
  return `(${Array(n).fill("?").join(", ")})`;
}

/**
 * Watch a warehouse for committed writes: `changed()` is true once anything was committed after
 * the call. MariaDB: the primary's GTID position moved (every commit is binlogged). SQLite: PRAGMA
 * data_version, which changes when another connection commits (this one stays open meanwhile,
 * so no checkpoint on another's close is mistaken for a write).
 */
export async function watchWrites(w: TestWarehouse): Promise<{ changed(): Promise<boolean>; close(): Promise<void> }> {
  if (w.engine === "mariadb") {
    const db = await connect(servers().primary);
    const pos = async () => (await db.query<{ pos: string }>("SELECT @@GLOBAL.gtid_binlog_pos AS pos"))[0]!.pos;
    const start = await pos();
    return { changed: async () => (await pos()) !== start, close: () => db.close() };
  }
  const db = await openWarehouseDb(w);
  const version = async () => Number((await db.query<{ data_version: number }>("PRAGMA data_version"))[0]!.data_version);
  const start = await version();
  return { changed: async () => (await version()) !== start, close: () => db.close() };
}
