// etl into node 1 of the real three-node Galera cluster (the source stays on the async test
// bed's primary): when it returns every node holds the same rows (count and checksum per
// table), the day matches the independent oracle on every node, the other nodes were found
// from wsrep_incoming_addresses, and a node frozen with SIGSTOP past --replica-timeout fails
// the run within the timeout plus a few seconds, naming the node; the cluster recovers after SIGCONT.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { galeraCluster, restartGaleraCluster, tableChecksums, waitUntilSynced, type GaleraCluster, type GaleraNode } from "../../support/galera.ts";
import { expectSameOnEveryNode, freshClusterWarehouse, onNode } from "../../support/galera-warehouse.ts";
import { connect, dsn, freshDatabase, ok, runCli, servers, type CliResult } from "../../support/servers.ts";
import { expectedFacts, firstDifference, readWarehouseDay, type Expected } from "../../support/expected-facts.ts";

const D1 = "2026-11-19";
const FLEET = 1200;
const SEED = 20261203;
const TABLES = ["server_facts", "server_fact_roles", "etl_runs"];

let cluster: GaleraCluster;
let source: string;
let expected: Expected;

beforeAll(async () => {
  const [c] = await Promise.all([galeraCluster(), (async () => {
    source = await freshDatabase("gsrc");
    ok("generate", await runCli(["generate", "--source", dsn(servers().primary, source), "--servers", String(FLEET), "--seed", String(SEED), "--end-date", D1], { timeoutMs: 120_000 }));
  })()]);
  cluster = c;
  const db = await connect(servers().primary, source);
  try {
    expected = await expectedFacts(db);
  } finally {
    await db.close();
  }
}, 180_000);

afterAll(async () => {
  // Whatever a test did: no node left frozen for the next file.
  for (const n of cluster?.nodes ?? []) try { process.kill(n.pid, "SIGCONT"); } catch {}
});

function etl(dw: string, extra: string[] = [], timeoutMs = 120_000, target = dsn(cluster.nodes[0]!, dw)): Promise<CliResult> {
  return runCli(["etl", "--source", dsn(servers().primary, source), "--target", target, "--report-date", D1, ...extra], { timeoutMs });
}

/** Every one of `nodes` holds the same rows (checksums), and the day equal to the oracle. */
async function expectTheDayOn(nodes: readonly GaleraNode[], dw: string): Promise<void> {
  const sums = await expectSameOnEveryNode(cluster, dw, TABLES, nodes);
  expect(sums.server_facts).toStartWith(`${expected.facts.length} rows`);
  for (const node of nodes) {
    const day = await onNode(node, dw, (db) => readWarehouseDay(db, D1));
    expect(firstDifference("server_facts", day.facts, expected.facts)).toBeUndefined();
    expect(firstDifference("server_fact_roles", day.roles, expected.roles)).toBeUndefined();
  }
}

/** A target DSN listing several nodes (the writer fails over along it), e.g. mysql://root@127.0.0.1:P1,127.0.0.1:P2/dw. */
function multiHostDsn(nodes: readonly GaleraNode[], dw: string): string {
  return `mysql://root@${nodes.map((n) => `127.0.0.1:${n.port}`).join(",")}/${dw}`;
}

/**
 * etl with small batches (many waits) and --replica-timeout 3; `node` gets `signal` as soon as the
 * first rows are in (watched through `watchNode`). A stopped node is continued once the run ended.
 * Returns the run's result and when the signal was sent (performance.now(); 0 if never).
 */
async function signalMidLoad(dw: string, node: GaleraNode, signal: "SIGSTOP" | "SIGKILL", watchNode: GaleraNode, target?: string): Promise<{ r: CliResult; at: number }> {
  const watch = await connect(watchNode, dw);
  let at = 0;
  try {
    const running = etl(dw, ["--replica-timeout", "3", "--batch-size", "5", "--verbose", "INFO"], 90_000, target);
    for (let i = 0; i < 1000 && !at; i++) {
      const [{ n }] = await watch.query<{ n: number }>("SELECT COUNT(*) AS n FROM server_facts");
      if (Number(n) > 0) {
        process.kill(node.pid, signal);
        at = performance.now();
      } else await Bun.sleep(10);
    }
    return { r: await running, at };
  } finally {
    if (signal === "SIGSTOP") process.kill(node.pid, "SIGCONT");
    await watch.close();
  }
}

