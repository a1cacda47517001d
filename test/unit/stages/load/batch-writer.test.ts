// The BatchWriter's retry policy and its replica-wait pipelining, against fakes of our own Db and
// ReplicaSet interfaces: which errors are retried and how often, with what backoff, when the
// connection is replaced, and that replicas are never more than two batches behind. The errors
// the fakes throw are made by translateMysqlError from mysql2-shaped errors, as MysqlDb makes them.
// What a real lost connection looks like is tested in test/integration/engine/mysql/connection-loss.test.ts.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Db, ExecResult, Params, Row } from "../../../../src/engine/db.ts";
import type { ReplicaSet, WritePosition } from "../../../../src/replicas/replica-set.ts";
import { translateMysqlError } from "../../../../src/engine/mysql/errors.ts";
import { EtlError, InterruptedError, TransientDbError } from "../../../../src/errors.ts";
import { requestInterrupt, resetInterrupt } from "../../../../src/cli/interrupt.ts";
import { setLogSink } from "../../../../src/log.ts";
import { BatchWriter, type TargetHandle } from "../../../../src/stages/load/batch-writer.ts";
import { noProgress } from "../../../../src/progress/progress.ts";
import type { Statement } from "../../../../src/stages/load/statements.ts";

const LABEL = "mysql://etl@dw-db1:3306/serverdb_dw";

/** A mysql2-shaped error, translated the way MysqlDb translates every driver error. */
const driverError = (code: string | undefined, message: string, extra: object = {}) =>
  translateMysqlError(Object.assign(new Error(message), { code, sqlMessage: code ? message : undefined, ...extra }), LABEL);
const deadlock = () => driverError("ER_LOCK_DEADLOCK", "Deadlock found when trying to get lock; try restarting transaction");
const lockWait = () => driverError("ER_LOCK_WAIT_TIMEOUT", "Lock wait timeout exceeded; try restarting transaction");
const connectionLost = () => driverError("PROTOCOL_CONNECTION_LOST", "Connection lost: The server closed the connection.", { fatal: true });
/** What mysql2 says to a query on a connection that died while idle: no code, only `fatal`. */
const closedState = () => driverError(undefined, "Can't add new command when connection is in closed state", { fatal: true });
const refused = () => driverError("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.7:3306");

let nextGtid = 0;

