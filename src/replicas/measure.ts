// Replica waits, the measuring half: the only SQL sent to replicas. Every statement here
// reads (a replica is never written to); values go through placeholders. Functions throw on
// driver errors; the caller turns a throw into an "error" measurement and reconnects.
import type { Db, Row } from "../engine/db.ts";
import type { FlowControl, Measurement } from "./decide.ts";
import { TransientDbError } from "../errors.ts";

/** What a replica understands, found once when it is opened. */
export interface ReplicaProfile {
  /**
   * The GTID wait function it has ("none": lag polling only). "wsrep": another node of a Galera
   * cluster, waited on with WSREP_SYNC_WAIT_UPTO_GTID (it speaks MariaDB's GTIDs).
   */
  gtid: "mariadb" | "mysql" | "wsrep" | "none";
  /** `SHOW SLAVE STATUS`, or `SHOW REPLICA STATUS` on MySQL ≥ 8.0.22 (where SLAVE is deprecated). */
  statusSql: "SHOW SLAVE STATUS" | "SHOW REPLICA STATUS";
}

/** Learn what a replica can do. MySQL with gtid_mode other than ON can only be polled for lag. */
export async function detectProfile(db: Db): Promise<ReplicaProfile> {
  // A Galera node applies write-sets, not a binlog: MASTER_GTID_WAIT there waits for nothing or forever.
  if (db.caps.clusterNode) {
    if (db.caps.gtid === "wsrep") return { gtid: "wsrep", statusSql: "SHOW SLAVE STATUS" };
    throw new Error(
      "this is a Galera node with wsrep_gtid_mode OFF, so nothing can tell when it has applied a batch; " +
        "set wsrep_gtid_mode=ON (and one server_id) on every node, or remove it from the replica list",
    );
  }
  if (db.caps.gtid === "mariadb") return { gtid: "mariadb", statusSql: "SHOW SLAVE STATUS" };
  if (db.caps.gtid === "mysql") {
    const [row] = await db.query<{ gtidMode: string; version: string }>(
      "SELECT @@GLOBAL.gtid_mode AS gtidMode, @@version AS version",
    );
    return {
      gtid: String(row?.gtidMode).toUpperCase() === "ON" ? "mysql" : "none",
      statusSql: versionAtLeast(String(row?.version), [8, 0, 22]) ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS",
    };
  }
  return { gtid: "none", statusSql: "SHOW SLAVE STATUS" };
}

/** Whether a GTID of `flavor` can be waited for with this profile's wait function. */
export function speaks(profile: ReplicaProfile, flavor: ReturnType<typeof gtidFlavor>): boolean {
  return profile.gtid === "wsrep" ? flavor === "mariadb" : profile.gtid === flavor;
}

/** Which server family wrote a GTID text: MariaDB "0-1-42[,1-2-7]" or MySQL "uuid:1-42[,…]". */
export function gtidFlavor(gtid: string): "mariadb" | "mysql" | "unknown" {
  if (/^\d+-\d+-\d+(,\d+-\d+-\d+)*$/.test(gtid)) return "mariadb";
  if (/^[0-9a-f-]{36}(:[A-Za-z0-9_]+)?:\d+(-\d+)?/i.test(gtid)) return "mysql";
  return "unknown";
}

/**
 * Wait on the server for at most `sliceS` seconds for `target` to be applied. Short slices keep
 * the caller in charge: it logs, reconnects and gives up between them.
 */
export async function measureGtid(db: Db, profile: ReplicaProfile, target: string, sliceS: number): Promise<Measurement> {
  const slice = Math.max(0.1, Math.round(sliceS * 10) / 10);
  if (profile.gtid === "mariadb") {
    // 0 reached, -1 slice ran out, NULL error.
    const [row] = await db.query<{ r: number | string | null }>("SELECT MASTER_GTID_WAIT(?, ?) AS r", [target, slice]);
    const r = row?.r === null || row?.r === undefined ? null : Number(row.r);
    return { kind: "gtid", target, outcome: r === 0 ? "reached" : r === null ? "null" : "timeout" };
  }
  if (profile.gtid === "wsrep") {
    // 1 reached; a slice that runs out raises ER_LOCK_WAIT_TIMEOUT. Whole seconds only.
    try {
      await db.query("SELECT WSREP_SYNC_WAIT_UPTO_GTID(?, ?) AS r", [target, Math.max(1, Math.ceil(slice))]);
      return { kind: "gtid", target, outcome: "reached" };
    } catch (err) {
      if (err instanceof TransientDbError && err.code === "ER_LOCK_WAIT_TIMEOUT") return { kind: "gtid", target, outcome: "timeout" };
      throw err;
    }
  }
  if (profile.gtid === "mysql") {
    // 0 reached, 1 slice ran out; errors are raised, not returned.
    const [row] = await db.query<{ r: number | string | null }>("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?) AS r", [target, slice]);
    const r = row?.r === null || row?.r === undefined ? null : Number(row.r);
    return { kind: "gtid", target, outcome: r === 0 ? "reached" : r === null ? "null" : "timeout" };
  }
  throw new Error(`this replica has no GTID wait; poll its lag instead`);
}

