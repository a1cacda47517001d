// Replica waits against the test bed's real primary + GTID replica: a waited-for write is
// readable on the replica at once; a stopped SQL thread makes waitFor fail in time with the
// replica named, and succeed once the thread runs again; lag polling and reconnects likewise.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { MysqlDb } from "../../../src/engine/mysql/mysql-db.ts";
import { parseDsn, describeEndpoint, type Endpoint } from "../../../src/settings/dsn.ts";
import { EtlError } from "../../../src/errors.ts";
import { openReplicaSet, positionAfterWrite, type ReplicaWaitEvent } from "../../../src/replicas/replica-set.ts";
import { connect, dsn, freshDatabase, servers, waitForReplica } from "../../support/servers.ts";

let database: string;
let primary: MysqlDb; // the writing connection
let replicaRoot: MysqlDb; // root on the replica: reads rows back, stops and starts the SQL thread
let roEndpoint: Endpoint;
let nextId = 0;

beforeAll(async () => {
  const { primary: p, replica: r } = servers();
  database = await freshDatabase("repl");
  primary = await connect(p, database);
  await primary.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL)");
  replicaRoot = await connect(r, database);
  roEndpoint = parseDsn(dsn(r, "", "ro"), "test");
});

// Later test files need a replica that replicates, whatever happened here.
afterEach(async () => {
  await replicaRoot.execute("START SLAVE SQL_THREAD");
});

afterAll(async () => {
  await replicaRoot?.execute("START SLAVE SQL_THREAD").catch(() => {});
  await primary?.close();
  await replicaRoot?.close();
});

/** One autocommitted row on the primary; returns its id and the write result. */
async function writeRow(v: string) {
  const id = ++nextId;
  const result = await primary.execute("INSERT INTO t (id, v) VALUES (?, ?)", [id, v]);
  return { id, result };
}

async function onReplica(id: number): Promise<string | undefined> {
  const rows = await replicaRoot.query<{ v: string }>("SELECT v FROM t WHERE id = ?", [id]);
  return rows[0]?.v;
}

/** Wait (≤ 5 s) until the replica's SQL thread reports the state we asked for. */
async function sqlThreadIs(state: "Yes" | "No"): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const [s] = await replicaRoot.query("SHOW SLAVE STATUS");
    if (s?.Slave_SQL_Running === state) return;
    await Bun.sleep(50);
  }
  throw new Error(`replica SQL thread did not become ${state}`);
}

describe("positionAfterWrite on MariaDB", () => {
  test("the tracked GTID of an autocommitted write is the session's @@last_gtid", async () => {
    const { result } = await writeRow("tracked");
    expect(result.gtid).toMatch(/^\d+-\d+-\d+$/);
    const pos = await positionAfterWrite(primary, result);
    const [{ last }] = await primary.query<{ last: string }>("SELECT @@last_gtid AS last");
    expect(pos).toEqual({ gtid: last });
    // Without the tracked value it asks the server and gets the same answer.
    expect(await positionAfterWrite(primary)).toEqual({ gtid: last });
  });

  test("in an explicit transaction the GTID arrives with COMMIT", async () => {
    await primary.execute("START TRANSACTION");
    const insert = await primary.execute("INSERT INTO t (id, v) VALUES (?, ?), (?, ?)", [++nextId, "tx a", ++nextId, "tx b"]);
    const commit = await primary.execute("COMMIT");
    expect(insert.gtid).toBeUndefined(); // nothing committed yet
    expect(commit.gtid).toMatch(/^\d+-\d+-\d+$/);
    const before = Number(commit.gtid!.split("-")[2]);
    const { result } = await writeRow("after tx");
    expect(Number(result.gtid!.split("-")[2])).toBe(before + 1);
  });
});

