// The run lock of a MariaDB/MySQL warehouse: a server-side GET_LOCK held by a connection kept
// open for the whole run, so the server releases it when the process dies. A second run fails at
// once with LockHeldError (exit 75) saying who holds it and since when. A GET_LOCK can be lost
// mid-run (its connection killed or dropped: the server releases it); lock-watch.ts notices,
// and the caller's onLost stops the run, unless the target's DSN lists several Galera nodes and
// the run still holds the lock on another node of the primary component (it watches that one).
import { createHash } from "node:crypto";
import type { Db } from "../db.ts";
import type { RunLock } from "../engine.ts";
import type { MysqlEndpoint } from "../../settings/dsn.ts";
import { EtlError, LockHeldError, RunLockLostError } from "../../errors.ts";
import { logger } from "../../log.ts";
import { MysqlDb } from "./mysql-db.ts";
import { watchRunLock, type LockWatch } from "./lock-watch.ts";
import { mysqlErrorCode } from "./errors.ts";
import { connectWriter } from "./writer-failover.ts";
import { clusterLockOrder, lockNode, releaseNode, type NodeLock } from "./cluster-lock.ts";

const log = logger("lock");

/** An idle lock connection must outlive the run: servers often set wait_timeout to minutes. One week. */
const LOCK_SESSION_WAIT_TIMEOUT_S = 7 * 24 * 3600;

/** Seconds to reach another node when the lock moves to it: every batch waits meanwhile. */
const HANDOVER_CONNECT_TIMEOUT_S = 5;

/** A GET_LOCK, and the server connection holding it. */
export interface AdvisoryLock extends RunLock {
  readonly connectionId: number;
}

/**
 * Take the run lock of the warehouse at `ep`; `database` names it in GET_LOCK. release() frees
 * it and closes the connections holding and watching it. `onLost` is called (at most once) if
 * the server releases the lock while it is held.
 */
export async function lockAdvisory(ep: MysqlEndpoint, database: string, onLost: (err: RunLockLostError) => void): Promise<RunLock> {
  // Its own connection, so a reconnect of the writer never drops the lock; for a DSN of several
  // Galera nodes, on the node the writer starts on (the first that takes writes).
  const db = await connectWriter(ep);
  let lock: AdvisoryLock | undefined;
  // A Galera target: the same lock on every node, all in one order (cluster-lock.ts).
  const others: NodeLock[] = [];
  try {
    for (const node of (await clusterLockOrder(db, db.endpoint)) ?? [{ address: "", self: true }]) {
      if (node.self) lock = await acquireRunLock(db, database);
      else others.push(await lockNode(db.endpoint, node.address, database, acquireRunLock));
    }
    if (!lock) throw new EtlError(`${db.label}: the run lock was not taken on the target (a bug)`);
    const { name } = lock;
    // The lock being watched: the target's, or after a handover another node's (handOver below).
    let watched: { holder: MysqlDb; holderId: number } = { holder: db, holderId: lock.connectionId };
    let watch: LockWatch | undefined;
    let lostAll = false;
    const stopRun = (reason: string) => {
      lostAll = true;
      onLost(
        new RunLockLostError(
          `lost the warehouse run lock ${name} on ${watched.holder.label} (${reason}); ` +
            "stopped between two batches so that two runs never write at once; rerun",
        ),
      );
    };
    const startWatch = async (): Promise<void> => {
      // No re-acquiring a lost lock: in the gap another run may have taken it, written and
      // released it, and nothing would show that. Stopping is always safe (a rerun replaces the day).
      const watcher = await MysqlDb.connect(watched.holder.endpoint, { connectTimeoutS: HANDOVER_CONNECT_TIMEOUT_S });
      watch = watchRunLock({ name, holder: watched.holder, holderId: watched.holderId, watcher }, (reason) => {
        // A DSN of several Galera nodes lets the writer move on when its node is lost; the run
        // still excludes every other run while it holds the lock on any node it locked at its
        // start (another run needs all of them), so it watches one of those instead of stopping.
        if (!ep.failover?.length) return stopRun(reason);
        void handOver(reason).then((ok) => ok || stopRun(reason), (err) => stopRun(`${reason}; no other node's lock to watch: ${(err as Error).message}`));
      });
    };
    const handOver = async (reason: string): Promise<boolean> => {
      const lostOn = watched.holder.label;
      for (const n of others) {
        if (n.db === watched.holder || !(await stillHeld(n))) continue;
        watched = { holder: n.db, holderId: n.lock.connectionId };
        const old = watch;
        await startWatch();
        void old?.stop();
        log.warn(`the run lock ${name} on ${lostOn} is gone (${reason}); the run goes on holding it on Galera node ${n.address}, which every other run must take too`);
        return true;
      }
      return false;
    };
    await startWatch();
    return {
      name,
      async release() {
        await watch?.stop();
        // A lost lock is not ours to release, and its connection may hang on a dead network.
        // Capped like the close below: a network gone silent must not hang the end of the run.
        if (!lostAll) await Promise.race([lock!.release().catch(() => {}), Bun.sleep(1000)]);
        await Promise.race([db.close().catch(() => {}), Bun.sleep(1000)]);
        await Promise.all(others.map(releaseNode));
      },
    };
  } catch (err) {
    await lock?.release();
    await db.close().catch(() => {});
    await Promise.all(others.map(releaseNode));
    throw err;
  }
}

/**
 * Whether another node's lock connection still holds the lock, on a node of the primary component
 * (a node that died took its lock along; a node cut off from the cluster is no longer one that
 * every other run must lock).
 */
