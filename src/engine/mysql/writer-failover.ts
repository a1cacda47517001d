// A warehouse DSN that lists several hosts names nodes of one Galera cluster: the connection goes
// to the first that answers and can take writes (wsrep_cluster_status Primary, state Synced), and
// a reconnect (the writer's node lost mid-run) tries the node it had first, then the others in the
// DSN's order, accepting only a node of the same cluster (wsrep_cluster_state_uuid): a DSN that
// mixes up clusters must never move the writes into another warehouse. One host: a plain connect.
import { EtlError, UsageError } from "../../errors.ts";
import { describeEndpoint, endpointHosts, type MysqlEndpoint } from "../../settings/dsn.ts";
import { logger } from "../../log.ts";
import { MysqlDb, type MysqlConnectOptions } from "./mysql-db.ts";

const log = logger("connect");

export interface FailoverOptions extends MysqlConnectOptions {
  /** The connection this one replaces: its host is tried first, and only a node of its cluster is accepted. */
  replacing?: MysqlDb;
}

/** Connect to `ep`, or, for a DSN of several hosts, to the first of its nodes that can take writes. */
export async function connectWriter(ep: MysqlEndpoint, opts: FailoverOptions = {}): Promise<MysqlDb> {
  const { replacing, ...connectOptions } = opts;
  if (!ep.failover?.length) return MysqlDb.connect(ep, connectOptions);
  const hosts = endpointHosts(ep);
  const before = replacing ? hosts.findIndex((h) => h.host === replacing.endpoint.host && h.port === replacing.endpoint.port) : -1;
  const order = before > 0 ? [hosts[before]!, ...hosts.filter((_, i) => i !== before)] : hosts;
  const refused: string[] = [];
  for (const host of order) {
    const address = `${host.host}:${host.port}`;
    let db: MysqlDb;
    try {
      db = await MysqlDb.connect(host, connectOptions);
    } catch (err) {
      refused.push(`${address} (${err instanceof Error ? err.message.replace(/^.*?: /, "") : String(err)})`);
      continue;
    }
    const why = unwritable(db, replacing);
    if (why instanceof UsageError) {
      await db.close().catch(() => {});
      throw why;
    }
    if (why) {
      refused.push(`${address} (${why})`);
      await db.close().catch(() => {});
      continue;
    }
    if (replacing && db.label !== replacing.label) {
      log.warn(
        `the warehouse writer moved from Galera node ${replacing.endpoint.host}:${replacing.endpoint.port} to ${address} of the same cluster ` +
          `(the DSN's next node that takes writes${refused.length ? `; passed over: ${refused.join(", ")}` : ""}); the batch in flight is retried there`,
      );
    } else if (refused.length) {
      log.info(`writing through Galera node ${address}; passed over: ${refused.join(", ")}`);
    }
    return db;
  }
  throw new EtlError(
    `${describeEndpoint(ep)}: no node of the DSN's ${hosts.length} hosts can take writes: ${refused.join(", ")}; ` +
      "bring a node back into the cluster's primary component, or fix the DSN's host list",
  );
}

/** Why `db` must not be the writer (undefined: it may); a UsageError when the DSN itself is wrong. */
function unwritable(db: MysqlDb, replacing: MysqlDb | undefined): string | UsageError | undefined {
  const wsrep = db.wsrep;
  if (!wsrep) {
    return new UsageError(
      `${db.label} is not a Galera node, and the target's DSN lists several hosts: only a Galera cluster's nodes may be listed to fail over to; ` +
        "give the target one host (an async replica is given with --replica)",
    );
  }
  if (wsrep.clusterStatus !== "Primary") return `wsrep_cluster_status ${wsrep.clusterStatus || "?"}: not in the primary component`;
  if (wsrep.state !== "Synced") return `wsrep_local_state_comment ${wsrep.state || "?"}: not Synced`;
  const cluster = replacing?.wsrep?.clusterStateUuid;
  if (cluster && wsrep.clusterStateUuid && wsrep.clusterStateUuid !== cluster) {
    return `a node of another cluster (wsrep_cluster_state_uuid ${wsrep.clusterStateUuid}, not ${cluster})`;
  }
  return undefined;
}
