// The small database interface every stage talks to. One implementation per engine
// (engine/mysql/mysql-db.ts, engine/sqlite/sqlite-db.ts); real differences are capability flags,
// and everything else engine-specific sits behind the Engine (engine/engine.ts).
import type { Endpoint } from "../settings/dsn.ts";

export type Row = Record<string, unknown>;
export type Params = readonly unknown[];

export interface ExecResult {
  affectedRows: number;
  /** AUTO_INCREMENT id of an INSERT (0 when none). */
  insertId: number;
  /** MariaDB: the GTID of the transaction this statement committed (tracked session variable). */
  gtid?: string;
}

/** What an engine can do; pipeline code branches on these, never on the engine's name. */
export interface DbCapabilities {
  /**
   * Writes produce GTIDs that replicas can wait for. "wsrep": a Galera node with wsrep_gtid_mode
   * ON, whose write-sets' GTIDs (WSREP_LAST_WRITTEN_GTID) the other nodes wait for with
   * WSREP_SYNC_WAIT_UPTO_GTID, and async replicas of it with MASTER_GTID_WAIT.
   */
  gtid: "mariadb" | "mysql" | "wsrep" | "none";
  /**
   * The largest transaction the server will replicate (a Galera node: wsrep_max_ws_rows, 0 for
   * no limit, and wsrep_max_ws_size in bytes); writers keep every batch inside it. Absent: no limit.
   */
  transactionLimit?: { rows: number; bytes: number };
  /** The node belongs to a synchronous cluster (Galera, wsrep_on): other nodes can be found from it. */
  clusterNode?: boolean;
  /** Other servers can replicate this database's writes, so replica waits make sense. */
  replication: boolean;
  /** START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY and session variables (MySQL/MariaDB). */
  snapshotTransactions: boolean;
  /** Largest statement the server accepts, in bytes (MySQL: @@max_allowed_packet). */
  maxStatementBytes: number;
  /** Most `?` placeholders in one statement. */
  maxPlaceholders: number;
  /**
   * Rows can be bulk-loaded with Db.loadRows (MySQL/MariaDB: LOAD DATA LOCAL INFILE, only when
   * the server's @@local_infile is ON; MySQL 8 defaults it OFF). Otherwise writers use REPLACE.
   */
  bulkLoad: boolean;
}

/** The key of an engine in engine/index.ts's table (the DSN scheme that selects it). */
export type EngineName = "mysql" | "sqlite";

export interface Db {
  /** Which Engine serves this Db (engineOf(db) in engine/index.ts); never branched on outside engine/. */
  readonly engine: EngineName;
  /** The endpoint as shown to people (never with a password). */
  readonly label: string;
  /** The one server this connection reached (one host of a DSN that lists several); undefined for a file. */
  readonly endpoint?: Endpoint;
  readonly caps: DbCapabilities;
  /** Run a statement and return all its rows (small results only). */
  query<T = Row>(sql: string, params?: Params): Promise<T[]>;
  /** Run a statement that returns no rows. */
  execute(sql: string, params?: Params): Promise<ExecResult>;
  /**
   * Replace rows of `table` from `data`, tab-separated rows as engine/bulk-rows.ts encodes them
   * (`rows` of them); only where caps.bulkLoad. Throws when the server reports any warning:
   * a value that did not arrive exactly as sent.
   */
  loadRows?(table: string, columns: readonly string[], data: Buffer, rows: number): Promise<void>;
  /** Stream a large result row by row; a slow consumer pauses the server. */
  stream<T = Row>(sql: string, params?: Params): AsyncIterable<T>;
  close(): Promise<void>;
}
