// Opens what a warehouse command needs — target (plus the run lock, held apart from the
// writer), replicas, and optionally the source — and closes all of it in one call.
import type { Db } from "../engine/db.ts";
import { engineFor, lockWarehouse, openDb } from "../engine/index.ts";
import type { RunLock } from "../engine/engine.ts";
import { openReplicaSet, type ReplicaSet, type ReplicaWaitOptions } from "../replicas/replica-set.ts";
import { discoverClusterNodes } from "../replicas/discover.ts";
import type { Connections } from "../settings/connections.ts";
import { requireEndpoint } from "../settings/connections.ts";
import { describeEndpoint, type Endpoint } from "../settings/dsn.ts";
import { RunLockLostError, UsageError } from "../errors.ts";
import { requestStop } from "../cli/interrupt.ts";
import { BATCH_RETRY_ALLOWANCE_S, type TargetHandle } from "./load/batch-writer.ts";
import { logger } from "../log.ts";

const log = logger("connect");

export interface WarehouseContext {
  target: TargetHandle;
  /** The target's database (schema) name, for the lock and messages. */
  targetDatabase: string;
  source?: Db;
  sourceSchema?: string;
  replicas?: ReplicaSet;
  lock?: RunLock;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Also connect to the source (etl, run). */
  source: boolean;
  /** Take the run lock on the target (every command that writes). */
  lock: boolean;
  /** Connect to the replicas to wait for them (every command that writes). */
  replicas: boolean;
  replicaWait: ReplicaWaitOptions;
}

function databaseOf(ep: Endpoint): string {
  return engineFor(ep).schemaOf(ep);
}

export async function openWarehouse(conns: Connections, options: OpenOptions): Promise<WarehouseContext> {
  const opened: Array<{ close(): Promise<void> }> = [];
  const close = async () => {
    for (const c of opened.splice(0).reverse()) await c.close().catch((err) => log.debug("close failed:", err));
  };
  try {
    const targetEp = requireEndpoint(conns, "target");
    const sourceEp = options.source ? requireEndpoint(conns, "source") : undefined;
    // The target must exist (a SQLite file is created by init only): a typo in a path must not
    // leave an empty file behind and then fail on the missing tables.
    const purpose = "write";
    // The writer sits idle while a batch waits for the replicas (up to --replica-timeout): a
    // server wait_timeout shorter than that would close it under us, so the session's is raised.
    const idleTimeoutS = options.replicaWait.timeoutS + BATCH_RETRY_ALLOWANCE_S;
    const target: TargetHandle = {
      db: await openDb(targetEp, { purpose, idleTimeoutS }),
      reconnect: async () => {
        // A DSN of several Galera nodes may move the writer to another node (writer-failover.ts).
        const db = await openDb(targetEp, { purpose, idleTimeoutS, replacing: target.db });
        opened.push(db);
        return db;
      },
    };
    opened.push({ close: () => target.db.close() });
    const ctx: WarehouseContext = { target, targetDatabase: databaseOf(targetEp), close };
    if (conns.replicas.length && !target.db.caps.replication) {
      throw new UsageError(
        `${target.db.label} has no replicas to wait for (${conns.replicas.map(describeEndpoint).join(", ")} given); ` +
          "remove --replica (and SERVERDB_ETL_REPLICAS / config replicas), or use a MariaDB/MySQL warehouse",
      );
    }
    if (options.lock) {
      // A lost lock stops the run as SIGINT does (between batches, the run marked failed), with its own error.
      const lock = await lockWarehouse(targetEp, ctx.targetDatabase, (err) =>
        requestStop(() => new RunLockLostError(err.message)),
      );
      ctx.lock = lock;
      opened.push({ close: () => lock.release() });
    }
    if (sourceEp) {
      ctx.source = await openDb(sourceEp, { purpose: "source" });
      ctx.sourceSchema = databaseOf(sourceEp);
      opened.push(ctx.source);
    }
    if (options.replicas) {
      // No --replica and a Galera target: its other nodes, from wsrep_incoming_addresses.
      const replicas = conns.replicas.length ? conns.replicas : await discoverClusterNodes(target.db, target.db.endpoint ?? targetEp);
      if (replicas.length) {
        ctx.replicas = await openReplicaSet(replicas, options.replicaWait);
        opened.push(ctx.replicas);
      }
    }
    return ctx;
  } catch (err) {
    await close();
    throw err;
  }
}