/** A warehouse connection that records its statements and throws what `fail` returns for one. */
class FakeDb implements Db {
  readonly engine = "mysql" as const;
  readonly caps = { gtid: "mariadb", replication: true } as Db["caps"];
  /** Every statement, with the time it was sent (performance.now()). */
  readonly sent: { sql: string; at: number }[] = [];
  closed = false;
  constructor(
    readonly name: string,
    private fail: (sql: string) => Error | undefined = () => undefined,
  ) {}
  readonly label = LABEL;
  async execute(sql: string, _params?: Params): Promise<ExecResult> {
    this.sent.push({ sql, at: performance.now() });
    const err = this.fail(sql);
    if (err) throw err;
    return { affectedRows: sql.startsWith("REPLACE") ? 1 : 0, insertId: 0, gtid: sql === "COMMIT" ? `0-1-${++nextGtid}` : undefined };
  }
  async query<T = Row>(sql: string): Promise<T[]> {
    throw new Error(`FakeDb.query not expected: ${sql}`);
  }
  async *stream<T = Row>(): AsyncIterable<T> {
    throw new Error("FakeDb.stream not expected");
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  statements(): string[] {
    return this.sent.map((s) => s.sql);
  }
  /** When each transaction began. */
  begins(): number[] {
    return this.sent.filter((s) => s.sql === "BEGIN").map((s) => s.at);
  }
}

/** The first `n` times `sql` is sent, throw `make()`; afterwards succeed. */
function failFirst(n: number, sql: string, make: () => Error): (s: string) => Error | undefined {
  let left = n;
  return (s) => (s === sql && left-- > 0 ? make() : undefined);
}

/** A target whose reconnects are scripted: each entry a new Db, or an Error the reconnect throws. */
function target(first: FakeDb, reconnects: Array<FakeDb | Error> = []) {
  const attempts: number[] = [];
  const handle: TargetHandle = {
    db: first,
    async reconnect() {
      attempts.push(performance.now());
      const next = reconnects.shift();
      if (!next) throw new Error("unexpected reconnect");
      if (next instanceof Error) throw next;
      return next;
    },
  };
  return { handle, attempts };
}

const batch = (n: number): Statement[] => [{ sql: `REPLACE INTO server_facts VALUES (${n})`, params: [] }];

/** Differences between consecutive times. */
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

let logLines: string[];
beforeEach(() => {
  logLines = [];
  setLogSink((line) => logLines.push(line));
});
afterEach(() => setLogSink(undefined));

const BACKOFF = 30;
/** Timers may fire a little early on a busy machine; never by this much. */
const SLACK = 5;

describe("retries on transient errors", () => {
  test("a deadlock is retried after a backoff that doubles each time, then the batch commits", async () => {
    const db = new FakeDb("db1", failFirst(3, "REPLACE INTO server_facts VALUES (1)", deadlock));
    const { handle, attempts } = target(db);
    const writer = new BatchWriter(handle, undefined, noProgress, { maxAttempts: 4, backoffMs: BACKOFF });

    expect(await writer.write(batch(1))).toBe(1);

    const begins = db.begins();
    expect(begins).toHaveLength(4);
    const [g1, g2, g3] = gaps(begins);
    expect(g1).toBeGreaterThanOrEqual(BACKOFF - SLACK);
    expect(g2).toBeGreaterThanOrEqual(2 * BACKOFF - SLACK);
    expect(g3).toBeGreaterThanOrEqual(4 * BACKOFF - SLACK);
    // each failed attempt was rolled back; the same connection throughout
    expect(db.statements().filter((s) => s === "ROLLBACK")).toHaveLength(3);
    expect(db.statements().at(-1)).toBe("COMMIT");
    expect(attempts).toHaveLength(0);
    expect(writer.retries).toBe(3);
    expect(writer.batches).toBe(1);
    expect(logLines[0]).toContain(`batch failed (ER_LOCK_DEADLOCK), retry 1/3 in ${BACKOFF} ms: ${LABEL}: Deadlock found`);
    expect(logLines[2]).toContain(`retry 3/3 in ${4 * BACKOFF} ms`);
  });

  test("attempts are bounded: after maxAttempts the batch fails, naming the target, the retries and the cause", async () => {
    const db = new FakeDb("db1", (s) => (s.startsWith("REPLACE") ? lockWait() : undefined));
    const { handle } = target(db);
    const writer = new BatchWriter(handle, undefined, noProgress, { maxAttempts: 3, backoffMs: BACKOFF });

    const err = await writer.write(batch(1)).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(db.begins()).toHaveLength(3);
    expect(err).toBeInstanceOf(EtlError);
    // final: nothing further up may retry it again
    expect(err).not.toBeInstanceOf(TransientDbError);
    const message = (err as Error).message;
    expect(message).toStartWith(`${LABEL}: gave up on a batch after 3 attempts (retried 2 times, 90 ms of backoff); the last attempt failed: `);
    expect(message).toContain("Lock wait timeout exceeded");
    expect((err as Error).cause).toBeInstanceOf(TransientDbError);
    expect(writer.batches).toBe(0);
  });

  test("a stop request (Ctrl-C, a lost run lock) ends the backoff at once instead of sitting it out", async () => {
    const db = new FakeDb("db1", (s) => (s.startsWith("REPLACE") ? deadlock() : undefined));
    const { handle } = target(db);
    const writer = new BatchWriter(handle, undefined, noProgress, { maxAttempts: 5, backoffMs: 10_000 });
    try {
      const started = performance.now();
      const pending = writer.write(batch(1)).then(
        () => undefined,
        (e: unknown) => e,
      );
      await Bun.sleep(50); // the first attempt failed; the writer is in its 10 s backoff
      requestInterrupt("SIGINT");
      const err = await pending;
      expect(err).toBeInstanceOf(InterruptedError);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(db.begins()).toHaveLength(1); // no second attempt
    } finally {
      resetInterrupt();
    }
  });

  test("a non-transient error is not retried: it is thrown as it came, after a ROLLBACK", async () => {
    const denied = driverError("ER_TABLEACCESS_DENIED_ERROR", "INSERT command denied to user 'etl'@'10.0.0.5' for table `serverdb_dw`.`server_facts`");
    const db = new FakeDb("db1", (s) => (s.startsWith("REPLACE") ? denied : undefined));
    const { handle, attempts } = target(db);
    const writer = new BatchWriter(handle, undefined, noProgress, { maxAttempts: 5, backoffMs: BACKOFF });

    await expect(writer.write(batch(1))).rejects.toBe(denied);

    expect(db.statements()).toEqual(["BEGIN", "REPLACE INTO server_facts VALUES (1)", "ROLLBACK"]);
    expect(attempts).toHaveLength(0);
    expect(writer.retries).toBe(0);
    expect(logLines).toHaveLength(0);
  });
});

describe("lost connections: reconnect, then retry", () => {
  test("a connection lost mid-batch is replaced, and the batch is written again on the new one", async () => {
    const lost = new FakeDb("db1", failFirst(1, "COMMIT", connectionLost));
    const fresh = new FakeDb("db2");
    const { handle, attempts } = target(lost, [fresh]);
    const writer = new BatchWriter(handle, undefined, noProgress, { maxAttempts: 3, backoffMs: BACKOFF });

    expect(await writer.write(batch(1))).toBe(1);

    expect(handle.db).toBe(fresh);
    expect(lost.closed).toBe(true);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]! - lost.begins()[0]!).toBeGreaterThanOrEqual(BACKOFF - SLACK); // after the backoff, not at once
    expect(fresh.statements()).toEqual(["BEGIN", "REPLACE INTO server_facts VALUES (1)", "COMMIT"]);
    expect(logLines[0]).toContain(`batch failed (PROTOCOL_CONNECTION_LOST), retry 1/2 in ${BACKOFF} ms on a new connection`);
  });

