// Warehouses on the Galera test bed's cluster, for the Galera suites: a fresh one (created on
// node 1 and so on every node, with init's tables), and the check that every node holds the
// same rows at the moment a command returned (count and CHECKSUM TABLE per table, no wait of ours).
import { expect } from "bun:test";
import type { MysqlDb } from "../../src/engine/mysql/mysql-db.ts";
import { quoteIdent } from "../../src/engine/ident.ts";
import { tableChecksums, type GaleraCluster, type GaleraNode } from "./galera.ts";
import { connect, dsn, ok, runCli } from "./servers.ts";

let counter = 0;

/** A new warehouse database on the cluster, initialized through node 1. */
export async function freshClusterWarehouse(cluster: GaleraCluster, prefix = "gdw"): Promise<string> {
  const name = `${prefix}_${process.pid}_${++counter}`;
  const db = await connect(cluster.nodes[0]!);
  try {
    await db.execute(`CREATE DATABASE ${quoteIdent(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
  } finally {
    await db.close();
  }
  ok("init", await runCli(["init", "--target", dsn(cluster.nodes[0]!, name)]));
  return name;
}

/** `fn` on a root connection to `dw` on one node, closed after. */
export async function onNode<T>(node: GaleraNode, dw: string, fn: (db: MysqlDb) => Promise<T>): Promise<T> {
  const db = await connect(node, dw);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * Wait until every node has applied what the cluster committed so far (a read with
 * wsrep_sync_wait): for a fixture written through one node by the test itself, before checks
 * that read each node as it is. Never used after a command under test: its own waits are checked.
 */
export async function caughtUp(cluster: GaleraCluster, dw: string): Promise<void> {
  for (const node of cluster.nodes) {
    await onNode(node, dw, async (db) => {
      await db.execute("SET SESSION wsrep_sync_wait = 1");
      await db.query("SELECT COUNT(*) AS n FROM etl_runs");
    });
  }
}

/**
 * Every node (of `nodes`, all by default), read now: the same count and checksum per table.
 * Returns the first node's figures.
 */
export async function expectSameOnEveryNode(
  cluster: GaleraCluster,
  dw: string,
  tables: readonly string[],
  nodes: readonly GaleraNode[] = cluster.nodes,
): Promise<Record<string, string>> {
  const sums = await Promise.all(nodes.map((n) => tableChecksums(n, dw, tables)));
  for (const [i, s] of sums.entries()) expect({ node: nodes[i]!.name, sums: s }).toEqual({ node: nodes[i]!.name, sums: sums[0]! });
  return sums[0]!;
}