async function stillHeld(n: NodeLock): Promise<boolean> {
  const check = n.db
    .query<{ holder: number | string | null; status: string | null }>(
      "SELECT IS_USED_LOCK(?) AS holder, (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_CLUSTER_STATUS') AS status",
      [n.lock.name],
    )
    .then(([row]) => row?.holder != null && Number(row.holder) === n.lock.connectionId && row.status === "Primary", () => false);
  return Promise.race([check, Bun.sleep(HANDOVER_CONNECT_TIMEOUT_S * 1000).then(() => false)]);
}

/** `serverdb_etl.<database>`; MySQL caps lock names at 64 characters, so long names end in a hash. */
export function runLockName(database: string): string {
  const name = `serverdb_etl.${database}`;
  if (name.length <= 64) return name;
  const hash = createHash("sha1").update(database).digest("hex").slice(0, 12);
  return `${name.slice(0, 64 - hash.length - 1)}.${hash}`;
}

/**
 * GET_LOCK(name, 0) on `db`. Keep that connection open, and preferably idle, for the run: the
 * server releases the lock if the process dies, and an idle holder's PROCESSLIST TIME is how
 * long it has held the lock (shown to the run that is turned away).
 */
export async function acquireRunLock(db: Db, database: string): Promise<AdvisoryLock> {
  if (db.engine !== "mysql") {
    throw new EtlError(`${db.label}: this database has no server-side locks; take the run lock with lockWarehouse()`);
  }
  const name = runLockName(database);
  // Without this an idle lock connection is closed by the server after wait_timeout, releasing the lock mid-run.
  await db.execute("SET SESSION wait_timeout = GREATEST(@@SESSION.wait_timeout, ?)", [LOCK_SESSION_WAIT_TIMEOUT_S]);
  const [row] = await db
    .query<{ got: number | string | null; id: number | string }>("SELECT GET_LOCK(?, 0) AS got, CONNECTION_ID() AS id", [name])
    .catch((err) => {
      throw mysqlErrorCode(err) === "ER_NOT_SUPPORTED_YET" ? refusedOnCluster(db, err) : err;
    });
  const got = row?.got === null || row?.got === undefined ? null : Number(row.got);
  if (got === null) {
    throw new EtlError(`${db.label}: GET_LOCK(${name}) failed (returned NULL: out of memory or the thread was killed); rerun, and check the server's error log if it persists`);
  }
  if (got !== 1) throw new LockHeldError(await describeHolder(db, name, database));
  log.debug(`holding lock ${name} on ${db.label}`);
  let released = false;
  return {
    name,
    connectionId: Number(row!.id),
    async release() {
      if (released) return;
      released = true;
      try {
        const [r] = await db.query<{ r: number | string | null }>("SELECT RELEASE_LOCK(?) AS r", [name]);
        if (r?.r === null || Number(r?.r) !== 1) log.warn(`lock ${name} was no longer held by this run's connection when releasing it`);
      } catch (err) {
        // The connection is gone, and with it the lock: nothing left to release.
        log.debug(`releasing lock ${name}: ${(err as Error).message}`);
      }
    },
  };
}

/**
 * MariaDB's May 2023 releases (10.4.29, 10.5.20, 10.6.13, 10.11.3: MDEV-30473) refuse GET_LOCK on
 * a Galera node; the next releases allow it again (node-local, as this lock expects). Without it
 * no run could be kept from writing alongside another, so the run does not start.
 */
function refusedOnCluster(db: Db, err: unknown): EtlError {
  return new EtlError(
    `${db.label}: the server refuses GET_LOCK on a Galera node (${err instanceof Error ? err.message.replace(/^.*?: /, "") : String(err)}), ` +
      "which the run lock needs on every node: MariaDB's releases of May 2023 (10.4.29, 10.5.20, 10.6.13, 10.11.3; MDEV-30473) did so " +
      "and the next releases allow it again; upgrade the cluster's MariaDB to a later minor release",
    { cause: err },
  );
}

/** The one-line refusal: who holds the lock, from where, since when (as far as this user may see). */
async function describeHolder(db: Db, name: string, database: string): Promise<string> {
  const fix = "wait for it to finish or check for a stuck process";
  const [used] = await db.query<{ id: number | string | null }>("SELECT IS_USED_LOCK(?) AS id", [name]);
  const id = used?.id === null || used?.id === undefined ? null : Number(used.id);
  if (id === null) {
    // Released between our GET_LOCK and this look: the other run just ended.
    return `another serverdb-etl run held the lock on ${database} a moment ago and has just released it; rerun now`;
  }
  let holder: { USER: string; HOST: string; TIME: number | string } | undefined;
  try {
    // Without PROCESS privilege only the user's own threads are listed; the holder may be invisible.
    [holder] = await db.query<{ USER: string; HOST: string; TIME: number | string }>(
      "SELECT USER, HOST, TIME FROM information_schema.PROCESSLIST WHERE ID = ?",
      [id],
    );
  } catch (err) {
    log.debug(`reading PROCESSLIST for connection ${id}: ${(err as Error).message}`);
  }
  if (!holder) {
    return `another serverdb-etl run holds the lock on ${database} (held by connection ${id}; this user may not see its details, GRANT PROCESS to see them); ${fix}`;
  }
  const seconds = Number(holder.TIME) || 0;
  const since = new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  return `another serverdb-etl run holds the lock on ${database} since ${since} (${formatDuration(seconds)} ago; connection ${id} from ${holder.USER}@${holder.HOST}); ${fix}`;
}

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h ? `${h}h ${m}m` : m ? `${m}m ${s}s` : `${s}s`;
}
