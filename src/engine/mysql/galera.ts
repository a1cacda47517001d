// Is this MariaDB server a Galera node, and what does its cluster look like? One read of the
// wsrep variables and status, used by the connection (capabilities: waits, write-set limits)
// and by doctor (its galera row). Read-only; a server without wsrep (MySQL, a MariaDB built
// without it) simply is not a node.
import type { Db } from "../db.ts";
import type { GaleraFacts } from "../../doctor/types.ts";

/** What a node says about itself and its cluster (doctor judges it as GaleraFacts). */
export type WsrepState = GaleraFacts;

const VARIABLES = ["wsrep_on", "wsrep_gtid_mode", "wsrep_max_ws_rows", "wsrep_max_ws_size", "wsrep_node_incoming_address", "server_id"];
const STATUS = ["wsrep_cluster_size", "wsrep_local_state_comment", "wsrep_cluster_status", "wsrep_cluster_state_uuid", "wsrep_flow_control_paused", "wsrep_incoming_addresses"];

/** The node's wsrep state, or undefined when wsrep is off or unknown to the server. */
export async function readWsrep(db: Db): Promise<WsrepState | undefined> {
  const vars = await show(db, "VARIABLES", VARIABLES);
  if (!/^(ON|1)$/i.test(vars.get("wsrep_on") ?? "")) return undefined;
  const status = await show(db, "STATUS", STATUS);
  return {
    on: true,
    gtidMode: /^(ON|1)$/i.test(vars.get("wsrep_gtid_mode") ?? ""),
    maxWsRows: Number(vars.get("wsrep_max_ws_rows") ?? 0),
    maxWsBytes: Number(vars.get("wsrep_max_ws_size") ?? 2 ** 31 - 1),
    serverId: Number(vars.get("server_id") ?? 0),
    clusterSize: Number(status.get("wsrep_cluster_size") ?? 0),
    state: status.get("wsrep_local_state_comment") ?? "",
    clusterStatus: status.get("wsrep_cluster_status") ?? "",
    clusterStateUuid: status.get("wsrep_cluster_state_uuid") ?? "",
    flowControlPaused: Number(status.get("wsrep_flow_control_paused") ?? 0),
    incomingAddresses: (status.get("wsrep_incoming_addresses") ?? "").split(",").map((a) => a.trim()).filter(Boolean),
    ownAddress: vars.get("wsrep_node_incoming_address") ?? "",
  };
}

async function show(db: Db, what: "VARIABLES" | "STATUS", names: readonly string[]): Promise<Map<string, string>> {
  const rows = await db.query<{ Variable_name: string; Value: unknown }>(
    `SHOW GLOBAL ${what} WHERE Variable_name IN (${names.map(() => "?").join(", ")})`,
    names,
  );
  return new Map(rows.map((r) => [r.Variable_name.toLowerCase(), String(r.Value ?? "")]));
}
