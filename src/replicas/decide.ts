// Replica waits, the decision half (DESIGN.md #9): what one look at a replica saw, and the
// pure function that says whether to keep waiting and why. No I/O here; the reads live in
// replication-measure.ts. A failed read is a measurement too, and it always means "wait".

/** What one look at a replica found. */
export type Measurement =
  /**
   * A bounded GTID wait ran (MASTER_GTID_WAIT / WAIT_FOR_EXECUTED_GTID_SET / WSREP_SYNC_WAIT_UPTO_GTID):
   * reached, slice ran out, or NULL. `flow`: a Galera node's flow-control figures, read after a slice ran out.
   */
  | { kind: "gtid"; target: string; outcome: "reached" | "timeout" | "null"; flow?: FlowControl }
  /** Lag from SHOW SLAVE/REPLICA STATUS; `lagS` null while the SQL or IO thread is stopped. */
  | {
      kind: "lag";
      /** False when the status is empty: the server is not replicating at all. */
      replicating: boolean;
      lagS: number | null;
      /** "Yes" / "No" / "Connecting" as the server says; undefined when not shown. */
      sqlRunning?: string;
      ioRunning?: string;
      lastSqlError?: string;
      lastIoError?: string;
    }
  /** Reading the replica failed (connection lost, access denied…): wait, reconnect, read again. */
  | { kind: "error"; message: string };

/** A Galera node's flow-control figures (SHOW GLOBAL STATUS); the booleans are absent before Galera 4. */
export interface FlowControl {
  /** wsrep_flow_control_active: replication in the cluster is paused now. */
  active?: boolean;
  /** wsrep_flow_control_requested: this node is asking for the pause now. */
  requested?: boolean;
  /** wsrep_flow_control_paused_ns: time this node has spent paused, in all. */
  pausedNs: number;
  /** wsrep_flow_control_sent: pause and resume messages this node has sent, in all. */
  sent: number;
  /** wsrep_local_recv_queue: write-sets received and not yet applied. */
  recvQueue: number;
}

export interface WaitDecision {
  wait: boolean;
  reason: string;
  /** The flow-control part of the reason, when flow control is pausing the cluster (a Galera node). */
  flow?: string;
}

/**
 * What flow control is doing, as the node waited on sees it (`before`: its figures at the last
 * look, if any); undefined when it is not pausing anything.
 */
export function flowControlReason(before: FlowControl | undefined, now: FlowControl): string | undefined {
  const pausedMs = before ? Math.max(0, Math.round((now.pausedNs - before.pausedNs) / 1e6)) : 0;
  const sent = before ? Math.max(0, now.sent - before.sent) : 0;
  const asked = now.requested === true || sent > 0;
  if (!now.active && pausedMs === 0 && !asked) return undefined;
  const pause = now.active
    ? `flow control is pausing the cluster${pausedMs > 0 ? ` (${pausedMs} ms since the last look)` : ""}`
    : pausedMs > 0
      ? `flow control paused the cluster for ${pausedMs} ms since the last look`
      : "flow control: this node is asking the cluster to pause";
  if (!asked) return pause;
  const why = `receive queue ${now.recvQueue}, over its gcs.fc_limit`;
  return now.active || pausedMs > 0 ? `${pause}; this node asked for it (${why})` : `${pause} (${why})`;
}

/**
 * Keep waiting on this replica? Pure; every answer carries a reason a DBA can act on. `flowBefore`:
 * a Galera node's flow-control figures at the previous look, to tell a pause since then.
 */
export function decideWait(m: Measurement, maxLagS: number, flowBefore?: FlowControl): WaitDecision {
  switch (m.kind) {
    case "error":
      // Never "go ahead" on a failed read: we know nothing about the replica.
      return { wait: true, reason: `cannot read the replica (${m.message}); reconnecting` };
    case "gtid":
      if (m.outcome === "reached") return { wait: false, reason: `applied ${m.target}` };
      if (m.outcome === "timeout") {
        const flow = m.flow && flowControlReason(flowBefore, m.flow);
        return { wait: true, reason: `has not applied ${m.target} yet${flow ? `; ${flow}` : ""}`, ...(flow ? { flow } : {}) };
      }
      return { wait: true, reason: `the GTID wait for ${m.target} returned NULL (replication not set up, or the GTID is malformed)` };
    case "lag": {
      if (!m.replicating) return { wait: true, reason: "not replicating (replica status is empty)" };
      if (m.lagS === null) return { wait: true, reason: `lag unknown: ${threadState(m)}` };
      if (m.lagS > maxLagS) return { wait: true, reason: `${m.lagS}s behind (waiting for ≤ ${maxLagS}s)` };
      return { wait: false, reason: `${m.lagS}s behind (≤ ${maxLagS}s)` };
    }
  }
}

/** Why the lag is NULL, from the thread states (the SQL thread first: it is the one that applies). */
function threadState(m: Extract<Measurement, { kind: "lag" }>): string {
  if (m.sqlRunning !== undefined && m.sqlRunning !== "Yes") {
    return `SQL thread not running (${m.sqlRunning}${m.lastSqlError ? `; last error: ${m.lastSqlError}` : ""})`;
  }
  if (m.ioRunning !== undefined && m.ioRunning !== "Yes") {
    return `IO thread not running (${m.ioRunning}${m.lastIoError ? `; last error: ${m.lastIoError}` : ""})`;
  }
  return "Seconds_Behind_Master is NULL";
}