describe("etl into a Galera cluster", () => {
  test("nodes found from wsrep_incoming_addresses; when etl returns every node has the same rows, equal to the oracle", async () => {
    const dw = await freshClusterWarehouse(cluster);
    const started = performance.now();
    const r = ok("etl", await etl(dw, ["--batch-size", "200", "--verbose", "INFO"]));
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`galera etl: ${FLEET} servers, --batch-size 200, into node 1 waiting on 2 nodes: ${seconds.toFixed(2)} s\n`);
    const others = cluster.nodes.slice(1).map((n) => `127.0.0.1:${n.port}`);
    expect(r.stderr).toContain("is a Galera node: waiting after every batch on the 2 other nodes of its wsrep_incoming_addresses");
    for (const a of others) expect(r.stderr).toContain(a);
    await expectTheDayOn(cluster.nodes, dw);
  }, 180_000);

  test("--replica names the nodes instead (as the ro user): the same result, nothing discovered", async () => {
    const dw = await freshClusterWarehouse(cluster);
    const [, n2, n3] = cluster.nodes;
    const r = ok("etl", await etl(dw, ["--replica", dsn(n2!, dw, "ro"), "--replica", dsn(n3!, dw, "ro"), "--verbose", "INFO"]));
    expect(r.stderr).not.toContain("wsrep_incoming_addresses");
    await expectSameOnEveryNode(cluster, dw, TABLES);
  }, 180_000);

  test("a node frozen (SIGSTOP) mid-run past --replica-timeout: the run fails with one line naming it; the two other nodes stay in step", async () => {
    const dw = await freshClusterWarehouse(cluster);
    const frozen = cluster.nodes[2]!;
    // The first rows are in once the node waits have begun: freeze the node then.
    const { r, at: frozenAt } = await signalMidLoad(dw, frozen, "SIGSTOP", cluster.nodes[0]!);
    expect(frozenAt).toBeGreaterThan(0);
    const seconds = (performance.now() - frozenAt) / 1000;
    process.stderr.write(`galera etl, node 3 frozen mid-run, --replica-timeout 3: exit ${r.exitCode} ${seconds.toFixed(2)} s after the freeze\n`);
    if (process.env.GALERA_DEBUG) process.stderr.write(r.stderr);
    expect(r.exitCode).not.toBe(0);
    const errors = r.stderr.trim().split("\n").filter((l) => l.startsWith("serverdb-etl: error:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`Galera node mysql://root@127.0.0.1:${frozen.port}/`);
    // Never hangs: the writer's commit waits for the eviction (~6 s), then the wait fails after
    // its look (slice + 3 s); measured 6.5-14.4 s. A generous bound: the machine is shared.
    expect(seconds).toBeLessThan(40);

    // The frozen node answers again, but was evicted after evs.suspect_timeout and cannot
    // rejoin here without a real state transfer (sst skip): the two others went on, in step.
    // The cluster is rebuilt for the next test; the failed run's rows are on nodes 1 and 2 alike.
    const [s1, s2] = await Promise.all(cluster.nodes.slice(0, 2).map((n) => tableChecksums(n, dw, TABLES)));
    expect(s2).toEqual(s1!);
    cluster = await restartGaleraCluster();
  }, 180_000);

  test("a node frozen before the run: the run fails at its start (the lock connects with 5 s), naming the node", async () => {
    const dw = await freshClusterWarehouse(cluster);
    const frozen = cluster.nodes[2]!;
    process.kill(frozen.pid, "SIGSTOP");
    let r: CliResult;
    const started = performance.now();
    try {
      r = await etl(dw, ["--replica-timeout", "3"], 90_000);
    } finally {
      process.kill(frozen.pid, "SIGCONT");
    }
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`galera etl, node 3 frozen before the run, --replica-timeout 3: exit ${r.exitCode} after ${seconds.toFixed(2)} s\n`);
    expect(r.exitCode).not.toBe(0);
    const errors = r.stderr.trim().split("\n").filter((l) => l.startsWith("serverdb-etl: error:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`cannot take the run lock on Galera node 127.0.0.1:${frozen.port}, which the target's cluster lists`);
    // Includes the CLI's start under load, while the node is already frozen.
    expect(seconds).toBeLessThan(30);
    // Frozen for longer than evs.suspect_timeout (5 s: a slow CLI start is enough), the node was
    // evicted and cannot rejoin here (see restartGaleraCluster); nothing was written meanwhile.
    cluster = await restartGaleraCluster();
  }, 180_000);

  test("a node killed (SIGKILL) mid-load: the run fails within --replica-timeout naming it; the two others hold the same rows, and a rerun on them is exact", async () => {
    const dw = await freshClusterWarehouse(cluster);
    const killed = cluster.nodes[2]!;
    const survivors = cluster.nodes.slice(0, 2);
    const { r, at: killedAt } = await signalMidLoad(dw, killed, "SIGKILL", cluster.nodes[0]!);
    expect(killedAt).toBeGreaterThan(0);
    const seconds = (performance.now() - killedAt) / 1000;
    process.stderr.write(`galera etl, node 3 killed mid-run, --replica-timeout 3: exit ${r.exitCode} ${seconds.toFixed(2)} s after the kill\n`);
    if (process.env.GALERA_DEBUG) process.stderr.write(r.stderr);
    expect(r.exitCode).not.toBe(0);
    const errors = r.stderr.trim().split("\n").filter((l) => l.startsWith("serverdb-etl: error:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`Galera node mysql://root@127.0.0.1:${killed.port}/`);
    expect(seconds).toBeLessThan(30);
    // The failed run's rows are on both other nodes alike; its etl_runs row says it failed.
    await expectSameOnEveryNode(cluster, dw, TABLES, survivors);
    const [run] = await onNode(survivors[0]!, dw, (db) => db.query<{ status: string }>("SELECT status FROM etl_runs ORDER BY id DESC LIMIT 1"));
    expect(run!.status).toBe("failed");

    // The cluster evicted the dead node: the rerun finds one other node and replaces the day exactly.
    const rerun = ok("etl rerun", await etl(dw, ["--replica-timeout", "3", "--verbose", "INFO"]));
    expect(rerun.stderr).toContain(`waiting after every batch on the 1 other node of its wsrep_incoming_addresses: mysql://root@127.0.0.1:${survivors[1]!.port}/`);
    expect(rerun.stderr).not.toContain(`127.0.0.1:${killed.port}`);
    await expectTheDayOn(survivors, dw);
    // A killed node is gone for good here (wsrep_sst_method=skip): a new cluster for what follows.
    cluster = await restartGaleraCluster();
  }, 180_000);

  test("the writer node killed (SIGKILL) mid-load: the run fails cleanly with one line (the DSN names one host: no failover); a rerun through another node is exact", async () => {
    const dw = await freshClusterWarehouse(cluster);
    const writer = cluster.nodes[0]!;
    const others = cluster.nodes.slice(1);
    const { r, at: killedAt } = await signalMidLoad(dw, writer, "SIGKILL", others[0]!);
    expect(killedAt).toBeGreaterThan(0);
    const seconds = (performance.now() - killedAt) / 1000;
    process.stderr.write(`galera etl, the writer node killed mid-run: exit ${r.exitCode} ${seconds.toFixed(2)} s after the kill\n`);
    if (process.env.GALERA_DEBUG) process.stderr.write(r.stderr);
    expect(r.exitCode).not.toBe(0);
    const errors = r.stderr.trim().split("\n").filter((l) => l.startsWith("serverdb-etl: error:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`127.0.0.1:${writer.port}`);
    expect(seconds).toBeLessThan(40);
    // What was committed before the kill is on both other nodes alike.
    await expectSameOnEveryNode(cluster, dw, TABLES, others);

    // Until the cluster evicts the dead node, a rerun's lock cannot reach it; then the rerun through
    // node 2 (its cluster now nodes 2 and 3) replaces the day exactly.
    await waitUntilSynced(others.map((n) => n.port), 2);
    process.stderr.write(`galera: the killed writer evicted ${((performance.now() - killedAt) / 1000).toFixed(2)} s after the kill\n`);
    const rerun = ok("etl rerun through node 2", await runCli(["etl", "--source", dsn(servers().primary, source), "--target", dsn(others[0]!, dw), "--report-date", D1, "--verbose", "INFO"]));
    expect(rerun.stderr).toContain(`waiting after every batch on the 1 other node of its wsrep_incoming_addresses: mysql://root@127.0.0.1:${others[1]!.port}/`);
    await expectTheDayOn(others, dw);
    cluster = await restartGaleraCluster();
  }, 180_000);

  test("the writer node killed (SIGKILL) mid-load, the DSN listing a second node: the writer and the run lock move to it, the run succeeds, and the day is exact on both survivors", async () => {
    const dw = await freshClusterWarehouse(cluster);
    const [writer, next, last] = cluster.nodes as [GaleraNode, GaleraNode, GaleraNode];
    const { r, at: killedAt } = await signalMidLoad(dw, writer, "SIGKILL", next, multiHostDsn([writer, next], dw));
    expect(killedAt).toBeGreaterThan(0);
    const seconds = (performance.now() - killedAt) / 1000;
    process.stderr.write(`galera etl, the writer node killed mid-run, a second node in the DSN: exit ${r.exitCode} ${seconds.toFixed(2)} s after the kill\n`);
    if (process.env.GALERA_DEBUG || r.exitCode !== 0) process.stderr.write(r.stderr);
    ok("etl with failover", r);
    expect(r.stderr).toContain(`the warehouse writer moved from Galera node 127.0.0.1:${writer.port} to 127.0.0.1:${next.port} of the same cluster`);
    // The lock moves to one of the nodes it was also taken on at the start (in address order).
    expect(r.stderr).toMatch(new RegExp(`the run goes on holding it on Galera node 127\\.0\\.0\\.1:(${next.port}|${last.port}), which every other run must take too`));
    const survivors = [next, last];
    await expectTheDayOn(survivors, dw);
    const [run] = await onNode(next, dw, (db) => db.query<{ status: string }>("SELECT status FROM etl_runs ORDER BY id DESC LIMIT 1"));
    expect(run!.status).toBe("success");

    // The dead first host is passed over at the start of the next run, which writes through the second.
    const again = ok("etl, the DSN's first host down", await etl(dw, ["--verbose", "INFO"], 120_000, multiHostDsn([writer, next], dw)));
    expect(again.stderr).toContain(`writing through Galera node 127.0.0.1:${next.port}; passed over: 127.0.0.1:${writer.port}`);
    cluster = await restartGaleraCluster();
  }, 180_000);

  test("a host list whose first host is not a Galera node is refused in one line, before anything is written", async () => {
    const pair = servers();
    const dw = await freshDatabase("gfail");
    const r = await runCli(["init", "--target", `mysql://root@127.0.0.1:${pair.primary.port},127.0.0.1:${cluster.nodes[1]!.port}/${dw}`]);
    expect(r.exitCode).toBe(2);
    const errors = r.stderr.trim().split("\n").filter((l) => l.startsWith("serverdb-etl: error:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`mysql://root@127.0.0.1:${pair.primary.port}/${dw} is not a Galera node, and the target's DSN lists several hosts`);
    const db = await connect(pair.primary);
    try {
      expect(await db.query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", [dw])).toHaveLength(0);
    } finally {
      await db.close();
    }
  }, 60_000);
});
