// Lost connections on the test bed's real MariaDB: a writer connection that dies while idle
// (KILL CONNECTION from another session, or its own wait_timeout) makes the next batch reconnect
// and commit instead of failing with mysql2's code-less "closed state" error; a source whose
// connection the server drops mid-result (net_write_timeout behind a paused reader, or a KILL)
// fails the stream within seconds instead of hanging. Each stream test has a bun timeout, so a
// hang fails it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Db } from "../../../../src/engine/db.ts";
import { MysqlDb } from "../../../../src/engine/mysql/mysql-db.ts";
import { parseDsn, type MysqlEndpoint } from "../../../../src/settings/dsn.ts";
import { TransientDbError } from "../../../../src/errors.ts";
import { openReplicaSet } from "../../../../src/replicas/replica-set.ts";
import { BatchWriter, type TargetHandle } from "../../../../src/stages/load/batch-writer.ts";
import { noProgress } from "../../../../src/progress/progress.ts";
import { setLogSink } from "../../../../src/log.ts";
import { connect, dsn, freshDatabase, servers, withDb } from "../../../support/servers.ts";

let database: string;
let admin: MysqlDb; // root on the primary: kills other connections, reads rows back
let replicaRoot: MysqlDb;
let nextId = 0;

beforeAll(async () => {
  database = await freshDatabase("connloss");
  admin = await connect(servers().primary, database);
  await admin.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL)");
  replicaRoot = await connect(servers().replica, database);
});

afterAll(async () => {
  await admin?.close();
  await replicaRoot?.close();
});

async function connectionId(db: Db): Promise<number> {
  const [{ id }] = await db.query<{ id: number | string }>("SELECT CONNECTION_ID() AS id");
  return Number(id);
}

/** KILL CONNECTION `id`, then wait until the server has let it go and the client has had time to hear of it. */
async function kill(id: number): Promise<void> {
  await admin.execute("KILL CONNECTION ?", [id]);
  for (let i = 0; i < 100; i++) {
    const rows = await admin.query("SELECT ID FROM information_schema.PROCESSLIST WHERE ID = ?", [id]);
    if (rows.length === 0) break;
    await Bun.sleep(20);
  }
  await Bun.sleep(100);
}

/** A writer target on the primary whose reconnects are counted. */
async function writerTarget() {
  const reconnects: MysqlDb[] = [];
  const handle: TargetHandle = {
    db: await connect(servers().primary, database),
    async reconnect() {
      const db = await connect(servers().primary, database);
      reconnects.push(db);
      return db;
    },
  };
  return { handle, reconnects, close: () => handle.db.close() };
}

const row = (v: string) => {
  const id = ++nextId;
  return { id, statements: [{ sql: "REPLACE INTO t (id, v) VALUES (?, ?)", params: [id, v] }] };
};

async function valueOf(db: MysqlDb, id: number): Promise<string | undefined> {
  return (await db.query<{ v: string }>("SELECT v FROM t WHERE id = ?", [id]))[0]?.v;
}

/** Collect log lines while `fn` runs. */
async function capturingLog<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  setLogSink((line) => lines.push(line));
  try {
    return { result: await fn(), lines };
  } finally {
    setLogSink(undefined);
  }
}

