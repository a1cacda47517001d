// Writes batches to the warehouse: one transaction per batch, retried on transient errors
// (reconnecting after a lost connection; REPLACE, LOAD DATA … REPLACE and range DELETEs make a
// retry safe), and followed by a replica wait that is pipelined: batch n+1 is written while
// batch n replicates, so replicas are never more than two batches behind.
// A stop request (SIGINT/SIGTERM, cli/interrupt.ts) is honoured here, between batches: every loop
// that writes goes through write(), so none has to check for it itself.
import type { Db, DbCapabilities, Params, Row } from "../../engine/db.ts";
import { EtlError, TransientDbError } from "../../errors.ts";
import { positionAfterWrite, type ReplicaSet, type WritePosition } from "../../replicas/replica-set.ts";
import type { Progress } from "../../progress/progress.ts";
import { errorFields, logger } from "../../log.ts";
import { throwIfInterrupted, unlessInterrupted } from "../../cli/interrupt.ts";
import { isLoad, type WriteStatement } from "./statements.ts";

const log = logger("load");

/** The warehouse connection, replaceable after a lost connection. */
export interface TargetHandle {
  db: Db;
  reconnect(): Promise<Db>;
}

export interface BatchWriterOptions {
  /** Attempts per batch before giving up on transient errors. */
  maxAttempts: number;
  /** First retry delay in ms; doubles per attempt. */
  backoffMs: number;
}

export const DEFAULT_BATCH_WRITER: BatchWriterOptions = { maxAttempts: 5, backoffMs: 500 };

/**
 * How long a batch may keep the run waiting beyond its replica wait (--replica-timeout): its
 * retries, each up to a lock-wait timeout (50 s by default), plus backoff and reconnects. The
 * sessions that sit idle meanwhile (the source's paused extract, the writer) outlast this.
 */
export const BATCH_RETRY_ALLOWANCE_S = 600;

/** Codes after which the connection itself is gone and must be replaced. */
const CONNECTION_LOST = new Set(["PROTOCOL_CONNECTION_LOST", "ECONNRESET", "EPIPE", "ER_SERVER_SHUTDOWN"]);

export class BatchWriter {
  private pending: Promise<unknown> | undefined;
  /** The position the pending wait is for, and whether it has finished (for the progress events). */
  private pendingGtid: string | undefined;
  private pendingSettled = false;
  /** Total time spent blocked on replicas (not overlapped with writing). */
  replicaWaitMs = 0;
  batches = 0;
  retries = 0;

  constructor(
    private readonly target: TargetHandle,
    private readonly replicas: ReplicaSet | undefined,
    private readonly progress: Progress,
    private readonly options: BatchWriterOptions = DEFAULT_BATCH_WRITER,
  ) {}

  /**
   * Commit `statements` as one transaction, then queue the replica wait for it. Returns the rows
   * affected. `onCommitted` runs as soon as the commit is done, with those rows: the caller's count
   * of what is in the warehouse, which the wait for the previous batch can no longer undo when it
   * fails or is interrupted (write() then rejects, with this batch committed).
   */
  async write(statements: readonly WriteStatement[], onCommitted?: (affected: number) => void): Promise<number> {
    if (statements.length === 0) return 0;
    throwIfInterrupted();
    const { position, affected } = await this.commitWithRetry(statements);
    this.batches++;
    onCommitted?.(affected);
    await this.queueWait(position);
    return affected;
  }

  /**
   * Run one DDL statement (it commits on its own), with the writes' retries, then queue the replica
   * wait for it as for a batch. `alreadyDone` tells a retry's error that only says the first attempt
   * had landed (an ADD PARTITION whose answer was lost) from a real failure.
   */
  async alter(sql: string, alreadyDone: (err: unknown) => boolean = () => false): Promise<void> {
    throwIfInterrupted();
    let attempts = 0;
    const position = await this.withRetry("batch", async () => {
      attempts++;
      const db = this.target.db;
      try {
        const result = await db.execute(sql);
        return this.replicas?.size ? positionAfterWrite(db, result) : {};
      } catch (err) {
        if (attempts > 1 && alreadyDone(err)) return this.replicas?.size ? positionAfterWrite(db) : {};
        throw err;
      }
    });
    await this.queueWait(position);
  }

  private async queueWait(position: WritePosition): Promise<void> {
    if (!this.replicas || this.replicas.size === 0) return;
    // Batch n-1 must be on the replicas before batch n's wait starts.
    await this.awaitPending();
    const wait = this.replicas.waitFor(position, (e) => this.progress.replicaWait(e));
    wait.catch(() => {}); // surfaced by awaitPending; avoids an unhandled rejection meanwhile
    this.pending = wait;
    this.pendingGtid = position.gtid;
    this.pendingSettled = false;
    wait.then(
      () => (this.pendingSettled = true),
      () => (this.pendingSettled = true),
    );
  }