describe("waitFor on a GTID replica", () => {
  test("as the ro user: every waited-for write is readable on the replica right after", async () => {
    const set = await openReplicaSet([roEndpoint], { timeoutS: 30, maxLagS: 1, logEveryS: 10 });
    try {
      expect(set.size).toBe(1);
      for (let i = 0; i < 25; i++) {
        const { id, result } = await writeRow(`row ${i}`);
        await set.waitFor(await positionAfterWrite(primary, result));
        expect(await onReplica(id)).toBe(`row ${i}`);
      }
    } finally {
      await set.close();
    }
  });

  test("overlapping waits (pipelined batches) all resolve, each after its own write", async () => {
    const set = await openReplicaSet([roEndpoint], { timeoutS: 30, maxLagS: 1, logEveryS: 10 });
    try {
      const waits: Promise<number>[] = [];
      for (let i = 0; i < 10; i++) {
        const { id, result } = await writeRow(`pipelined ${i}`);
        const pos = await positionAfterWrite(primary, result);
        waits.push(set.waitFor(pos).then(async () => ((await onReplica(id)) === `pipelined ${i}` ? 1 : 0)));
      }
      expect(await Promise.all(waits)).toEqual(Array(10).fill(1));
    } finally {
      await set.close();
    }
  });

  test("a stopped SQL thread: EtlError naming the replica within ~timeoutS; after START SLAVE it succeeds", async () => {
    const set = await openReplicaSet([roEndpoint], { timeoutS: 3, maxLagS: 1, logEveryS: 1 });
    try {
      await replicaRoot.execute("STOP SLAVE SQL_THREAD");
      await sqlThreadIs("No");
      const { id, result } = await writeRow("held back");
      const pos = await positionAfterWrite(primary, result);
      const events: ReplicaWaitEvent[] = [];
      const start = performance.now();
      const err = await set.waitFor(pos, (e) => events.push(e)).catch((e) => e);
      const seconds = (performance.now() - start) / 1000;

      expect(err).toBeInstanceOf(EtlError);
      expect(err.message).toContain(`replica ${describeEndpoint(roEndpoint)} has not applied GTID ${pos.gtid} after 3s`);
      expect(err.message).toContain("Slave_SQL_Running: No");
      expect(err.message).toContain("SHOW SLAVE STATUS");
      expect(seconds).toBeGreaterThanOrEqual(2.9);
      expect(seconds).toBeLessThan(5);
      expect(events.length).toBeGreaterThanOrEqual(1);
      expect(events[0]).toMatchObject({ replica: describeEndpoint(roEndpoint), target: pos.gtid });
      expect(events[0].reason).toContain(`has not applied ${pos.gtid}`);
      // The log-tick event carries the replica's position (the GTID before ours).
      expect(events.some((e) => /it is at \d+-\d+-\d+/.test(e.reason))).toBe(true);
      expect(await onReplica(id)).toBeUndefined();

      // Waiting again, and the thread comes back while we wait: resolves.
      const again = set.waitFor(pos);
      await Bun.sleep(300);
      await replicaRoot.execute("START SLAVE SQL_THREAD");
      const { waitedMs } = await again;
      expect(waitedMs).toBeGreaterThanOrEqual(250);
      expect(await onReplica(id)).toBe("held back");
    } finally {
      await set.close();
    }
  });

  test("a killed replica connection is reconnected, and the wait goes on", async () => {
    const set = await openReplicaSet([roEndpoint], { timeoutS: 20, maxLagS: 1, logEveryS: 10 });
    try {
      await replicaRoot.execute("STOP SLAVE SQL_THREAD");
      await sqlThreadIs("No");
      const { id, result } = await writeRow("after reconnect");
      const events: ReplicaWaitEvent[] = [];
      const waiting = set.waitFor(await positionAfterWrite(primary, result), (e) => events.push(e));
      await Bun.sleep(300); // inside the first 2 s MASTER_GTID_WAIT slice
      const victims = await replicaRoot.query<{ id: number }>(
        "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = 'ro' AND INFO LIKE 'SELECT MASTER_GTID_WAIT%'",
      );
      expect(victims).toHaveLength(1);
      await replicaRoot.execute(`KILL CONNECTION ${Number(victims[0].id)}`);
      await Bun.sleep(300);
      await replicaRoot.execute("START SLAVE SQL_THREAD");
      await waiting;
      expect(events[0].reason).toStartWith("cannot read the replica (");
      expect(await onReplica(id)).toBe("after reconnect");
    } finally {
      await set.close();
    }
  });
});