describe("a writer connection that died while idle", () => {
  test("a statement on it fails at once as a lost connection (transient), not as mysql2's code-less closed-state error", async () => {
    const db = await connect(servers().primary, database);
    try {
      await kill(await connectionId(db));
      const err = (await db.execute("BEGIN").catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(TransientDbError);
      expect((err as TransientDbError).code).toBe("PROTOCOL_CONNECTION_LOST");
      expect(err.message).toStartWith(`${db.label}: connection lost while idle`);
      expect(err.message).toContain("a KILL");
      // a stream on it fails too, rather than wait for rows that cannot come
      const streamed = (async () => {
        for await (const _ of db.stream("SELECT 1")) void _;
      })();
      await expect(streamed).rejects.toBeInstanceOf(TransientDbError);
    } finally {
      await db.close();
    }
  });

  test("KILL between two batches (the writer idle in a replica wait): the next batch reconnects and commits, and reaches the replica", async () => {
    const { handle, reconnects, close } = await writerTarget();
    const replicas = await openReplicaSet([parseDsn(dsn(servers().replica, "", "ro"), "test")], { timeoutS: 20, maxLagS: 1, logEveryS: 10 });
    try {
      const writer = new BatchWriter(handle, replicas, noProgress, { maxAttempts: 3, backoffMs: 50 });
      const first = row("before the kill");
      await writer.write(first.statements);
      const killed = await connectionId(handle.db);
      await kill(killed);

      const second = row("after the kill");
      const { lines } = await capturingLog(() => writer.write(second.statements));
      await writer.drain();

      expect(reconnects).toHaveLength(1);
      expect(handle.db).toBe(reconnects[0]!);
      expect(await connectionId(handle.db)).not.toBe(killed);
      expect(writer.retries).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("batch failed (PROTOCOL_CONNECTION_LOST), retry 1/2 in 50 ms on a new connection");
      expect(lines[0]).toContain("connection lost while idle");
      expect(await valueOf(admin, second.id)).toBe("after the kill");
      expect(await valueOf(replicaRoot, second.id)).toBe("after the kill"); // drained: on the replica too
    } finally {
      await replicas.close();
      await close();
    }
  });

  test("closed by the server's wait_timeout: the next batch reconnects and commits", async () => {
    const { handle, reconnects, close } = await writerTarget();
    try {
      await handle.db.execute("SET SESSION wait_timeout = 1");
      const writer = new BatchWriter(handle, undefined, noProgress, { maxAttempts: 3, backoffMs: 50 });
      await writer.write(row("before the timeout").statements);
      await Bun.sleep(2500); // idle longer than wait_timeout
      const after = row("after the timeout");
      await capturingLog(() => writer.write(after.statements));
      expect(reconnects).toHaveLength(1);
      expect(await valueOf(admin, after.id)).toBe("after the timeout");
    } finally {
      await close();
    }
  });

  test("idleTimeoutS raises the session's wait_timeout to outlast a replica wait, and never lowers it", async () => {
    const ep = parseDsn(dsn(servers().primary, database), "test") as MysqlEndpoint;
    const [{ was }] = await admin.query<{ was: number | string }>("SELECT @@GLOBAL.wait_timeout AS was");
    await admin.execute("SET GLOBAL wait_timeout = 30"); // a DBA's short default
    try {
      const sessionWait = async (idleTimeoutS?: number) => {
        const db = await MysqlDb.connect(ep, { idleTimeoutS });
        try {
          const [{ s }] = await db.query<{ s: number | string }>("SELECT @@SESSION.wait_timeout AS s");
          return Number(s);
        } finally {
          await db.close();
        }
      };
      expect(await sessionWait()).toBe(30);
      expect(await sessionWait(360)).toBe(360);
      expect(await sessionWait(10)).toBe(30);
    } finally {
      await admin.execute("SET GLOBAL wait_timeout = ?", [Number(was)]);
    }
  });
});

describe("a source connection lost mid-stream", () => {
  const SQL = "SELECT seq, REPEAT('x', 500) AS pad FROM seq_1_to_300000";

  /** Stream SQL; after 1000 rows pause the consumer, doing `duringPause` (then the rest of `pauseMs`). */
  async function pausedStream(db: MysqlDb, pauseMs: number, duringPause: () => Promise<void> = async () => {}) {
    let received = 0;
    let inOrder = true;
    let pausedAt = 0;
    const started = performance.now();
    try {
      for await (const r of db.stream<{ seq: number | string }>(SQL)) {
        received++;
        if (Number(r.seq) !== received) inOrder = false;
        if (received === 1000) {
          pausedAt = performance.now();
          await duringPause();
          await Bun.sleep(pauseMs - (performance.now() - pausedAt));
        }
      }
      return { error: undefined, received, inOrder, afterResumeMs: 0, totalMs: performance.now() - started };
    } catch (error) {
      const now = performance.now();
      return { error: error as Error, received, inOrder, afterResumeMs: now - pausedAt - pauseMs, totalMs: now - started };
    }
  }

  test(
    "the server gives up on a paused reader (net_write_timeout): the stream fails once the buffered rows are read, instead of hanging",
    async () => {
      const db = await connect(servers().primary, database);
      try {
        await db.execute("SET SESSION net_write_timeout = 1");
        const r = await pausedStream(db, 4000);
        expect(r.error).toBeInstanceOf(TransientDbError);
        expect((r.error as TransientDbError).code).toBe("PROTOCOL_CONNECTION_LOST");
        expect(r.error!.message).toMatch(new RegExp(`^${db.label.replace(/[.?*+^$[\]\\(){}|-]/g, "\\$&")}: connection lost after \\d+ rows of a streamed result( \\([^)]*\\))?; `));
        expect(r.error!.message).toContain("net_write_timeout");
        // over TCP the server's close may come as a reset, which drops what the socket had buffered
        expect(r.received).toBeGreaterThanOrEqual(1000);
        expect(r.received).toBeLessThan(300_000);
        expect(r.inOrder).toBe(true); // what did arrive is the result's head, intact
        expect(r.afterResumeMs).toBeLessThan(2000);
        console.error(`net_write_timeout: stream failed ${r.afterResumeMs.toFixed(0)} ms after the reader resumed, after ${r.received} rows (${(r.totalMs / 1000).toFixed(1)} s in all)`);
        // the Db says so too, for whoever uses it next
        await expect(db.execute("SELECT 1")).rejects.toBeInstanceOf(TransientDbError);
      } finally {
        await db.close();
      }
    },
    20_000,
  );

  test(
    "KILL CONNECTION while the reader is paused: the stream fails, instead of hanging",
    async () => {
      const db = await connect(servers().primary, database);
      try {
        const id = await connectionId(db);
        const r = await pausedStream(db, 1000, () => kill(id));
        expect(r.error).toBeInstanceOf(TransientDbError);
        expect((r.error as TransientDbError).code).toBe("PROTOCOL_CONNECTION_LOST");
        expect(r.received).toBeLessThan(300_000);
        expect(r.inOrder).toBe(true);
        expect(r.afterResumeMs).toBeLessThan(2000);
        console.error(`KILL: stream failed ${r.afterResumeMs.toFixed(0)} ms after the reader resumed, after ${r.received} rows`);
      } finally {
        await db.close();
      }
    },
    20_000,
  );

  test("a result sent in full but held back by mysql2 while the reader pauses (more than highWaterMark rows) is read to its end after a KILL", async () => {
    const db = await connect(servers().primary, database);
    try {
      const id = await connectionId(db);
      let n = 0;
      let last = 0;
      for await (const r of db.stream<{ seq: number | string }>("SELECT seq FROM seq_1_to_5000")) {
        last = Number(r.seq);
        if (++n === 10) {
          // The server has sent everything and sits idle (as a source in its snapshot while the
          // load waits for a replica); then wait_timeout, an idle-transaction timeout or a KILL ends it.
          await withDb("", async (other) => {
            for (let i = 0; i < 100; i++) {
              const [row] = await other.query<{ c: string }>("SELECT COMMAND AS c FROM information_schema.PROCESSLIST WHERE ID = ?", [id]);
              if (row?.c === "Sleep") break;
              await Bun.sleep(20);
            }
          });
          await kill(id);
          await Bun.sleep(200); // the close has reached us while the reader is still paused
        }
      }
      expect(n).toBe(5000);
      expect(last).toBe(5000);
    } finally {
      await db.close();
    }
  });

  test("a result the server has sent in full is read to its end, even when the connection dies before the reader is done", async () => {
    const db = await connect(servers().primary, database);
    try {
      const id = await connectionId(db);
      let n = 0;
      for await (const _ of db.stream("SELECT seq FROM seq_1_to_500")) {
        if (++n === 1) await kill(id); // all 500 rows are already buffered (highWaterMark 1000)
      }
      expect(n).toBe(500);
      await expect(db.execute("SELECT 1")).rejects.toBeInstanceOf(TransientDbError);
    } finally {
      await db.close();
    }
  });
});
