// One replica: its connection (opened lazily again after any failure), one query at a time
// on it, and the wait loop for one write position — measure, decide, log, give up only at
// the deadline. Overlapping waits (pipelined batches) queue their slices on the connection.
import type { Db } from "../engine/db.ts";
import { EtlError } from "../errors.ts";
import { logger } from "../log.ts";
import { decideWait, type FlowControl, type Measurement, type WaitDecision } from "./decide.ts";
import {
  compactGtid,
  detectProfile,
  gtidFlavor,
  measureGtid,
  measureLag,
  readFlowControl,
  readPosition,
  speaks,
  type ReplicaProfile,
} from "./measure.ts";

const log = logger("replica");

/** Longest single server-side GTID wait: between slices we log, notice close() and check the deadline. */
const GTID_SLICE_S = 2;
/** Lag polling and retry-after-error back off from the first to the last interval. */
const POLL_FIRST_MS = 50;
const POLL_MAX_MS = 500;
const RETRY_MAX_MS = 1000;
/** How much longer than its slice one look may take before the replica counts as not answering. */
const ANSWER_GRACE_S = 3;

/** How to (re)open the connection to one replica. */
export interface ReplicaConnector {
  /** The replica as shown to people (describeEndpoint). */
  label: string;
  connect(connectTimeoutS: number): Promise<Db>;
}

export interface ReplicaWaitSettings {
  timeoutS: number;
  maxLagS: number;
  logEveryS: number;
  /** Poll lag even where a GTID wait is possible. */
  lagOnly?: boolean;
}

export interface ReplicaWaitNotice {
  replica: string;
  reason: string;
  waitedMs: number;
  target?: string;
  /** "replica" or "Galera node", as the messages call it. */
  noun?: string;
}