describe("waitFor by lag (no GTID position, or lagOnly)", () => {
  test("a healthy replica passes; a stopped SQL thread (NULL lag) waits, then fails naming the replica", async () => {
    const set = await openReplicaSet([roEndpoint], { timeoutS: 2, maxLagS: 1, logEveryS: 10, lagOnly: true });
    try {
      const { result } = await writeRow("lag ok");
      const ok = await set.waitFor(await positionAfterWrite(primary, result));
      expect(ok.waitedMs).toBeLessThan(1000);
      // No GTID at all takes the same path.
      expect((await set.waitFor({})).waitedMs).toBeLessThan(1000);

      await replicaRoot.execute("STOP SLAVE SQL_THREAD");
      await sqlThreadIs("No");
      const events: ReplicaWaitEvent[] = [];
      const start = performance.now();
      const err = await set.waitFor({}, (e) => events.push(e)).catch((e) => e);
      const seconds = (performance.now() - start) / 1000;
      expect(err).toBeInstanceOf(EtlError);
      expect(err.message).toContain(`replica ${describeEndpoint(roEndpoint)} is still behind after 2s`);
      expect(err.message).toContain("SQL thread not running (No");
      expect(seconds).toBeGreaterThanOrEqual(1.9);
      expect(seconds).toBeLessThan(4);
      expect(events[0].reason).toStartWith("lag unknown: SQL thread not running");

      const again = set.waitFor({});
      await Bun.sleep(300);
      await replicaRoot.execute("START SLAVE SQL_THREAD");
      expect((await again).waitedMs).toBeGreaterThanOrEqual(250);
    } finally {
      await set.close();
    }
  });
});

describe("opening a replica set", () => {
  test("an unreachable replica fails at open with its address", async () => {
    const { replica } = servers();
    const wrongPort = parseDsn(`mysql://ro@127.0.0.1:${replica.port === 1 ? 2 : 1}/`, "test");
    const err = await openReplicaSet([roEndpoint, wrongPort], { timeoutS: 1, maxLagS: 1, logEveryS: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(EtlError);
    expect(err.message).toContain(describeEndpoint(wrongPort));
  });

  test("an account with SLAVE MONITOR only, its DSN naming the warehouse database, is waited for", async () => {
    // The DSN's database was used to connect, so this least-privilege account (all a replica
    // wait reads is replication status) was refused: "may not use database …".
    const { replica } = servers();
    const root = await connect(servers().primary);
    try {
      await root.execute("CREATE USER IF NOT EXISTS 'repl_mon'@'%'");
      await root.execute("GRANT SLAVE MONITOR ON *.* TO 'repl_mon'@'%'");
    } finally {
      await root.close();
    }
    try {
      await waitForReplica();
      const set = await openReplicaSet([parseDsn(dsn(replica, database, "repl_mon"), "test")], { timeoutS: 10, maxLagS: 1, logEveryS: 10 });
      try {
        const { id, result } = await writeRow("least");
        await set.waitFor(await positionAfterWrite(primary, result));
        expect(await onReplica(id)).toBe("least");
      } finally {
        await set.close();
      }
    } finally {
      const cleanup = await connect(servers().primary);
      await cleanup.execute("DROP USER IF EXISTS 'repl_mon'@'%'").finally(() => cleanup.close());
    }
  });

  test("an empty set resolves at once", async () => {
    const set = await openReplicaSet([], { timeoutS: 1, maxLagS: 1, logEveryS: 1 });
    expect(set.size).toBe(0);
    expect(await set.waitFor({ gtid: "0-1-999999" })).toEqual({ waitedMs: 0 });
    await set.close();
  });
});