  test("a connection that died while idle (mysql2's code-less closed-state error) is replaced too", async () => {
    const lost = new FakeDb("db1", failFirst(1, "BEGIN", closedState));
    const fresh = new FakeDb("db2");
    const { handle } = target(lost, [fresh]);
    const writer = new BatchWriter(handle, undefined, noProgress, { maxAttempts: 3, backoffMs: BACKOFF });

    await writer.write(batch(1));

    expect(handle.db).toBe(fresh);
    expect(fresh.statements().at(-1)).toBe("COMMIT");
  });

  test("a read between batches (sweep's id walk, aggregate's count) on a lost connection is replaced and retried too", async () => {
    /** Answers reads; the first read fails as a connection that died while idle. */
    class ReadingDb extends FakeDb {
      override async query<T = Row>(sql: string): Promise<T[]> {
        this.sent.push({ sql, at: performance.now() });
        const err = this.failRead?.();
        if (err) throw err;
        return [{ id: 42 } as T];
      }
      failRead?: () => Error | undefined;
    }
    const lost = new ReadingDb("db1");
    let once = true;
    lost.failRead = () => (once ? ((once = false), closedState()) : undefined);
    const fresh = new ReadingDb("db2");
    const { handle, attempts } = target(lost, [fresh]);
    const writer = new BatchWriter(handle, undefined, noProgress, { maxAttempts: 3, backoffMs: BACKOFF });

    expect(await writer.read<{ id: number }>("SELECT id FROM server_facts WHERE report_date = ?", ["2026-11-20"])).toEqual([{ id: 42 }]);

    expect(attempts).toHaveLength(1);
    expect(handle.db).toBe(fresh);
    expect(fresh.statements()).toEqual(["SELECT id FROM server_facts WHERE report_date = ?"]);
    expect(logLines[0]).toContain(`read failed (PROTOCOL_CONNECTION_LOST), retry 1/2 in ${BACKOFF} ms on a new connection`);
  });

  test("a reconnect that fails once counts as an attempt; the next attempt reconnects again and the run goes on", async () => {
    const lost = new FakeDb("db1", failFirst(1, "BEGIN", connectionLost));
    const fresh = new FakeDb("db2");
    const { handle, attempts } = target(lost, [refused(), fresh]);
    const writer = new BatchWriter(handle, undefined, noProgress, { maxAttempts: 4, backoffMs: BACKOFF });

    expect(await writer.write(batch(1))).toBe(1);
    // the next batch goes straight to the new connection
    expect(await writer.write(batch(2))).toBe(1);

    expect(attempts).toHaveLength(2);
    const sinceFirst = attempts[0]! - lost.begins()[0]!;
    expect(sinceFirst).toBeGreaterThanOrEqual(BACKOFF - SLACK);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(2 * BACKOFF - SLACK); // the backoff doubled
    expect(handle.db).toBe(fresh);
    expect(fresh.begins()).toHaveLength(2);
    expect(writer.retries).toBe(2);
    expect(writer.batches).toBe(2);
    expect(logLines[1]).toContain(`reconnect failed (connect), retry 2/3 in ${2 * BACKOFF} ms on a new connection: ${LABEL}: connect ECONNREFUSED`);
  });

