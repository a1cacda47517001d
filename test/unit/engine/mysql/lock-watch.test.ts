// Watching the run lock (engine/mysql/lock-watch.ts) with fake connections, and what a lost lock does to
// the stop request of cli/interrupt.ts. The real thing, a KILLed lock connection, is in
// test/integration/engine/mysql/lock-lost.test.ts.
import { afterEach, describe, expect, test } from "bun:test";
import type { Db, DbCapabilities } from "../../../../src/engine/db.ts";
import { lockLostBecause, watchRunLock, type LockCheck, type LossNotifier } from "../../../../src/engine/mysql/lock-watch.ts";
import { InterruptedError, RunLockLostError, exitCodeOf } from "../../../../src/errors.ts";
import { requestInterrupt, requestStop, resetInterrupt, throwIfInterrupted, unlessInterrupted } from "../../../../src/cli/interrupt.ts";

const OURS = 7;

describe("lockLostBecause", () => {
  const cases: Array<[LockCheck, string | undefined]> = [
    [{ holder: OURS }, undefined],
    [{ holder: null }, "its connection 7 closed: the server lists no holder"],
    // A second run that took the lock in the gap: lost, even though somebody holds it.
    [{ holder: 12 }, "its connection 7 lost it: connection 12 holds it now"],
    [{ error: "Connection lost: The server closed the connection." }, "could not check it: Connection lost: The server closed the connection."],
    [{ noAnswerMs: 10_000 }, "no answer to a check of it within 10 s"],
  ];
  for (const [check, reason] of cases) {
    test(`${JSON.stringify(check)} → ${reason ?? "still ours"}`, () => expect(lockLostBecause(check, OURS)).toBe(reason));
  }
});

/** A connection whose IS_USED_LOCK answers come from `answers` in turn (the last one repeats). */
function fakeDb(answers: Array<number | null | Error | "hang">) {
  const seen = { queries: 0, closed: false };
  let lostListener: ((cause?: Error) => void) | undefined;
  const db: Db & LossNotifier = {
    engine: "mysql",
    label: "fake",
    caps: {} as DbCapabilities,
    async query<T>(sql: string): Promise<T[]> {
      expect(sql).toBe("SELECT IS_USED_LOCK(?) AS holder");
      const a = answers[Math.min(seen.queries++, answers.length - 1)]!;
      if (a === "hang") return new Promise<T[]>(() => {});
      if (a instanceof Error) throw a;
      return [{ holder: a } as T];
    },
    execute: async () => ({ affectedRows: 0, insertId: 0 }),
    stream: () => (async function* () {})(),
    async close() {
      seen.closed = true;
    },
    onLost(listener) {
      lostListener = listener;
    },
  };
  return { db, seen, endConnection: (cause?: Error) => lostListener?.(cause) };
}

/** watchRunLock with quick checks; resolves with the reasons it reported, after `ms`. */
async function watchFor(ms: number, watcher: Db, holder: Db & LossNotifier = fakeDb([]).db, during?: () => void) {
  const reasons: string[] = [];
  const watch = watchRunLock({ name: "serverdb_etl.dw", holder, holderId: OURS, watcher }, (r) => reasons.push(r), { intervalMs: 5, answerWithinMs: 50 });
  during?.();
  await Bun.sleep(ms);
  await watch.stop();
  return reasons;
}

describe("watchRunLock", () => {
  test("checks again and again while the lock is ours; stop() ends the checks and closes the watcher", async () => {
    const w = fakeDb([OURS]);
    expect(await watchFor(100, w.db)).toEqual([]);
    const checks = w.seen.queries;
    expect(checks).toBeGreaterThan(3);
    expect(w.seen.closed).toBe(true);
    await Bun.sleep(30);
    expect(w.seen.queries).toBe(checks);
  });

  test("the first check that finds no holder reports once and checks no more", async () => {
    const w = fakeDb([OURS, OURS, null, OURS]);
    expect(await watchFor(100, w.db)).toEqual(["its connection 7 closed: the server lists no holder"]);
    expect(w.seen.queries).toBe(3);
  });

  test("a failing check is a lost lock (the watcher never reconnects)", async () => {
    const w = fakeDb([OURS, new Error("Can't add new command when connection is in closed state")]);
    expect(await watchFor(100, w.db)).toEqual(["could not check it: Can't add new command when connection is in closed state"]);
    expect(w.seen.queries).toBe(2);
  });

  test("a check with no answer in time is a lost lock", async () => {
    const w = fakeDb(["hang"]);
    const started = performance.now();
    expect(await watchFor(200, w.db)).toEqual(["no answer to a check of it within 0.05 s"]);
    expect(performance.now() - started).toBeLessThan(2_000); // stop() does not wait for the hung check
  });

  test("the holder's connection ending is heard at once, before the next check", async () => {
    const w = fakeDb([OURS]);
    const holder = fakeDb([]);
    const reasons = await watchFor(20, w.db, holder.db, () => holder.endConnection(new Error("Connection lost: The server closed the connection.")));
    expect(reasons).toEqual(["its connection 7 closed: Connection lost: The server closed the connection."]);
  });

  test("after stop(), the holder's connection closing (the release) is no loss", async () => {
    const w = fakeDb([OURS]);
    const holder = fakeDb([]);
    const reasons: string[] = [];
    const watch = watchRunLock({ name: "serverdb_etl.dw", holder: holder.db, holderId: OURS, watcher: w.db }, (r) => reasons.push(r), { intervalMs: 5, answerWithinMs: 50 });
    await watch.stop();
    holder.endConnection();
    expect(reasons).toEqual([]);
  });
});

describe("a lost lock stops the run like a signal, with its own error", () => {
  afterEach(() => resetInterrupt());
  const lostLock = () => new RunLockLostError("lost the warehouse run lock serverdb_etl.dw on fake (…); stopped between two batches so that two runs never write at once; rerun");

  test("the checks then throw RunLockLostError (exit 1), and a wait in progress ends at once", async () => {
    const waiting = unlessInterrupted(new Promise<void>(() => {}));
    expect(requestStop(lostLock)).toBe(true);
    await expect(waiting).rejects.toBeInstanceOf(RunLockLostError);
    let caught: unknown;
    try {
      throwIfInterrupted();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RunLockLostError);
    expect(exitCodeOf(caught)).toBe(1);
    expect((caught as Error).message).toStartWith("lost the warehouse run lock serverdb_etl.dw");
  });

  test("the first reason counts: a signal after a lost lock stops nothing new, a lost lock after a signal keeps exit 130", () => {
    requestStop(lostLock);
    expect(requestInterrupt("SIGINT")).toBe(true); // the first signal: cli.ts says "stopping after the current batch"
    expect(() => throwIfInterrupted()).toThrow(RunLockLostError);
    expect(requestInterrupt("SIGINT")).toBe(false); // the second one exits at once
    resetInterrupt();
    requestInterrupt("SIGTERM");
    expect(requestStop(lostLock)).toBe(false);
    expect(() => throwIfInterrupted()).toThrow(InterruptedError);
  });
});
