// The run lock on a Galera cluster: GET_LOCK alone is node-local there (shown first), so the
// lock is taken on every node; a run through node 2 is turned away (exit 75) while a run holds
// the lock through node 1, and goes ahead once it is released; two runs started at once through
// two nodes: at most one writes; the lock's node killed, a DSN listing a second node keeps the
// lock held on the others (still excluding runs through them), and a DSN of one host stops.
import { beforeAll, describe, expect, test } from "bun:test";
import { lockWarehouse } from "../../../src/engine/index.ts";
import { runLockName } from "../../../src/engine/mysql/advisory-lock.ts";
import { parseDsn } from "../../../src/settings/dsn.ts";
import { galeraCluster, restartGaleraCluster, waitUntilSynced, type GaleraCluster, type GaleraNode } from "../../support/galera.ts";
import { connect, dsn, freshDatabase, ok, runCli, servers } from "../../support/servers.ts";

const D1 = "2026-11-19";
let cluster: GaleraCluster;
let source: string;
const dw = `glock_${process.pid}`;

beforeAll(async () => {
  const [c] = await Promise.all([galeraCluster(), (async () => {
    source = await freshDatabase("glsrc");
    ok("generate", await runCli(["generate", "--source", dsn(servers().primary, source), "--servers", "300", "--seed", "11", "--end-date", D1], { timeoutMs: 120_000 }));
  })()]);
  cluster = c;
  const db = await connect(cluster.nodes[0]!);
  await db.execute(`CREATE DATABASE \`${dw}\``);
  await db.close();
  ok("init", await runCli(["init", "--target", dsn(cluster.nodes[0]!, dw)]));
}, 180_000);

const etlThrough = (i: number) =>
  runCli(["etl", "--source", dsn(servers().primary, source), "--target", dsn(cluster.nodes[i]!, dw), "--report-date", D1]);

describe("the run lock on a Galera cluster", () => {
  test("the premise: a GET_LOCK held on node 1 is free on node 2", async () => {
    const [a, b] = [await connect(cluster.nodes[0]!), await connect(cluster.nodes[1]!)];
    try {
      const name = `premise_${process.pid}`;
      expect((await a.query<{ got: number }>("SELECT GET_LOCK(?, 0) AS got", [name]))[0]!.got).toBe(1);
      expect((await b.query<{ got: number }>("SELECT GET_LOCK(?, 0) AS got", [name]))[0]!.got).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("a run holding the lock through node 1 turns a run through node 2 away (75); released, node 2's run goes ahead", async () => {
    const lock = await lockWarehouse(parseDsn(dsn(cluster.nodes[0]!, dw), "test"), dw);
    try {
      // The lock is on every node, under the same name.
      for (const node of cluster.nodes) {
        const db = await connect(node);
        try {
          const [{ used }] = await db.query<{ used: number | null }>("SELECT IS_USED_LOCK(?) AS used", [runLockName(dw)]);
          expect(used).not.toBeNull();
        } finally {
          await db.close();
        }
      }
      const r = await etlThrough(1);
      expect(r.exitCode).toBe(75);
      expect(r.stderr).toContain("another serverdb-etl run holds the lock");
      // Refused on whichever node comes first in address order (node 2 itself already holds it).
      expect(r.stderr.trim().split("\n").filter((l) => l.startsWith("serverdb-etl: error:"))).toHaveLength(1);
    } finally {
      await lock.release();
    }
    ok("etl through node 2 after the release", await etlThrough(1));
  }, 120_000);

  test("a lock held on another node only: the run is refused there, naming the node, and leaves no lock behind", async () => {
    const other = cluster.nodes[2]!;
    const holder = await connect(other);
    try {
      expect((await holder.query<{ got: number }>("SELECT GET_LOCK(?, 0) AS got", [runLockName(dw)]))[0]!.got).toBe(1);
      const r = await etlThrough(0);
      expect(r.exitCode).toBe(75);
      expect(r.stderr).toContain(`(on Galera node 127.0.0.1:${other.port}: a run through another node of the cluster)`);
      for (const node of cluster.nodes.slice(0, 2)) {
        const db = await connect(node);
        try {
          expect((await db.query<{ used: number | null }>("SELECT IS_USED_LOCK(?) AS used", [runLockName(dw)]))[0]!.used).toBeNull();
        } finally {
          await db.close();
        }
      }
    } finally {
      await holder.close();
    }
  }, 120_000);

  test("two runs started at once through nodes 1 and 3: one loads, the other is turned away or runs after it", async () => {
    const [a, b] = await Promise.all([etlThrough(0), etlThrough(2)]);
    const codes = [a.exitCode, b.exitCode].sort();
    // Never both writing at once: at least one must have been refused, unless they did not overlap.
    expect(codes.every((c) => c === 0 || c === 75)).toBe(true);
    expect(codes).toContain(0);
    const db = await connect(cluster.nodes[0]!, dw);
    try {
      const runs = await db.query<{ status: string }>("SELECT status FROM etl_runs ORDER BY id");
      expect(runs.every((r) => r.status === "success")).toBe(true);
    } finally {
      await db.close();
    }
  }, 120_000);

  test("the node holding the run's lock killed, the DSN listing a second node: the lock stays held on the others, and a run through node 3 is still turned away", async () => {
    const [first, second, third] = cluster.nodes as [GaleraNode, GaleraNode, GaleraNode];
    let lostReason: string | undefined;
    const lock = await lockWarehouse(parseDsn(`mysql://root@127.0.0.1:${first.port},127.0.0.1:${second.port}/${dw}`, "test"), dw, (err) => (lostReason = err.message));
    try {
      process.kill(first.pid, "SIGKILL");
      // The lock watch hears of the closed connection at once and moves to a node still held;
      // long enough after that for the cluster to evict the dead node (~6 s).
      await waitUntilSynced([second.port, third.port], 2);
      expect(lostReason).toBeUndefined();
      const r = await etlThrough(2);
      expect(r.exitCode).toBe(75);
      expect(r.stderr).toContain("another serverdb-etl run holds the lock");
    } finally {
      await lock.release();
    }
    expect(lostReason).toBeUndefined();
    ok("etl through node 3 after the release", await etlThrough(2));
    cluster = await restartGaleraCluster();
  }, 120_000);

  test("a DSN listing one host: the lock's node killed stops the run (no node to go on through)", async () => {
    const [first] = cluster.nodes as [GaleraNode];
    const db = await connect(first);
    await db.execute(`CREATE DATABASE IF NOT EXISTS \`${dw}\``);
    await db.close();
    let lostReason: string | undefined;
    const lock = await lockWarehouse(parseDsn(dsn(first, dw), "test"), dw, (err) => (lostReason = err.message));
    try {
      process.kill(first.pid, "SIGKILL");
      for (let i = 0; i < 100 && !lostReason; i++) await Bun.sleep(50);
      expect(lostReason).toContain(`lost the warehouse run lock ${runLockName(dw)} on mysql://root@127.0.0.1:${first.port}/${dw}`);
    } finally {
      await lock.release();
    }
    cluster = await restartGaleraCluster();
  }, 120_000);
});
