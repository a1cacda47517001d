// The shapes doctor passes around: facts read from one server (inspect.ts measures them)
// and the checks judged from them (judge.ts decides). Plain data, no behaviour.
import type { Role } from "../settings/connections.ts";
import type { Grant } from "./grants.ts";

export type { Role };

/** Everything doctor reads from one server. Optional fields were not read for that role. */
export interface ServerFacts {
  /** VERSION(), e.g. "10.11.19-MariaDB-0+deb12u1" or "8.0.36". */
  version: string;
  flavor: "mariadb" | "mysql";
  /** CURRENT_USER() split into the account the server matched us as. */
  account: { user: string; host: string };
  /** The database of the DSN ("" for a replica given without one). */
  database: string;
  /**
   * Set when the server refused the DSN's database at connect and doctor connected without it:
   * its reason (ER_BAD_DB_ERROR "does not exist"; ER_DBACCESS_DENIED_ERROR, which the server
   * also gives for a database that does not exist when the account holds nothing there), and
   * the databases the account can see (information_schema.SCHEMATA), to tell which and to
   * suggest the name meant.
   */
  databaseRefused?: { code: DatabaseRefusal; visible: string[] };
  /** Parsed SHOW GRANTS lines (MariaDB includes the active role's and PUBLIC's grants). */
  grants: Grant[];
  /** MySQL lists granted roles without expanding their privileges, so grants may be incomplete. */
  rolesUnexpanded: boolean;
  /** Why SHOW GRANTS could not be read, if it could not. */
  grantsError?: string;
  vars: ServerVariables;
  /** Source only: per ServerDB table, whether a SELECT on it works. */
  tables?: Record<string, TableAccess>;
  /** Target only: how much history the fact tables hold. */
  history?: HistorySize;
  /** Replica only: SHOW REPLICA/SLAVE STATUS. */
  replication?: ReplicationFacts;
  /** Set when the server is a Galera node (wsrep_on), whatever its role. */
  galera?: GaleraFacts;
  /** Target only, for a DSN listing several hosts: each other host, as it answered (or why it did not). */
  failover?: FailoverHost[];
}

/** A host of the target DSN's list, other than the one connected to. */
export interface FailoverHost {
  address: string;
  /** Its wsrep state; undefined when it is no Galera node or did not answer (then `error`). */
  galera?: GaleraFacts;
  error?: string;
}

/** A Galera node's wsrep variables and status (SHOW GLOBAL VARIABLES / STATUS LIKE 'wsrep%'). */
export interface GaleraFacts {
  /** wsrep_on: replication through Galera is on for this server. */
  on: boolean;
  /** wsrep_gtid_mode: write-sets carry MariaDB GTIDs that WSREP_SYNC_WAIT_UPTO_GTID can wait for. */
  gtidMode: boolean;
  /** wsrep_max_ws_rows (0: no limit) and wsrep_max_ws_size (bytes). */
  maxWsRows: number;
  maxWsBytes: number;
  /** @@server_id: GTIDs agree across nodes only where every node has the same one. */
  serverId: number;
  clusterSize: number;
  /** wsrep_local_state_comment: Synced, Donor/Desynced, Joining, Joined, … */
  state: string;
  /** wsrep_cluster_status: Primary, Non-Primary or Disconnected. */
  clusterStatus: string;
  /** wsrep_cluster_state_uuid: the cluster's identity (its history), the same on every node of it. */
  clusterStateUuid?: string;
  /** wsrep_flow_control_paused: fraction of time paused by flow control since the last FLUSH STATUS. */
  flowControlPaused: number;
  /** wsrep_incoming_addresses: every node's client address (host:port), this one included. */
  incomingAddresses: string[];
  /** wsrep_node_incoming_address: this node's own ("AUTO" when not set). */
  ownAddress: string;
}


export type TableAccess = "ok" | "missing" | "denied";

/** server_facts and server_fact_roles together: bytes of data and keys, and the report days held. */
export interface HistorySize {
  bytes: number;
  days: number;
}

/** Why the server refused the DSN's database at connect. */
export type DatabaseRefusal = "ER_BAD_DB_ERROR" | "ER_DBACCESS_DENIED_ERROR";

/** The server variables doctor reports (SHOW GLOBAL VARIABLES). */
export interface ServerVariables {
  serverId: number;
  logBin: boolean;
  binlogFormat: string;
  readOnly: boolean;
  maxAllowedPacket: number;
  timeZone: string;
  systemTimeZone: string;
  /** MariaDB: GTIDs this server wrote to its binlog / applied as a replica. */
  gtidBinlogPos?: string;
  gtidSlavePos?: string;
  gtidStrictMode?: boolean;
  /** MySQL: OFF | OFF_PERMISSIVE | ON_PERMISSIVE | ON. */
  gtidMode?: string;
  gtidExecuted?: string;
  /** InnoDB's buffer pool, in bytes. */
  bufferPoolBytes?: number;
}

export type ReplicationFacts =
  | { state: "denied"; error: string }
  | { state: "none" }
  | { state: "read"; status: ReplicaStatus };

/** SHOW REPLICA STATUS / SHOW SLAVE STATUS, with MySQL's and MariaDB's column names unified. */
export interface ReplicaStatus {
  ioRunning: string;
  sqlRunning: string;
  /** null while replication is stopped or broken. */
  secondsBehind: number | null;
  sourceHost: string;
  sourcePort: number;
  sourceServerId: number;
  /** MariaDB Using_Gtid (No, Slave_Pos, Current_Pos); MySQL: "Auto_Position" or "No". */
  usingGtid: string;
  lastIoError: string;
  lastSqlError: string;
}

export type CheckResult = "ok" | "warn" | "fail";

/** One judged line of the report. */
export interface Check {
  /** Stable name for scripts: connect, version, privileges, tables, read_only, binlog, gtid, … */
  check: string;
  result: CheckResult;
  /** What was found, one line. */
  detail: string;
  /** What to do about it, one line (only when result is not ok). */
  fix?: string;
  /** The SQL an administrator runs to fix it (GRANTs), each one statement without its `;`. */
  statements?: string[];
}

/** A check with the endpoint it belongs to: one row of the table. */
export interface ReportRow extends Check {
  /** A server's role, or "puppetdb" for the rows of [puppetdb]. */
  role: Role | "puppetdb";
  endpoint: string;
}
