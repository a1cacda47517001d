// Replica waits, the decision half (DESIGN.md #9): what one look at a replica saw, and the
// pure function that says whether to keep waiting and why. No I/O here; the reads live in
// replication-measure.ts. A failed read is a measurement too, and it always means "wait".

/** What one look at a replica found. */
export type Measurement =
  /** A bounded GTID wait ran (MASTER_GTID_WAIT / WAIT_FOR_EXECUTED_GTID_SET): reached, slice ran out, or NULL. */
  | { kind: "gtid"; target: string; outcome: "reached" | "timeout" | "null" }
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

export interface WaitDecision {
  wait: boolean;
  reason: string;
}

/** Keep waiting on this replica? Pure; every answer carries a reason a DBA can act on. */
export function decideWait(m: Measurement, maxLagS: number): WaitDecision {
  switch (m.kind) {
    case "error":
      // Never "go ahead" on a failed read: we know nothing about the replica.
      return { wait: true, reason: `cannot read the replica (${m.message}); reconnecting` };
    case "gtid":
      if (m.outcome === "reached") return { wait: false, reason: `applied ${m.target}` };
      if (m.outcome === "timeout") return { wait: true, reason: `has not applied ${m.target} yet` };
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