/** Lag and thread states from SHOW SLAVE/REPLICA STATUS (the default replication channel). */
export async function measureLag(db: Db, profile: ReplicaProfile): Promise<Measurement> {
  const [row] = await db.query(profile.statusSql);
  if (!row) return { kind: "lag", replicating: false, lagS: null };
  const lag = pick(row, "Seconds_Behind_Master", "Seconds_Behind_Source");
  return {
    kind: "lag",
    replicating: true,
    lagS: lag === null || lag === undefined || lag === "" ? null : Number(lag),
    sqlRunning: text(pick(row, "Slave_SQL_Running", "Replica_SQL_Running")),
    ioRunning: text(pick(row, "Slave_IO_Running", "Replica_IO_Running")),
    lastSqlError: text(row.Last_SQL_Error) || undefined,
    lastIoError: text(row.Last_IO_Error) || undefined,
  };
}

/** Where the replica is, for logs and errors: the applied GTID position (MariaDB) or executed set (MySQL). */
export async function readPosition(db: Db, profile: ReplicaProfile): Promise<string> {
  if (profile.gtid === "wsrep") {
    const [row] = await db.query<{ seen: string | null }>("SELECT CAST(WSREP_LAST_SEEN_GTID() AS CHAR) AS seen");
    const status = await wsrepStatus(db, [
      "wsrep_local_state_comment",
      "wsrep_cluster_status",
      "wsrep_cluster_size",
      "wsrep_local_recv_queue",
      "wsrep_flow_control_active",
    ]);
    const paused = status.get("wsrep_flow_control_active")?.toLowerCase() === "true" ? ", flow control pausing the cluster" : "";
    return (
      `last seen GTID ${row?.seen || "(none)"}; ${status.get("wsrep_local_state_comment") ?? "?"}, ` +
      `${status.get("wsrep_cluster_status") ?? "?"} component of ${status.get("wsrep_cluster_size") ?? "?"}, receive queue ${status.get("wsrep_local_recv_queue") ?? "?"}${paused}`
    );
  }
  if (profile.gtid === "mariadb") {
    const [row] = await db.query<{ pos: string | null }>("SELECT @@GLOBAL.gtid_slave_pos AS pos");
    return compactGtid(row?.pos ?? "") || "(empty)";
  }
  if (profile.gtid === "mysql") {
    const [row] = await db.query<{ pos: string | null }>("SELECT @@GLOBAL.gtid_executed AS pos");
    return compactGtid(row?.pos ?? "") || "(empty)";
  }
  const m = await measureLag(db, profile);
  return m.kind === "lag" && m.lagS !== null ? `${m.lagS}s behind` : "lag unknown";
}

/** A Galera node's flow-control figures, read after a wait slice ran out (decide.ts says what they mean). */
export async function readFlowControl(db: Db): Promise<FlowControl> {
  const s = await wsrepStatus(db, [
    "wsrep_flow_control_active",
    "wsrep_flow_control_requested",
    "wsrep_flow_control_paused_ns",
    "wsrep_flow_control_sent",
    "wsrep_local_recv_queue",
  ]);
  const flag = (name: string) => {
    const v = s.get(name)?.toLowerCase();
    return v === undefined ? undefined : v === "true" || v === "on" || v === "1";
  };
  const num = (name: string) => Number(s.get(name) ?? 0) || 0;
  return {
    active: flag("wsrep_flow_control_active"),
    requested: flag("wsrep_flow_control_requested"),
    pausedNs: num("wsrep_flow_control_paused_ns"),
    sent: num("wsrep_flow_control_sent"),
    recvQueue: num("wsrep_local_recv_queue"),
  };
}

/** Other nodes of the target's Galera cluster, as "host:port", and why none when there are none. */
export async function readClusterAddresses(db: Db, targetAddress: string): Promise<{ addresses: string[]; all: string; why?: string }> {
  const status = await wsrepStatus(db, ["wsrep_incoming_addresses"]);
  const [own] = await db.query<{ own: string | null }>("SELECT @@GLOBAL.wsrep_node_incoming_address AS own");
  const all = status.get("wsrep_incoming_addresses") ?? "";
  const self = new Set([targetAddress, String(own?.own ?? "")]);
  const listed = all.split(",").map((a) => a.trim()).filter(Boolean);
  const addresses = listed.filter((a) => !self.has(a));
  if (!listed.length) return { addresses, all, why: "wsrep_incoming_addresses is empty" };
  if (!addresses.length) return { addresses, all, why: `wsrep_incoming_addresses lists only this node (${all})` };
  return { addresses, all };
}

async function wsrepStatus(db: Db, names: readonly string[]): Promise<Map<string, string>> {
  const rows = await db.query<{ Variable_name: string; Value: unknown }>(
    `SHOW GLOBAL STATUS WHERE Variable_name IN (${names.map(() => "?").join(", ")})`,
    names,
  );
  return new Map(rows.map((r) => [r.Variable_name.toLowerCase(), String(r.Value ?? "")]));
}

/** GTID sets come back with newlines after commas (MySQL); one line is easier to log and to send. */
export function compactGtid(text: string): string {
  return text.replace(/\s+/g, "");
}

function pick(row: Row, a: string, b: string): unknown {
  return a in row ? row[a] : row[b];
}

function text(v: unknown): string | undefined {
  return v === null || v === undefined ? undefined : String(v);
}

function versionAtLeast(version: string, min: readonly number[]): boolean {
  const parts = (version.match(/^(\d+)\.(\d+)\.(\d+)/) ?? []).slice(1).map(Number);
  if (parts.length < 3) return false;
  for (let i = 0; i < 3; i++) {
    if (parts[i] !== min[i]) return parts[i] > min[i];
  }
  return true;
}
