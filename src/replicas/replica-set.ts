// Replica waits: after a committed batch, wait until every replica has applied it, so readers
// of the replicas never see a half-loaded night. Positions are GTIDs where both sides have
// them, else replica lag. Measuring and deciding live in replication-measure/-decide.ts.
import type { Db, ExecResult } from "../engine/db.ts";
import { describeEndpoint, withoutDatabase, type Endpoint } from "../settings/dsn.ts";
import { EtlError, UsageError } from "../errors.ts";
import { engineFor } from "../engine/index.ts";
import { compactGtid } from "./measure.ts";
import { Replica, type ReplicaConnector } from "./replica.ts";

export type { ReplicaConnector } from "./replica.ts";

/** Where the primary is after a write we must see on the replicas. */
export interface WritePosition {
  /** MariaDB: the GTID(s) of the write, e.g. "0-1-4711" (comma list allowed); MySQL 8: a GTID set. */
  gtid?: string;
}

export interface ReplicaWaitOptions {
  /** Give up (EtlError naming the replica) after this many seconds of waiting for one position. Default 300. */
  timeoutS: number;
  /** Without GTIDs: wait until Seconds_Behind_Master <= this. Default 1. */
  maxLagS: number;
  /** Log the replica and its position every this many seconds while waiting. Default 10. */
  logEveryS: number;
  /**
   * Poll lag even where a GTID wait is possible (replicas whose GTID position cannot be trusted). Default false.
   * Weaker: a replica whose IO thread has not yet fetched the write also reports lag 0.
   */
  lagOnly?: boolean;
}

export const DEFAULT_REPLICA_WAIT: ReplicaWaitOptions = { timeoutS: 300, maxLagS: 1, logEveryS: 10, lagOnly: false };

export interface ReplicaWaitEvent {
  replica: string;
  reason: string;
  waitedMs: number;
  target?: string;
}

export interface ReplicaSet {
  readonly size: number;
  /** The replicas as shown to people (describeEndpoint), for progress lines. */
  readonly labels?: readonly string[];
  /** How long one wait may last before it fails (ReplicaWaitOptions.timeoutS). */
  readonly timeoutS?: number;
  /**
   * Resolve when every replica has applied `pos` (or lag ≤ maxLag without GTIDs). Replicas are
   * waited on concurrently; calls may overlap (pipelined batches). `onWait` hears when a replica
   * makes us wait, and again every logEveryS.
   */
  waitFor(pos: WritePosition, onWait?: (e: ReplicaWaitEvent) => void): Promise<{ waitedMs: number }>;
  close(): Promise<void>;
}

/**
 * The position after a committed write on `db` (the writing connection): result.gtid (tracked
 * session variable, no round trip) else `SELECT @@last_gtid` (MariaDB) / @@GLOBAL.gtid_executed
 * (MySQL: a superset of our write, which is still the right thing to wait for). {} without GTIDs.
 */
export async function positionAfterWrite(db: Db, result?: ExecResult): Promise<WritePosition> {
  let gtid = "";
  if (db.caps.gtid === "wsrep") {
    // A Galera node: the GTID of this session's last write-set, which the other nodes wait for.
    const [row] = await db.query<{ gtid: string | null }>("SELECT CAST(WSREP_LAST_WRITTEN_GTID() AS CHAR) AS gtid");
    gtid = compactGtid(row?.gtid ?? "");
    return gtid ? { gtid } : {};
  }
  if (result?.gtid) return { gtid: compactGtid(result.gtid) };
  if (db.caps.gtid === "mariadb") {
    const [row] = await db.query<{ gtid: string | null }>("SELECT @@last_gtid AS gtid");
    gtid = row?.gtid ?? "";
  } else if (db.caps.gtid === "mysql") {
    const [row] = await db.query<{ gtid: string | null }>("SELECT @@GLOBAL.gtid_executed AS gtid");
    gtid = row?.gtid ?? "";
  }
  gtid = compactGtid(gtid);
  return gtid ? { gtid } : {};
}

/** Connect to every replica (read-only sessions) and learn how to wait on each. */
export async function openReplicaSet(replicas: Endpoint[], options: ReplicaWaitOptions): Promise<ReplicaSet> {
  const connectors = replicas.map((ep): ReplicaConnector => {
    const engine = engineFor(ep);
    if (!engine.replicates) {
      throw new UsageError(`replica ${describeEndpoint(ep)}: only MariaDB/MySQL replicas can be waited for; remove it from the replica list`);
    }
    return {
      label: describeEndpoint(ep),
      async connect(connectTimeoutS) {
        // Without the DSN's database: nothing here reads a table, so the replica account needs
        // only its replication-status privilege, not one on the warehouse database.
        const db = await engine.open(withoutDatabase(ep), { connectTimeoutS });
        // We only ever read here; a read-only session turns a bug into an error instead of a write on a replica.
        await db.execute("SET SESSION TRANSACTION READ ONLY").catch(async (err) => {
          await db.close();
          throw err;
        });
        return db;
      },
    };
  });
  return createReplicaSet(connectors, options);
}

/** A replica set over any connectors (openReplicaSet's engine; tests pass recording fakes). */
export async function createReplicaSet(connectors: ReplicaConnector[], options: ReplicaWaitOptions): Promise<ReplicaSet> {
  const settings = { ...DEFAULT_REPLICA_WAIT, ...options };
  const replicas = connectors.map((c) => new Replica(c));
  // Opening waits no longer than a wait would: a replica that does not answer fails the run as soon.
  const connectTimeoutS = Math.min(10, Math.max(1, Math.ceil(settings.timeoutS)));
  const opened = await Promise.allSettled(replicas.map((r) => r.open(connectTimeoutS)));
  const failed = opened.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (failed) {
    await Promise.all(replicas.map((r) => r.close()));
    throw failed.reason;
  }
  return {
    size: replicas.length,
    labels: replicas.map((r) => r.label),
    timeoutS: settings.timeoutS,
    async waitFor(pos, onWait) {
      const start = performance.now();
      // allSettled, not all: no wait is left running behind a failed one.
      const results = await Promise.allSettled(replicas.map((r) => r.waitFor(pos.gtid, settings, onWait)));
      const errors = results.filter((o): o is PromiseRejectedResult => o.status === "rejected").map((o) => o.reason);
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) {
        const first = errors[0] instanceof Error ? errors[0].message : String(errors[0]);
        throw new EtlError(`${errors.length} replicas failed; the first: ${first}`, { cause: errors[0] });
      }
      return { waitedMs: Math.round(performance.now() - start) };
    },
    async close() {
      await Promise.all(replicas.map((r) => r.close()));
    },
  };
}
