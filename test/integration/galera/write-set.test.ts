// Write-set limits on the real cluster: with wsrep_max_ws_rows set small on every node, a
// transaction over it is refused by the cluster, and an etl asked for huge batches still
// succeeds (batches cut to the limit, said at INFO), its rerun (REPLACE over existing rows,
// the sweep) too, and every node holds the same rows. aggregate over the same limit: a day whose
// rows do not fit in one transaction is replaced in slices, equal to the oracle on every node.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { quoteIdent } from "../../../src/engine/ident.ts";
import { AGGREGATE_TABLES, AGGREGATE_TABLE_NAMES, placeholderCount } from "../../../src/stages/aggregate-tables.ts";
import { galeraCluster, tableChecksums, type GaleraCluster } from "../../support/galera.ts";
import { expectSameOnEveryNode, onNode } from "../../support/galera-warehouse.ts";
import { aggregateLine, expectedAggregatesIn } from "../../support/expected-aggregates.ts";
import { connect, dsn, freshDatabase, ok, runCli, servers } from "../../support/servers.ts";

const D1 = "2026-11-19";
const MAX_WS_ROWS = 100;
let cluster: GaleraCluster;
let source: string;

async function onEveryNode(sql: string): Promise<void> {
  for (const n of cluster.nodes) {
    const db = await connect(n);
    try {
      await db.execute(sql);
    } finally {
      await db.close();
    }
  }
}

beforeAll(async () => {
  const [c] = await Promise.all([galeraCluster(), (async () => {
    source = await freshDatabase("wssrc");
    ok("generate", await runCli(["generate", "--source", dsn(servers().primary, source), "--servers", "600", "--seed", "7", "--end-date", D1], { timeoutMs: 120_000 }));
  })()]);
  cluster = c;
  await onEveryNode(`SET GLOBAL wsrep_max_ws_rows = ${MAX_WS_ROWS}`);
}, 180_000);

afterAll(async () => {
  if (cluster) await onEveryNode("SET GLOBAL wsrep_max_ws_rows = 0");
});

describe("write-set limits", () => {
  test(`wsrep_max_ws_rows ${MAX_WS_ROWS}: the cluster refuses a bigger transaction, and etl --batch-size 5000 still loads the day`, async () => {
    const dw = `ws_${process.pid}`;
    const n1 = cluster.nodes[0]!;
    const db = await connect(n1);
    try {
      await db.execute(`CREATE DATABASE \`${dw}\``);
      // The limit is real: one transaction of 2 × MAX_WS_ROWS rows fails.
      await db.execute(`CREATE TABLE \`${dw}\`.probe (id INT PRIMARY KEY)`);
      const values = Array.from({ length: 2 * MAX_WS_ROWS }, (_, i) => `(${i})`).join(",");
      const refused = await db.execute(`INSERT INTO \`${dw}\`.probe VALUES ${values}`).catch((e) => e);
      expect(refused).toBeInstanceOf(Error);
    } finally {
      await db.close();
    }
    ok("init", await runCli(["init", "--target", dsn(n1, dw)]));
    const args = ["etl", "--source", dsn(servers().primary, source), "--target", dsn(n1, dw), "--report-date", D1, "--batch-size", "5000", "--verbose", "INFO"];
    const r = ok("etl", await runCli(args));
    expect(r.stderr).toContain(`wsrep_max_ws_rows ${MAX_WS_ROWS}`);
    expect(r.stderr).toContain(`at most ${MAX_WS_ROWS / 2} rows`);
    // The rerun replaces every row (a delete and an insert each in the write-set) and sweeps.
    ok("etl rerun", await runCli(args));
    const sums = await Promise.all(cluster.nodes.map((n) => tableChecksums(n, dw, ["server_facts", "server_fact_roles"])));
    expect(sums[0]!.server_facts).toStartWith("600 rows");
    expect(sums[1]).toEqual(sums[0]!);
    expect(sums[2]).toEqual(sums[0]!);
  }, 180_000);

  test(`wsrep_max_ws_rows ${MAX_WS_ROWS}: aggregate of a day whose rows do not fit in one transaction succeeds in slices, equal to the oracle on every node`, async () => {
    const dw = `ws_${process.pid}`; // loaded by the test above
    const n1 = cluster.nodes[0]!;
    const aggregate = () => runCli(["aggregate", "--target", dsn(n1, dw), "--date", D1, "--verbose", "DEBUG"]);
    const first = ok("aggregate", await aggregate());
    const rows = await onNode(n1, dw, async (db) => {
      const out: Record<string, number> = {};
      for (const t of AGGREGATE_TABLE_NAMES) out[t] = Number((await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quoteIdent(t)}`))[0]!.n);
      return out;
    });
    // The biggest table's day (server_by_vendor_model: 147 groups of this fleet) is over the limit even
    // when built from nothing, so the first aggregate cut it already.
    const big = "server_by_vendor_model";
    const n = rows[big]!;
    expect(Math.max(...Object.values(rows))).toBe(n);
    expect(n).toBeGreaterThan(MAX_WS_ROWS);
    expect(first.stderr).toContain(`${big} ${D1}: 0 rows there and ${n} new exceed`);
    const insert = AGGREGATE_TABLES.find((t) => t.table === big)!.insert;
    const refused = await onNode(n1, dw, async (db) => {
      await db.execute("BEGIN");
      try {
        await db.execute(`DELETE FROM ${quoteIdent(big)} WHERE report_date = ?`, [D1]);
        await db.execute(insert, Array(placeholderCount(insert)).fill(D1));
        await db.execute("COMMIT");
        return undefined;
      } catch (err) {
        await db.execute("ROLLBACK").catch(() => {});
        return err as Error;
      }
    });
    expect(refused?.message).toContain("wsrep_max_ws_rows exceeded");
    // A group the facts do not have: the slice that holds its key deletes it.
    await onNode(n1, dw, (db) =>
      db.execute("INSERT INTO server_by_vendor_model (report_date, manufacturer, model, asset_type, status, servers) VALUES (?, 'Stray', 'stray', 'server', 'in_use', 9)", [D1]),
    );
    // Replaced whole (its old rows deleted, as many inserted) the cluster refuses it; aggregate replaced it anyway, in slices (the first table so cut said at INFO, the others at DEBUG).
    const again = ok("aggregate again", await aggregate());
    expect(again.stderr).toMatch(new RegExp(`${big} ${D1}: ${n + 1} rows there and ${n} new exceed .* \\(${MAX_WS_ROWS} rows\\); replaced in \\d+ slices by key`));
    expect(again.stderr.match(/\[info\] \[aggregate\] .* replaced in \d+ slices by key/g)).toHaveLength(1);
    await expectSameOnEveryNode(cluster, dw, AGGREGATE_TABLE_NAMES);
    const want = await onNode(n1, dw, (db) => expectedAggregatesIn(db, [D1]));
    expect(want[big]!.length).toBe(n);
    for (const node of cluster.nodes) {
      const got = await onNode(node, dw, async (db) => {
        const out: Record<string, string[]> = {};
        for (const t of AGGREGATE_TABLE_NAMES) out[t] = (await db.query(`SELECT * FROM ${quoteIdent(t)}`)).map((r) => aggregateLine(t, r)).sort();
        return out;
      });
      expect({ node: node.name, got }).toEqual({ node: node.name, got: want });
    }
  }, 180_000);
});