  test("a server that stays away: the reconnects use up the attempts, and the error says so", async () => {
    const lost = new FakeDb("db1", failFirst(1, "BEGIN", connectionLost));
    const { handle, attempts } = target(lost, [refused(), refused()]);
    const writer = new BatchWriter(handle, undefined, noProgress, { maxAttempts: 3, backoffMs: BACKOFF });

    const err = (await writer.write(batch(1)).catch((e: unknown) => e)) as Error;

    expect(attempts).toHaveLength(2);
    expect(err).toBeInstanceOf(EtlError);
    expect(err.message).toStartWith(`${LABEL}: gave up on a batch after 3 attempts (retried 2 times, 90 ms of backoff); the last reconnect failed: `);
    expect(err.message).toContain("connect ECONNREFUSED 10.0.0.7:3306 (nothing listens there");
  });

  test("a deadlock keeps the connection: no reconnect", async () => {
    const db = new FakeDb("db1", failFirst(1, "COMMIT", deadlock));
    const { handle, attempts } = target(db);
    await new BatchWriter(handle, undefined, noProgress, { maxAttempts: 2, backoffMs: 1 }).write(batch(1));
    expect(attempts).toHaveLength(0);
    expect(handle.db).toBe(db);
  });
});

/** A promise with its resolve/reject at hand. */
function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A ReplicaSet whose waits settle only when the test says so. */
function controlledReplicas() {
  const waits: { gtid?: string; done: ReturnType<typeof deferred>; settled: boolean }[] = [];
  const set: ReplicaSet = {
    size: 1,
    labels: ["mysql://ro@dw-db2:3306/"],
    waitFor(pos: WritePosition) {
      const w = { gtid: pos.gtid, done: deferred(), settled: false };
      waits.push(w);
      w.done.promise.then(
        () => (w.settled = true),
        () => (w.settled = true),
      );
      return w.done.promise.then(() => ({ waitedMs: 0 }));
    },
    async close() {},
  };
  return { set, waits };
}

/** Whether `p` has settled after the microtasks and timers now queued have run. */
async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await Bun.sleep(5);
  return settled;
}

describe("replica waits are pipelined, never more than two batches behind", () => {
  test("batch n+1 is committed while batch n replicates, and its write() returns only once batch n is on the replicas", async () => {
    const db = new FakeDb("db1");
    const { handle } = target(db);
    const { set, waits } = controlledReplicas();
    const writer = new BatchWriter(handle, set, noProgress, { maxAttempts: 1, backoffMs: 1 });
    const commits = () => db.statements().filter((s) => s === "COMMIT").length;

    // batch 1: nothing earlier to wait for; its wait starts
    await writer.write(batch(1));
    expect(waits.map((w) => w.gtid)).toEqual([`0-1-${nextGtid}`]);

    // batch 2 commits while batch 1 replicates, then waits for batch 1
    const second = writer.write(batch(2));
    expect(await isSettled(second)).toBe(false);
    expect(commits()).toBe(2);
    expect(waits).toHaveLength(1); // batch 2's wait starts only after batch 1's

    waits[0]!.done.resolve();
    await second;
    expect(waits).toHaveLength(2);

    // batch 3: committed with batch 2 still replicating (two batches not yet on the replicas), no further
    const third = writer.write(batch(3));
    expect(await isSettled(third)).toBe(false);
    expect(commits()).toBe(3);
    // a fourth write cannot start before the third returns, so at most batches 2 and 3 are unconfirmed
    expect(waits.filter((w) => !w.settled)).toHaveLength(1);

    waits[1]!.done.resolve();
    await third;
    const drained = writer.drain();
    expect(await isSettled(drained)).toBe(false);
    waits[2]!.done.resolve();
    await drained;
    expect(waits.every((w) => w.settled)).toBe(true);
  });

  test("a failed wait fails the next write (after its commit) and is not left unhandled", async () => {
    const db = new FakeDb("db1");
    const { handle } = target(db);
    const { set, waits } = controlledReplicas();
    const writer = new BatchWriter(handle, set, noProgress, { maxAttempts: 1, backoffMs: 1 });

    await writer.write(batch(1));
    waits[0]!.done.reject(new EtlError("mysql://ro@dw-db2:3306/: replica did not apply 0-1-1 within 300 s"));
    await Bun.sleep(1);
    await expect(writer.write(batch(2))).rejects.toThrow("replica did not apply");
  });
});

describe("the driver's closed-state error", () => {
  test("is a lost connection, so the batch writer reconnects", () => {
    const e = closedState();
    expect(e).toBeInstanceOf(TransientDbError);
    expect((e as TransientDbError).code).toBe("PROTOCOL_CONNECTION_LOST");
    expect(e.message).toStartWith(`${LABEL}: connection lost before this statement (Can't add new command when connection is in closed state); `);
  });
});
