// The run lock's Galera part: GET_LOCK is node-local on Galera (a lock held on node 1 is free on
// node 2), so a run whose target is a cluster node also takes the same GET_LOCK on every other
// node of wsrep_incoming_addresses, each on a connection of its own held for the run. All nodes
// are locked in one order (sorted addresses), so two runs starting at once through two nodes
// cannot each hold a part: the one that gets the first node goes on, the other is turned away.
import type { MysqlEndpoint } from "../../settings/dsn.ts";
import { endpointAt } from "../../settings/dsn.ts";
import { EtlError, LockHeldError } from "../../errors.ts";
import { logger } from "../../log.ts";
import { MysqlDb } from "./mysql-db.ts";
import { readWsrep } from "./galera.ts";
import type { Db } from "../db.ts";
import type { RunLock } from "../engine.ts";

const log = logger("lock");

/** Seconds to wait for another node to accept the lock's connection. */
const PEER_CONNECT_TIMEOUT_S = 5;

/** One node's lock: its connection and the GET_LOCK on it. */
export interface NodeLock {
  address: string;
  db: MysqlDb;
  lock: HeldLock;
}

/** A GET_LOCK and the id of the connection that holds it. */
export type HeldLock = RunLock & { readonly connectionId: number };

/** advisory-lock.ts's GET_LOCK on one connection (passed in: that module builds on this one). */
export type AcquireLock = (db: Db, database: string) => Promise<HeldLock>;

/**
 * The order in which a run locks the nodes of the target's cluster: the target itself is "self".
 * Undefined when the target is no cluster node (the plain GET_LOCK is the whole lock).
 */
export async function clusterLockOrder(target: MysqlDb, ep: MysqlEndpoint): Promise<Array<{ address: string; self: boolean }> | undefined> {
  if (!target.caps.clusterNode) return undefined;
  const wsrep = await readWsrep(target);
  if (!wsrep) return undefined;
  const own = new Set([wsrep.ownAddress, ep.socket ? "" : `${ep.host}:${ep.port}`].filter(Boolean));
  const listed = wsrep.incomingAddresses.length ? wsrep.incomingAddresses : [...own];
  const selfAddress = listed.find((a) => own.has(a)) ?? [...own][0] ?? "self";
  const addresses = [...new Set([...listed.filter((a) => !own.has(a)), selfAddress])].sort();
  return addresses.map((address) => ({ address, self: address === selfAddress }));
}

/** Take the run lock named after `database` on the node at `address` (the target's account). */
export async function lockNode(ep: MysqlEndpoint, address: string, database: string, acquire: AcquireLock): Promise<NodeLock> {
  const nodeEp = endpointAt(ep, address) as MysqlEndpoint | undefined;
  if (!nodeEp) {
    throw new LockHeldError(
      `cannot lock Galera node ${address} of the target's cluster (wsrep_incoming_addresses lists no host:port for it), ` +
        "so another run through it would not be excluded; set wsrep_node_incoming_address on every node",
    );
  }
  // A node that does not answer fails the run at its start, soon: every batch would wait for it.
  const db = await MysqlDb.connect({ ...nodeEp, database: "" }, { connectTimeoutS: PEER_CONNECT_TIMEOUT_S }).catch((err) => {
    throw new EtlError(
      `cannot take the run lock on Galera node ${address}, which the target's cluster lists in wsrep_incoming_addresses: ` +
        `${err instanceof Error ? err.message : String(err)}; a node that went down leaves that list once the cluster evicts it ` +
        "(evs.suspect_timeout, 5 s by default): rerun then, or bring the node back",
      { cause: err },
    );
  });
  try {
    const lock = await acquire(db, database).catch((err) => {
      if (err instanceof LockHeldError) throw new LockHeldError(`${err.message} (on Galera node ${address}: a run through another node of the cluster)`);
      throw err;
    });
    log.debug(`holding lock ${lock.name} on Galera node ${address} too`);
    return { address, db, lock };
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}

/** Release and close, never waiting long on a node that stopped answering. */
export async function releaseNode(n: NodeLock): Promise<void> {
  await Promise.race([n.lock.release().catch(() => {}), Bun.sleep(1000)]);
  await Promise.race([n.db.close().catch(() => {}), Bun.sleep(1000)]);
}