  /** The warehouse connection now (it changes when a lost one is replaced). */
  get db(): Db {
    return this.target.db;
  }

  /** What the warehouse connection can do (its write-set limits, for the batches built for it). */
  get caps(): DbCapabilities {
    return this.target.db.caps;
  }

  /** Wait for the last batch to reach every replica. */
  async drain(): Promise<void> {
    await this.awaitPending();
  }

  private async awaitPending(): Promise<void> {
    if (!this.pending) return;
    const started = performance.now();
    // Blocked only if the replicas have not caught up while the next batch was written.
    const blocked = !this.pendingSettled;
    if (blocked) {
      const labels = this.replicas?.labels ?? [];
      const replica = labels.length === 1 ? labels[0]! : `${this.replicas?.size ?? 0} replicas`;
      this.progress.replicaWait({ replica, reason: this.pendingGtid ? `gtid ${this.pendingGtid}` : "lag", waitedMs: 0, target: this.pendingGtid });
    }
    try {
      // A stop request does not wait for a slow replica: the batch is committed, the wait is moot.
      await unlessInterrupted(this.pending);
    } finally {
      this.pending = undefined;
      const waited = performance.now() - started;
      this.replicaWaitMs += waited;
      if (blocked) this.progress.replicaWaitEnd(waited);
    }
  }

  /**
   * A read on the warehouse connection with the writes' retry policy (a lost connection is
   * replaced): the reads between batches, such as the id walks of sweep and expire and
   * aggregate's counts, so that a reconnect covers them too.
   */
  async read<T = Row>(sql: string, params?: Params): Promise<T[]> {
    throwIfInterrupted();
    return this.withRetry("read", () => this.target.db.query<T>(sql, params));
  }

  private commitWithRetry(statements: readonly WriteStatement[]) {
    return this.withRetry("batch", () => this.commit(statements));
  }

  /** `attemptOnce()` until it succeeds, retrying transient errors (reconnecting first where the connection is gone). */
  private async withRetry<R>(what: "batch" | "read", attemptOnce: () => Promise<R>): Promise<R> {
    const { maxAttempts, backoffMs } = this.options;
    let reconnect = false; // the connection is gone: the next attempt starts with a new one
    for (let attempt = 1; ; attempt++) {
      try {
        if (reconnect) await this.replaceConnection();
        reconnect = false;
        return await attemptOnce();
      } catch (err) {
        // Still set: the reconnect itself failed. A restarting or failing-over server refuses
        // connections (then logins) for a while, so that is an attempt like any other, whatever
        // the error's class, and the next attempt reconnects again.
        const failed = reconnect ? "reconnect" : what;
        if (!reconnect && !(err instanceof TransientDbError)) throw err;
        if (err instanceof TransientDbError && CONNECTION_LOST.has(err.code)) reconnect = true;
        const message = err instanceof Error ? err.message : String(err);
        if (attempt >= maxAttempts) {
          const backoff = backoffMs * (2 ** (attempt - 1) - 1);
          throw new EtlError(
            `${this.target.db.label}: gave up on a ${what} after ${attempt} attempts (retried ${attempt - 1} times, ${formatMs(backoff)} of backoff); ` +
              `the last ${failed === "reconnect" ? "reconnect" : "attempt"} failed: ${message}`,
            { cause: err },
          );
        }
        this.retries++;
        const delay = backoffMs * 2 ** (attempt - 1);
        const code = err instanceof TransientDbError ? err.code : "connect";
        log.warn({
          message: `${failed} failed (${code}), retry ${attempt}/${maxAttempts - 1} in ${delay} ms${reconnect ? " on a new connection" : ""}: ${message}`,
          ...errorFields(err),
        });
        // A stop request (SIGINT, a lost run lock) does not sit out the backoff: nothing is committed.
        await unlessInterrupted(Bun.sleep(delay));
      }
    }
  }

  /** A new warehouse connection in place of the lost one, which is closed in passing (never awaited: it is dead). */
  private async replaceConnection(): Promise<void> {
    const lost = this.target.db;
    this.target.db = await this.target.reconnect();
    lost.close().catch(() => {});
  }

  private async commit(statements: readonly WriteStatement[]) {
    const db = this.target.db;
    await db.execute("BEGIN");
    try {
      let affected = 0;
      for (const s of statements) {
        if (!isLoad(s)) affected += (await db.execute(s.sql, s.params)).affectedRows;
        else if (db.loadRows) await db.loadRows(s.table, s.columns, s.data, s.rows); // affected rows: see LoadStatement
        else throw new Error(`${db.label} cannot bulk-load (caps.bulkLoad is off): a LOAD statement was built for it`);
      }
      const result = await db.execute("COMMIT");
      return { affected, position: this.replicas?.size ? await positionAfterWrite(db, result) : {} };
    } catch (err) {
      await db.execute("ROLLBACK").catch(() => {});
      throw err;
    }
  }
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
