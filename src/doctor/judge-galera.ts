// doctor's galera row: for a server that is a Galera node, the cluster as this node sees it
// (size, state, flow control, write-set limits) and what would stop a run from waiting on the
// other nodes correctly. Pure: facts in, one check out.
import type { Check, FailoverHost, GaleraFacts } from "./types.ts";

/** Paused by flow control more than this fraction of the time: the cluster cannot keep up with its writers. */
export const FLOW_CONTROL_WARN = 0.1;

/** The galera row; `writerServerId`: the target's server_id when this node is waited on (--replica). */
export function judgeGalera(g: GaleraFacts, writerServerId?: number): Check {
  const limits = `write-set limits: wsrep_max_ws_rows ${g.maxWsRows === 0 ? "0 (none)" : g.maxWsRows}, wsrep_max_ws_size ${bytes(g.maxWsBytes)}`;
  const detail =
    `Galera node, cluster of ${g.clusterSize} (${g.clusterStatus || "?"}), ${g.state || "?"}; ` +
    `flow control paused ${(g.flowControlPaused * 100).toFixed(1)}% since FLUSH STATUS; ${limits}`;
  if (g.clusterStatus !== "Primary") {
    return {
      check: "galera",
      result: "fail",
      detail: `${detail}; this node is not in the primary component, so it refuses writes and reads`,
      fix: "find the primary component (SHOW GLOBAL STATUS LIKE 'wsrep_cluster_status' on every node) and point the DSN at a node in it",
    };
  }
  if (g.state !== "Synced") {
    return {
      check: "galera",
      result: "warn",
      detail: `${detail}; the node is not Synced, so a run waits for it to catch up after every batch`,
      fix: "let the node finish its state transfer or donation (wsrep_local_state_comment: Synced) before the run",
    };
  }
  if (!g.gtidMode) {
    return {
      check: "galera",
      result: "warn",
      detail: `${detail}; wsrep_gtid_mode is OFF, so a run cannot wait for a batch to be applied on the other nodes`,
      fix: "set wsrep_gtid_mode=ON (and one server_id) on every node, in the config and with SET GLOBAL",
    };
  }
  if (writerServerId !== undefined && writerServerId !== g.serverId) {
    return {
      check: "galera",
      result: "warn",
      detail: `${detail}; server_id ${g.serverId} differs from the target's ${writerServerId}, so the nodes' GTIDs differ and WSREP_SYNC_WAIT_UPTO_GTID returns before the write is applied`,
      fix: "give every node of the cluster the same server_id (wsrep_gtid_mode needs it for GTIDs to agree)",
    };
  }
  if (g.flowControlPaused > FLOW_CONTROL_WARN) {
    return {
      check: "galera",
      result: "warn",
      detail,
      fix: "a node applies write-sets too slowly (raise wsrep_slave_threads, check its disk), or lower --batch-size",
    };
  }
  return { check: "galera", result: "ok", detail };
}

/**
 * The failover row of a target DSN listing several hosts: each other host must be a Synced node of
 * the primary component of this node's cluster, or the writer could not move to it mid-run.
 */
export function judgeFailover(self: GaleraFacts | undefined, hosts: readonly FailoverHost[]): Check {
  const seen = hosts.map((h) => ({ address: h.address, why: unusableBecause(self, h) }));
  const bad = seen.filter((h) => h.why);
  const listed = seen.map((h) => `${h.address} ${h.why ?? "Synced, same cluster"}`).join("; ");
  const detail = `the target DSN lists ${hosts.length} more ${hosts.length === 1 ? "host" : "hosts"} to move the writer to if its node is lost: ${listed}`;
  if (!bad.length) return { check: "failover", result: "ok", detail };
  return {
    check: "failover",
    result: "warn",
    detail,
    fix: `bring ${bad.map((h) => h.address).join(", ")} back into the cluster, or fix the target DSN's host list: until then the writer cannot move there`,
  };
}

function unusableBecause(self: GaleraFacts | undefined, h: FailoverHost): string | undefined {
  if (h.error) return `unreachable (${h.error})`;
  if (!h.galera) return "not a Galera node";
  if (h.galera.clusterStatus !== "Primary") return `${h.galera.clusterStatus || "?"}: not in the primary component`;
  if (self?.clusterStateUuid && h.galera.clusterStateUuid && h.galera.clusterStateUuid !== self.clusterStateUuid) {
    return `a node of another cluster (wsrep_cluster_state_uuid ${h.galera.clusterStateUuid})`;
  }
  if (h.galera.state !== "Synced") return `${h.galera.state || "?"}: not Synced`;
  return undefined;
}

function bytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(n % 2 ** 30 ? 1 : 0)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(n % 2 ** 20 ? 1 : 0)} MiB`;
  return `${n} bytes`;
}