export class Replica {
  readonly label: string;
  private db?: Db;
  private profile: ReplicaProfile = { gtid: "none", statusSql: "SHOW SLAVE STATUS" };
  /** The last queued use of the connection: mysql2 would queue too, but reconnecting must not race. */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly connector: ReplicaConnector) {
    this.label = connector.label;
  }

  /** Connect and learn what the replica can do; a replica we cannot reach at start is a setup error. */
  async open(connectTimeoutS = 10): Promise<void> {
    await this.exclusive(async () => {
      const db = await this.connector.connect(connectTimeoutS);
      try {
        this.profile = await detectProfile(db);
      } catch (err) {
        await db.close().catch(() => {});
        throw err;
      }
      this.db = db;
    });
  }

  /** Which kind of wait `target` gets here: a GTID wait when the replica speaks that GTID dialect. */
  modeFor(target: string | undefined, lagOnly = false): "gtid" | "lag" {
    if (!target || lagOnly || this.profile.gtid === "none") return "lag";
    return speaks(this.profile, gtidFlavor(target)) ? "gtid" : "lag";
  }

  /** Resolve once the replica has applied `gtid` (or lag ≤ maxLagS); EtlError at the deadline. */
  async waitFor(gtid: string | undefined, s: ReplicaWaitSettings, onWait?: (e: ReplicaWaitNotice) => void): Promise<void> {
    const target = gtid ? compactGtid(gtid) : undefined;
    const mode = this.modeFor(target, s.lagOnly);
    const start = performance.now();
    const deadline = start + s.timeoutS * 1000;
    let nextLog = start + s.logEveryS * 1000;
    let told = false;
    let pollMs = POLL_FIRST_MS;
    // A Galera node's flow-control figures at the last look, and what the reason said of them.
    let flowBefore: FlowControl | undefined;
    let flowSaid: string | undefined;
    for (;;) {
      if (this.closed) throw new EtlError(`stopped waiting for replica ${this.label}: the replica set was closed`);
      const remainingS = (deadline - performance.now()) / 1000;
      const sliceS = Math.max(0.1, Math.min(GTID_SLICE_S, s.logEveryS, remainingS));
      const m = await this.measure(mode === "gtid" ? target : undefined, sliceS, Math.max(1, Math.min(5, Math.ceil(remainingS))));
      const d = decideWait(m, s.maxLagS, flowBefore);
      if (m.kind === "gtid" && m.flow) flowBefore = m.flow;
      if (!d.wait) return;
      const now = performance.now();
      if (now >= deadline) throw await this.timeoutError(m, d, target, s.timeoutS);
      const notice: ReplicaWaitNotice = { replica: this.label, reason: d.reason, waitedMs: Math.round(now - start), target, noun: this.noun };
      if (now >= nextLog) {
        nextLog = now + s.logEveryS * 1000;
        const where = await this.describe();
        log.info(
          `waiting for ${this.noun} ${this.label}: ${d.reason}; it is at ${where}` +
            `${target ? `; waiting for ${target}` : ""} (${Math.round(notice.waitedMs / 1000)}s so far, giving up after ${s.timeoutS}s)`,
        );
        notify(onWait, { ...notice, reason: `${d.reason}; it is at ${where}` });
        told = true;
      } else if (!told || d.flow !== flowSaid) {
        // The progress display says at once when flow control starts or stops pausing the cluster.
        notify(onWait, notice);
        told = true;
      }
      flowSaid = d.flow;
      // A GTID slice that ran out already waited on the server; everything else sleeps before looking again.
      if (m.kind !== "gtid" || m.outcome === "null") {
        await Bun.sleep(Math.max(0, Math.min(pollMs, deadline - performance.now())));
        pollMs = Math.min(pollMs * 2, m.kind === "error" ? RETRY_MAX_MS : POLL_MAX_MS);
      }
    }
  }

  /** One look at the replica (a GTID wait of at most `sliceS`, or a lag read). Never throws: a failure is a measurement. */
  measure(target: string | undefined, sliceS: number, connectTimeoutS: number): Promise<Measurement> {
    return this.exclusive(async () => {
      try {
        const db = await this.connection(connectTimeoutS);
        // A server that stops answering (frozen, or a network gone silent) must not hold the
        // wait past its deadline: the look has its own, a little longer than the slice.
        const look = target ? measureGtid(db, this.profile, target, sliceS) : measureLag(db, this.profile);
        const m = await withinSeconds(look, Math.ceil(sliceS) + ANSWER_GRACE_S);
        // A Galera node that has not applied the write-set yet: is flow control pausing the cluster?
        if (m.kind === "gtid" && m.outcome === "timeout" && this.profile.gtid === "wsrep") {
          m.flow = await withinSeconds(readFlowControl(db), ANSWER_GRACE_S).catch(() => undefined);
        }
        return m;
      } catch (err) {
        await this.drop();
        return { kind: "error", message: this.withoutLabel(err) };
      }
    });
  }

  /** Where the replica is and what its threads do, for logs and errors; best effort, never throws. */
  describe(): Promise<string> {
    return this.exclusive(async () => {
      try {
        const db = await this.connection(2);
        const parts: string[] = [];
        if (this.profile.gtid !== "none") parts.push(await withinSeconds(readPosition(db, this.profile), ANSWER_GRACE_S));
        if (this.profile.gtid === "wsrep") return parts.join("; "); // a node has no replica status
        try {
          const lag = await measureLag(db, this.profile);
          if (lag.kind === "lag") parts.push(describeStatus(lag, this.profile));
        } catch {
          // The user may lack SLAVE MONITOR / REPLICATION CLIENT; the position alone still helps.
        }
        return parts.join("; ") || "an unknown position";
      } catch (err) {
        await this.drop();
        return `an unknown position (${this.withoutLabel(err)})`;
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.exclusive(() => this.drop());
  }

  /** How messages name it: "replica …", or "Galera node …" for another node of the target's cluster. */
  get noun(): string {
    return this.profile.gtid === "wsrep" ? "Galera node" : "replica";
  }

  private async timeoutError(m: Measurement, d: WaitDecision, target: string | undefined, timeoutS: number): Promise<EtlError> {
    const fix =
      this.profile.gtid === "wsrep"
        ? `check the node with SHOW GLOBAL STATUS LIKE 'wsrep_%' (wsrep_local_state_comment Synced, wsrep_cluster_status Primary, ` +
          `wsrep_local_recv_queue), or raise --replica-timeout; the batches committed so far are on the other nodes, and a rerun replaces the day`
        : `check its SQL thread with SHOW SLAVE STATUS (Slave_SQL_Running, Last_SQL_Error; SHOW REPLICA STATUS on MySQL), ` +
          `fix the error and START SLAVE SQL_THREAD, or raise --replica-timeout`;
    if (m.kind === "error") {
      return new EtlError(
        `${this.noun} ${this.label} could not be read for ${timeoutS}s (${m.message}); check that it is up and reachable with these credentials`,
      );
    }
    const where = await this.describe();
    if (m.kind === "gtid") {
      return new EtlError(`${this.noun} ${this.label} has not applied GTID ${target} after ${timeoutS}s (it is at ${where}); ${fix}`);
    }
    return new EtlError(`${this.noun} ${this.label} is still behind after ${timeoutS}s (${d.reason}; it is at ${where}); ${fix}`);
  }

  private async connection(connectTimeoutS: number): Promise<Db> {
    if (this.closed) throw new EtlError("the replica set was closed");
    this.db ??= await this.connector.connect(connectTimeoutS);
    return this.db;
  }

  /** Forget a connection that failed; the next look reconnects. A server that stopped answering may never acknowledge the close. */
  private async drop(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (db) await Promise.race([db.close().catch(() => {}), Bun.sleep(1000)]);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => {});
    return run;
  }

  /** Driver messages start with the endpoint label, which every message of ours names already. */
  private withoutLabel(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    return message.startsWith(`${this.label}: `) ? message.slice(this.label.length + 2) : message;
  }
}

function describeStatus(m: Extract<Measurement, { kind: "lag" }>, profile: ReplicaProfile): string {
  if (!m.replicating) return "not replicating";
  const word = profile.statusSql === "SHOW REPLICA STATUS" ? "Replica" : "Slave";
  const parts = [`${word}_SQL_Running: ${m.sqlRunning ?? "?"}`, `${word}_IO_Running: ${m.ioRunning ?? "?"}`, `lag: ${m.lagS ?? "NULL"}`];
  if (m.lastSqlError) parts.push(`Last_SQL_Error: ${m.lastSqlError}`);
  if (m.lastIoError) parts.push(`Last_IO_Error: ${m.lastIoError}`);
  return parts.join(", ");
}

/** `work`, or a rejection once `seconds` have passed without an answer. */
function withinSeconds<T>(work: Promise<T>, seconds: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${seconds}s`)), seconds * 1000);
  });
  work.catch(() => {}); // a late failure after the deadline is nobody's business
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** A progress callback must never break a wait. */
function notify(onWait: ((e: ReplicaWaitNotice) => void) | undefined, e: ReplicaWaitNotice): void {
  try {
    onWait?.(e);
  } catch (err) {
    log.debug(`replica wait callback failed: ${(err as Error).message}`);
  }
}
