// What every database engine provides behind one interface (in the spirit of Kysely's Dialect):
// connections, the run lock, the warehouse catalog, the SQL that differs, and the engine parts of
// doctor, generate and the demo. One object per engine (engine/<name>/engine.ts); engine/index.ts
// picks it from the DSN, so nothing outside engine/ asks which engine it has.
import type { Db, EngineName } from "./db.ts";
import type { WarehouseCatalog } from "./catalog.ts";
import type { Endpoint } from "../settings/dsn.ts";
import type { EngineSqlName } from "../sql.ts";
import type { RunLockLostError } from "../errors.ts";
import type { Check, Role, ServerFacts } from "../doctor/types.ts";
import type { TableBatch } from "../generate/rows.ts";
import type { FactExtras } from "../extras/declare.ts";

export interface OpenDbOptions {
  /**
   * What the endpoint is opened for, which matters for a SQLite file only. A "target" is the
   * warehouse `init` creates when missing; "write" (etl, aggregate, expire, run: they need the
   * tables init makes) and "inspect" (the default: init --check, reads) must exist; a "source"
   * must exist and is opened read-only.
   */
  purpose?: "target" | "write" | "source" | "inspect";
  /** Seconds before a connection attempt gives up (servers). */
  connectTimeoutS?: number;
  /**
   * Seconds this session must survive idle: a server's wait_timeout is raised to this (never
   * lowered), so it does not close the writer while it waits for a replica.
   */
  idleTimeoutS?: number;
  /**
   * The connection this one replaces (the writer's, lost mid-run): a server DSN that lists several
   * Galera nodes tries its node first, then the others, and accepts only a node of its cluster.
   */
  replacing?: Db;
}

/**
 * Fact tables that hold one LIST partition per report day (MariaDB/MySQL): a run adds the day's
 * partition before writing the day, and expire drops it instead of deleting its rows.
 */
export interface DayPartitions {
  /** The days of `table` that have a partition, with its name and how many days it holds; undefined when `table` is not partitioned by day. */
  list(db: Db, table: string): Promise<Map<string, { name: string; days: number }> | undefined>;
  /** The DDL that adds `day`'s partition to `table`. */
  addSql(db: Db, table: string, day: string): string;
  /** The DDL that drops the partitions `names` of `table`, in one statement. */
  dropSql(db: Db, table: string, names: readonly string[]): string;
  /** The error of a retried ADD or DROP whose first attempt had already done it. */
  alreadyDone(err: unknown): boolean;
}

/** The run lock: one serverdb-etl run per warehouse. */
export interface RunLock {
  readonly name: string;
  release(): Promise<void>;
}

/** How `generate` wants its target prepared. */
export interface GenerateTargetOptions {
  /** Drop and recreate servers_* tables that hold rows (otherwise rows there are a usage error). */
  force: boolean;
  /** Also create the optional site-specific tables (sql/serverdb/site_extras.sql and its SQLite twin). */
  siteExtras: boolean;
}

/** A database made ready for `generate` to write the synthetic ServerDB into. */
export interface PreparedTarget {
  db: Db;
  /** Bytes of values per INSERT that the server accepts comfortably. */
  maxStatementBytes: number;
  /** Rewrites a batch's values into the engine's stored form before it is written (SQLite: Django's text forms). */
  adapt?: (batch: TableBatch) => TableBatch;
  /** Runs after the last row is written (SQLite: creates the secondary indexes). */
  finish?: () => Promise<void>;
}

/** What doctor learned from one endpoint: the connect row, and either the facts to judge or the checks already judged. */
export interface DoctorProbe {
  connect: Check;
  /** A server's facts, judged by doctor/judge.ts. */
  facts?: ServerFacts;
  /** Checks the engine judged itself (a SQLite file has no account, grants or server variables). */
  extra?: Check[];
}

/** A source table as a declared fact column sees it. */
export interface SourceTable {
  columns: string[];
  /** Lower-cased names of the columns that alone form a PRIMARY or UNIQUE key. */
  unique: Set<string>;
}

/** What doctor's probe of an endpoint needs to know. */
export interface ProbeOptions {
  /** Seconds to wait for a server to accept the connection. */
  connectTimeoutS: number;
  /** The columns declared in [facts]: their joined source tables are read, their columns expected. */
  extras?: FactExtras;
}

export interface Engine<E extends Endpoint = Endpoint> {
  readonly name: EngineName;
  /** Servers of this engine can have replicas that a run waits for. */
  readonly replicates: boolean;
  /** The engine's own command-line client, as a person knows it ("mysql", "sqlite3"). */
  readonly client: string;
  /** Open a connection (or file) for `ep`; every way it can fail is a one-line error. */
  open(ep: E, opts?: OpenDbOptions): Promise<Db>;
  /**
   * Take the run lock of the warehouse at `ep` (named after `database`), or fail at once with
   * LockHeldError (exit 75). `onLost` is called at most once if the lock goes while held.
   */
  lockRun(ep: E, database: string, onLost: (err: RunLockLostError) => void): Promise<RunLock>;
  /** Present where the fact tables can be partitioned by day (not SQLite). */
  readonly dayPartitions?: DayPartitions;
  /** The warehouse tables as this version defines them for this engine, and how to read the live ones. */
  readonly catalog: WarehouseCatalog;
  /** The engine's text of a statement that differs per engine (sql.ts). */
  sql(name: EngineSqlName): string;
  /** The tables among `names` in the source schema `schema` that this account can see. Read-only. */
  sourceTables(db: Db, schema: string, names: readonly string[]): Promise<Map<string, SourceTable>>;
  /** The schema the tables of `ep` live in: the lock's and the extract's name for it. */
  schemaOf(ep: E): string;
  /** The client's command line up to the SQL, for a person to copy (the password is never shown). */
  clientCommand(ep: E): string;
  /** Create or check the database `generate` writes into. */
  prepareGenerateTarget(ep: E, opts: GenerateTargetOptions): Promise<PreparedTarget>;
  /** doctor: connect and read what can be judged; never throws (a failure is the connect row). */
  probe(role: Role, ep: E, opts: ProbeOptions): Promise<DoctorProbe>;
}
