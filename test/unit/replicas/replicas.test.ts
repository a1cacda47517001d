// Replica waits without a server: the decision table, GTID dialects, and — since no MySQL 8
// runs here — the SQL sent to a MySQL replica, recorded by a scripted fake Db. MariaDB paths
// are tested against the real test bed in test/integration/replicas/replication.test.ts.
import { describe, expect, test } from "bun:test";
import type { Db, ExecResult, Params, Row } from "../../../src/engine/db.ts";
import { EtlError } from "../../../src/errors.ts";
import { decideWait, flowControlReason, type FlowControl, type Measurement } from "../../../src/replicas/decide.ts";
import { compactGtid, detectProfile, gtidFlavor, measureGtid, measureLag, readPosition, speaks, type ReplicaProfile } from "../../../src/replicas/measure.ts";
import { createReplicaSet, positionAfterWrite, type ReplicaWaitEvent } from "../../../src/replicas/replica-set.ts";

const UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

/** A write result as the driver would give it (fields other than affectedRows/gtid zeroed). */
const writeResult = (r: Partial<ExecResult>) => ({ affectedRows: 0, insertId: 0, ...r }) as ExecResult;

/** A Db that records every statement and answers from a script (no server involved). */
class RecordingDb implements Db {
  readonly engine = "mysql" as const;
  readonly calls: { sql: string; params?: Params }[] = [];
  closed = false;
  constructor(
    readonly label: string,
    gtid: "mariadb" | "mysql" | "none",
    private answer: (sql: string, params: Params | undefined, call: number) => Promise<Row[]> | Row[],
  ) {
    this.caps = { gtid } as Db["caps"];
  }
  readonly caps: Db["caps"];
  async query<T = Row>(sql: string, params?: Params): Promise<T[]> {
    this.calls.push({ sql, params });
    return (await this.answer(sql, params, this.calls.length)) as T[];
  }
  async execute(sql: string, params?: Params): Promise<ExecResult> {
    this.calls.push({ sql, params });
    return writeResult({});
  }
  async *stream<T = Row>(): AsyncIterable<T> {
    throw new Error("not used");
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A MySQL 8 replica: WAIT_FOR_EXECUTED_GTID_SET sleeps its slice and answers 1 (timeout) until `reachAfter` calls. */
function mysql8Replica(opts: { version?: string; gtidMode?: string; reachAfterWaits?: number; label?: string }) {
  let waits = 0;
  return new RecordingDb(opts.label ?? "mysql://ro@db8:3306/", "mysql", async (sql, params) => {
    if (sql.startsWith("SELECT @@GLOBAL.gtid_mode")) return [{ gtidMode: opts.gtidMode ?? "ON", version: opts.version ?? "8.0.36" }];
    if (sql.startsWith("SELECT WAIT_FOR_EXECUTED_GTID_SET")) {
      waits++;
      if (waits > (opts.reachAfterWaits ?? 0)) return [{ r: 0 }];
      await Bun.sleep(Number(params![1]) * 1000);
      return [{ r: 1 }];
    }
    if (sql === "SELECT @@GLOBAL.gtid_executed AS pos") return [{ pos: `${UUID}:1-40,\n${UUID.replace("3e", "4f")}:1-7` }];
    if (sql === "SHOW REPLICA STATUS" || sql === "SHOW SLAVE STATUS") {
      return [{ Replica_SQL_Running: "No", Replica_IO_Running: "Yes", Seconds_Behind_Source: null, Last_SQL_Error: "Duplicate entry" }];
    }
    throw new Error(`unexpected SQL: ${sql}`);
  });
}

describe("decideWait", () => {
  const lag = (lagS: number | null, extra: Partial<Extract<Measurement, { kind: "lag" }>> = {}): Measurement => ({
    kind: "lag",
    replicating: true,
    lagS,
    sqlRunning: "Yes",
    ioRunning: "Yes",
    ...extra,
  });
  const cases: [name: string, m: Measurement, maxLagS: number, wait: boolean, reason: RegExp][] = [
    ["GTID reached", { kind: "gtid", target: "0-1-9", outcome: "reached" }, 1, false, /applied 0-1-9/],
    ["GTID slice ran out", { kind: "gtid", target: "0-1-9", outcome: "timeout" }, 1, true, /not applied 0-1-9/],
    ["GTID wait NULL: keep waiting, say why", { kind: "gtid", target: "0-1-9", outcome: "null" }, 1, true, /returned NULL/],
    ["lag 0", lag(0), 1, false, /0s behind/],
    ["lag exactly maxLag goes (≤, not <)", lag(1), 1, false, /1s behind/],
    ["lag above maxLag", lag(2), 1, true, /2s behind \(waiting for ≤ 1s\)/],
    ["maxLag 0 and lag 0", lag(0), 0, false, /0s behind/],
    // A NULL lag is never "caught up": the SQL thread may be stopped with work queued.
    ["NULL lag, SQL thread stopped", lag(null, { sqlRunning: "No", lastSqlError: "Duplicate entry '1'" }), 1, true, /SQL thread not running \(No; last error: Duplicate entry '1'\)/],
    ["NULL lag, IO thread connecting", lag(null, { ioRunning: "Connecting" }), 1, true, /IO thread not running \(Connecting\)/],
    ["NULL lag, both threads said Yes", lag(null), 1, true, /Seconds_Behind_Master is NULL/],
    ["not a replica at all", { kind: "lag", replicating: false, lagS: null }, 1, true, /not replicating/],
    // The gh-ost rule: a failed read is a reason to wait, never to go ahead.
    ["read failed", { kind: "error", message: "Lost connection" }, 1, true, /cannot read the replica \(Lost connection\)/],
    ["read failed with a huge maxLag", { kind: "error", message: "ECONNREFUSED" }, 1e9, true, /ECONNREFUSED/],
  ];
  for (const [name, m, maxLagS, wait, reason] of cases) {
    test(name, () => {
      const d = decideWait(m, maxLagS);
      expect(d.wait).toBe(wait);
      expect(d.reason).toMatch(reason);
    });
  }
});

describe("flow control in a Galera node's waiting reason", () => {
  const fc = (f: Partial<FlowControl> = {}): FlowControl => ({ active: false, requested: false, pausedNs: 5e9, sent: 2, recvQueue: 0, ...f });
  const cases: [name: string, before: FlowControl | undefined, now: FlowControl, reason: string | undefined][] = [
    ["nothing paused, nothing asked: no word of it", fc(), fc(), undefined],
    ["first look, no figures before: the booleans alone", undefined, fc({ pausedNs: 9e9, sent: 7 }), undefined],
    ["paused now, asked by another node", fc(), fc({ active: true }), "flow control is pausing the cluster"],
    ["paused now, 1.5 s of it since the last look", fc(), fc({ active: true, pausedNs: 6.5e9 }), "flow control is pausing the cluster (1500 ms since the last look)"],
    [
      "paused now, and this node asked for it",
      fc(),
      fc({ active: true, requested: true, pausedNs: 5.25e9, sent: 3, recvQueue: 18 }),
      "flow control is pausing the cluster (250 ms since the last look); this node asked for it (receive queue 18, over its gcs.fc_limit)",
    ],
    // Between two looks: a pause that is over already still counts (wsrep_flow_control_paused_ns grew).
    ["a pause that ended between two looks", fc(), fc({ pausedNs: 5.04e9, sent: 4 }), "flow control paused the cluster for 40 ms since the last look; this node asked for it (receive queue 0, over its gcs.fc_limit)"],
    ["asking, the pause not in force yet", fc(), fc({ requested: true, recvQueue: 3 }), "flow control: this node is asking the cluster to pause (receive queue 3, over its gcs.fc_limit)"],
    // Before Galera 4 there are no booleans: the counters decide.
    ["no booleans (Galera 3): messages sent since the last look", fc({ active: undefined, requested: undefined }), { pausedNs: 5e9, sent: 3, recvQueue: 2 }, "flow control: this node is asking the cluster to pause (receive queue 2, over its gcs.fc_limit)"],
    ["counters reset by FLUSH STATUS: never a negative pause", fc(), fc({ pausedNs: 0, sent: 0 }), undefined],
  ];
  for (const [name, before, now, reason] of cases) test(name, () => expect(flowControlReason(before, now)).toBe(reason));

  test("decideWait adds it to a slice that ran out, and names it apart; a reached GTID never mentions it", () => {
    const flow = fc({ active: true, requested: true, recvQueue: 5 });
    const d = decideWait({ kind: "gtid", target: "0-1-9", outcome: "timeout", flow }, 1, fc());
    expect(d).toEqual({
      wait: true,
      reason: "has not applied 0-1-9 yet; flow control is pausing the cluster; this node asked for it (receive queue 5, over its gcs.fc_limit)",
      flow: "flow control is pausing the cluster; this node asked for it (receive queue 5, over its gcs.fc_limit)",
    });
    expect(decideWait({ kind: "gtid", target: "0-1-9", outcome: "timeout", flow: fc() }, 1, fc())).toEqual({ wait: true, reason: "has not applied 0-1-9 yet" });
    expect(decideWait({ kind: "gtid", target: "0-1-9", outcome: "reached", flow }, 1, fc())).toEqual({ wait: false, reason: "applied 0-1-9" });
  });
});

describe("gtidFlavor and compactGtid", () => {
  const cases: [gtid: string, flavor: string][] = [
    ["0-1-4711", "mariadb"],
    ["0-1-4711,1-2-5", "mariadb"], // several domains
    [`${UUID}:1-40`, "mysql"],
    [`${UUID}:7`, "mysql"],
    [`${UUID}:1-40,${UUID.replace("3e", "4f")}:1-7`, "mysql"],
    [`${UUID}:tag_1:5`, "mysql"], // MySQL 8.3 tagged GTIDs
    ["0-1", "unknown"],
    ["", "unknown"],
    ["mysql-bin.000003:1234", "unknown"], // a file/position is not a GTID
  ];
  for (const [gtid, flavor] of cases) test(`${JSON.stringify(gtid)} is ${flavor}`, () => expect(gtidFlavor(gtid)).toBe(flavor as never));
  test("compactGtid drops MySQL's newlines after commas", () => {
    expect(compactGtid(`${UUID}:1-40,\n${UUID}:50 `)).toBe(`${UUID}:1-40,${UUID}:50`);
  });
});

describe("MySQL 8 replica SQL (recorded; no MySQL 8 server is available here)", () => {
  test("profile: gtid_mode ON and ≥ 8.0.22 → GTID waits and SHOW REPLICA STATUS", async () => {
    expect(await detectProfile(mysql8Replica({}))).toEqual({ gtid: "mysql", statusSql: "SHOW REPLICA STATUS" });
    expect(await detectProfile(mysql8Replica({ version: "8.0.21" }))).toEqual({ gtid: "mysql", statusSql: "SHOW SLAVE STATUS" });
    expect(await detectProfile(mysql8Replica({ version: "8.4.3", gtidMode: "OFF_PERMISSIVE" }))).toEqual({ gtid: "none", statusSql: "SHOW REPLICA STATUS" });
  });

  test("a GTID wait is WAIT_FOR_EXECUTED_GTID_SET(?, ?) with the set and the slice as parameters", async () => {
    const db = mysql8Replica({});
    const profile = await detectProfile(db);
    const m = await measureGtid(db, profile, `${UUID}:1-41`, 1.5);
    expect(m).toEqual({ kind: "gtid", target: `${UUID}:1-41`, outcome: "reached" });
    expect(db.calls.at(-1)).toEqual({ sql: "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?) AS r", params: [`${UUID}:1-41`, 1.5] });
  });

  test("position is the executed set, on one line; lag reads Seconds_Behind_Source", async () => {
    const db = mysql8Replica({});
    const profile = await detectProfile(db);
    expect(await readPosition(db, profile)).toBe(`${UUID}:1-40,${UUID.replace("3e", "4f")}:1-7`);
    expect(await measureLag(db, profile)).toEqual({
      kind: "lag",
      replicating: true,
      lagS: null,
      sqlRunning: "No",
      ioRunning: "Yes",
      lastSqlError: "Duplicate entry",
      lastIoError: undefined,
    });
    expect(db.calls.map((c) => c.sql)).toContain("SHOW REPLICA STATUS");
  });

  test("waitFor slices the wait, tells onWait why, and resolves once the set is executed", async () => {
    const db = mysql8Replica({ reachAfterWaits: 2 });
    const set = await createReplicaSet([{ label: db.label, connect: async () => db }], { timeoutS: 10, maxLagS: 1, logEveryS: 0.2 });
    const events: ReplicaWaitEvent[] = [];
    const { waitedMs } = await set.waitFor({ gtid: `${UUID}:1-41` }, (e) => events.push(e));
    await set.close();
    const waits = db.calls.filter((c) => c.sql.startsWith("SELECT WAIT_FOR_EXECUTED_GTID_SET"));
    expect(waits).toHaveLength(3);
    // Slices are capped by logEveryS, so the log line comes on time.
    expect(waits.map((c) => c.params)).toEqual([
      [`${UUID}:1-41`, 0.2],
      [`${UUID}:1-41`, 0.2],
      [`${UUID}:1-41`, 0.2],
    ]);
    expect(waitedMs).toBeGreaterThanOrEqual(350);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events[0]).toMatchObject({ replica: db.label, target: `${UUID}:1-41` });
    expect(events[0].reason).toContain("has not applied");
    expect(db.closed).toBe(true);
  });

  test("at the deadline: an EtlError naming the replica, its executed set and the fix", async () => {
    const db = mysql8Replica({ reachAfterWaits: Infinity });
    const set = await createReplicaSet([{ label: db.label, connect: async () => db }], { timeoutS: 0.6, maxLagS: 1, logEveryS: 10 });
    const start = performance.now();
    const err = await set.waitFor({ gtid: `${UUID}:1-41` }).catch((e) => e);
    await set.close();
    expect(err).toBeInstanceOf(EtlError);
    expect(err.message).toContain(`replica ${db.label} has not applied GTID ${UUID}:1-41 after 0.6s`);
    expect(err.message).toContain(`${UUID}:1-40`); // where it is
    expect(err.message).toContain("Replica_SQL_Running: No");
    expect(err.message).toContain("Last_SQL_Error: Duplicate entry");
    expect(err.message).toContain("SHOW SLAVE STATUS");
    expect(performance.now() - start).toBeLessThan(2000);
  });

  test("gtid_mode OFF: the same write position is waited for by lag", async () => {
    let statusReads = 0;
    const db = new RecordingDb("mysql://ro@db57:3306/", "mysql", (sql) => {
      if (sql.startsWith("SELECT @@GLOBAL.gtid_mode")) return [{ gtidMode: "OFF", version: "8.0.36" }];
      if (sql === "SHOW REPLICA STATUS") {
        statusReads++;
        return [{ Replica_SQL_Running: "Yes", Replica_IO_Running: "Yes", Seconds_Behind_Source: statusReads < 3 ? 5 : 0 }];
      }
      throw new Error(`unexpected SQL: ${sql}`);
    });
    const set = await createReplicaSet([{ label: db.label, connect: async () => db }], { timeoutS: 5, maxLagS: 1, logEveryS: 10 });
    const events: ReplicaWaitEvent[] = [];
    await set.waitFor({ gtid: `${UUID}:1-41` }, (e) => events.push(e));
    await set.close();
    expect(statusReads).toBe(3);
    expect(db.calls.some((c) => c.sql.includes("WAIT_FOR_EXECUTED_GTID_SET"))).toBe(false);
    expect(events[0].reason).toBe("5s behind (waiting for ≤ 1s)");
  });
});

describe("lost connections: wait and reconnect, never go ahead", () => {
  test("a failed read reconnects and keeps waiting until the replica answers", async () => {
    let connects = 0;
    const dbs: RecordingDb[] = [];
    const connector = {
      label: "mysql://ro@flaky:3306/",
      async connect() {
        connects++;
        if (connects === 2) throw new Error("mysql://ro@flaky:3306/: connect ECONNREFUSED");
        const n = connects;
        const db = new RecordingDb("mysql://ro@flaky:3306/", "mariadb", (sql) => {
          // The first connection dies on its first wait; the third one works.
          if (n === 1 && sql.startsWith("SELECT MASTER_GTID_WAIT")) throw new Error("mysql://ro@flaky:3306/: Lost connection");
          if (sql.startsWith("SELECT MASTER_GTID_WAIT")) return [{ r: 0 }];
          throw new Error(`unexpected SQL: ${sql}`);
        });
        dbs.push(db);
        return db;
      },
    };
    const set = await createReplicaSet([connector], { timeoutS: 5, maxLagS: 1, logEveryS: 10 });
    const events: ReplicaWaitEvent[] = [];
    await set.waitFor({ gtid: "0-1-5" }, (e) => events.push(e));
    await set.close();
    expect(connects).toBe(3);
    expect(dbs[0].closed).toBe(true); // the broken connection was dropped
    expect(events[0].reason).toBe("cannot read the replica (Lost connection); reconnecting"); // label not repeated
  });

  test("a replica that never comes back fails at the deadline with the last error", async () => {
    let connects = 0;
    const connector = {
      label: "mysql://ro@gone:3306/",
      async connect() {
        if (++connects > 1) throw new Error("mysql://ro@gone:3306/: connect ECONNREFUSED");
        return new RecordingDb("mysql://ro@gone:3306/", "mariadb", () => {
          throw new Error("mysql://ro@gone:3306/: Lost connection");
        });
      },
    };
    const set = await createReplicaSet([connector], { timeoutS: 0.5, maxLagS: 1, logEveryS: 10 });
    const start = performance.now();
    const err = await set.waitFor({ gtid: "0-1-5" }).catch((e) => e);
    await set.close();
    expect(err).toBeInstanceOf(EtlError);
    expect(err.message).toMatch(/^replica mysql:\/\/ro@gone:3306\/ could not be read for 0.5s \(connect ECONNREFUSED\)/);
    expect(connects).toBeGreaterThan(2); // it kept trying
    expect(performance.now() - start).toBeLessThan(1500);
  });
});

describe("positionAfterWrite", () => {
  const never = () => {
    throw new Error("no query expected");
  };
  test("the tracked GTID of the write result costs no round trip", async () => {
    const db = new RecordingDb("x", "mariadb", never);
    expect(await positionAfterWrite(db, writeResult({ affectedRows: 3, gtid: "0-1-77" }))).toEqual({ gtid: "0-1-77" });
    expect(db.calls).toEqual([]);
  });
  test("MariaDB without a tracked GTID asks @@last_gtid", async () => {
    const db = new RecordingDb("x", "mariadb", () => [{ gtid: "0-1-78" }]);
    expect(await positionAfterWrite(db, writeResult({}))).toEqual({ gtid: "0-1-78" });
    expect(db.calls).toEqual([{ sql: "SELECT @@last_gtid AS gtid", params: undefined }]);
  });
  test("MySQL without a tracked GTID waits for the whole executed set, on one line", async () => {
    const db = new RecordingDb("x", "mysql", () => [{ gtid: `${UUID}:1-9,\n${UUID.replace("3e", "4f")}:1-2` }]);
    expect(await positionAfterWrite(db)).toEqual({ gtid: `${UUID}:1-9,${UUID.replace("3e", "4f")}:1-2` });
    expect(db.calls[0].sql).toBe("SELECT @@GLOBAL.gtid_executed AS gtid");
  });
  test("a session that wrote nothing (empty @@last_gtid) has no GTID position: waits fall back to lag", async () => {
    const db = new RecordingDb("x", "mariadb", () => [{ gtid: "" }]);
    expect(await positionAfterWrite(db)).toEqual({});
  });
  test("an engine without GTIDs asks nothing", async () => {
    const db = new RecordingDb("x", "none", never);
    expect(await positionAfterWrite(db, writeResult({ affectedRows: 1 }))).toEqual({});
    expect(db.calls).toEqual([]);
  });
});

describe("speaks: which GTIDs a replica's wait function can wait for", () => {
  const cases: Array<[ReplicaProfile["gtid"], string, boolean]> = [
    ["mariadb", "0-1-42", true],
    // A Galera node waits for MariaDB GTIDs with WSREP_SYNC_WAIT_UPTO_GTID.
    ["wsrep", "0-1-42", true],
    ["wsrep", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5", false],
    ["mysql", "0-1-42", false],
    ["none", "0-1-42", false],
  ];
  for (const [profile, gtid, want] of cases) {
    test(`${profile} / ${gtid}`, () => {
      expect(speaks({ gtid: profile, statusSql: "SHOW SLAVE STATUS" }, gtidFlavor(gtid))).toBe(want);
    });
  }
});
