// Opens what a warehouse command needs — target (plus a second connection holding the
// run lock), replicas, and optionally the source — and closes all of it in one call.
import type { Db } from "../db/db.ts";
import { openDb } from "../db/open.ts";
import { openReplicaSet, type ReplicaSet, type ReplicaWaitOptions } from "../db/replication.ts";
import { acquireRunLock, type RunLock } from "../db/lock.ts";
import type { Connections } from "../config.ts";
import { requireEndpoint } from "../config.ts";
import type { Endpoint } from "../dsn.ts";
import type { TargetHandle } from "./batch-writer.ts";
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
  return ep.kind === "mysql" ? ep.database : "main";
}

export async function openWarehouse(conns: Connections, options: OpenOptions): Promise<WarehouseContext> {
  const opened: Array<{ close(): Promise<void> }> = [];
  const close = async () => {
    for (const c of opened.splice(0).reverse()) await c.close().catch((err) => log.debug("close failed:", err));
  };
  try {
    const targetEp = requireEndpoint(conns, "target");
    const sourceEp = options.source ? requireEndpoint(conns, "source") : undefined;
    const target: TargetHandle = {
      db: await openDb(targetEp),
      reconnect: async () => {
        const db = await openDb(targetEp);
        opened.push(db);
        return db;
      },
    };
    opened.push({ close: () => target.db.close() });
    const ctx: WarehouseContext = { target, targetDatabase: databaseOf(targetEp), close };
    if (options.lock) {
      // The lock lives on its own connection so a reconnect of the writer never drops it.
      const lockDb = await openDb(targetEp);
      opened.push(lockDb);
      ctx.lock = await acquireRunLock(lockDb, ctx.targetDatabase);
    }
    if (sourceEp) {
      ctx.source = await openDb(sourceEp);
      ctx.sourceSchema = databaseOf(sourceEp);
      opened.push(ctx.source);
    }
    if (options.replicas && conns.replicas.length) {
      ctx.replicas = await openReplicaSet(conns.replicas, options.replicaWait);
      opened.push(ctx.replicas);
    }
    return ctx;
  } catch (err) {
    await close();
    throw err;
  }
}
