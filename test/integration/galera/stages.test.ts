// backfill, aggregate and expire into node 1 of the real three-node Galera cluster (the source
// stays on the async test bed's primary), each checked against the independent oracle of its
// own suite (asof-oracle.ts, expected-aggregates.ts, retention-oracle.ts) on every node, and
// every node holds the same rows (count and checksum per table) the moment each command returns.
import { beforeAll, describe, expect, test } from "bun:test";
import { quoteIdent } from "../../../src/engine/ident.ts";
import { addDays } from "../../../src/plans/report-date.ts";
import { AGGREGATE_TABLE_NAMES } from "../../../src/stages/aggregate-tables.ts";
import { galeraCluster, type GaleraCluster, type GaleraNode } from "../../support/galera.ts";
import { caughtUp, expectSameOnEveryNode, freshClusterWarehouse, onNode } from "../../support/galera-warehouse.ts";
import { dsn, freshDatabase, ok, runCli, servers } from "../../support/servers.ts";
import { firstDifference, readWarehouseDay } from "../../support/expected-facts.ts";
import { expectedAsOf } from "../../support/asof-oracle.ts";
import { aggregateLine, expectedAggregatesIn } from "../../support/expected-aggregates.ts";
import { BIG, ORPHAN_NEW, ORPHAN_OLD, SHIFT, SMALL_FACTS, TODAY, expireDates, fillExpireWarehouse, plusDays } from "../../support/expire-fixture.ts";
import { oracleDecisions } from "../../support/retention-oracle.ts";

/** Last day of the generated history; backfilled: the six days up to it. */
const E = "2026-04-15";
const DAYS = Array.from({ length: 6 }, (_, i) => addDays(E, i - 5));
const FLEET = 500;
const SEED = 11;
const TABLES = ["server_facts", "server_fact_roles", "etl_runs", ...AGGREGATE_TABLE_NAMES];

let cluster: GaleraCluster;
let source: string;
/** The backfilled warehouse, then aggregated again. */
let dw: string;

const target = (name: string) => dsn(cluster.nodes[0]!, name);
/** The end of a UTC day, as the backfill bounds it with --timezone UTC. */
const utcEnd = (date: string) => `${addDays(date, 1)} 00:00:00`;

/** Every aggregate row of `days` on one node, per table, as the oracle's sorted lines. */
function aggregatesOn(node: GaleraNode, name: string, days: readonly string[]): Promise<Record<string, string[]>> {
  return onNode(node, name, async (db) => {
    const out: Record<string, string[]> = {};
    for (const t of AGGREGATE_TABLE_NAMES) {
      out[t] = (await db.query(`SELECT * FROM ${quoteIdent(t)} WHERE report_date IN (?)`, [days])).map((r) => aggregateLine(t, r)).sort();
    }
    return out;
  });
}

/** Each node's aggregates of `days` equal the oracle computed from node 1's facts. */
async function expectAggregatesMatchOracle(name: string, days: readonly string[]): Promise<Record<string, string[]>> {
  const want = await onNode(cluster.nodes[0]!, name, (db) => expectedAggregatesIn(db, days));
  for (const node of cluster.nodes) expect({ node: node.name, rows: await aggregatesOn(node, name, days) }).toEqual({ node: node.name, rows: want });
  return want;
}

beforeAll(async () => {
  const [c] = await Promise.all([
    galeraCluster(),
    (async () => {
      source = await freshDatabase("gstsrc");
      const args = ["generate", "--source", dsn(servers().primary, source), "--servers", String(FLEET), "--seed", String(SEED), "--history-days", "10", "--end-date", E];
      ok("generate", await runCli(args, { timeoutMs: 120_000 }));
    })(),
  ]);
  cluster = c;
}, 180_000);

describe("backfill, aggregate and expire into a Galera cluster", () => {
  test("backfill of six days: every node holds the same rows when it returns, each day equals the as-of oracle, the aggregates theirs", async () => {
    dw = await freshClusterWarehouse(cluster, "gbf");
    const started = performance.now();
    const args = ["backfill", "--source", dsn(servers().primary, source), "--target", target(dw), "--from", DAYS[0]!, "--to", E, "--timezone", "UTC", "--keep-daily", "10", "--verbose", "INFO"];
    const r = ok("backfill", await runCli(args, { timeoutMs: 180_000 }));
    process.stderr.write(`galera backfill: ${FLEET} servers, ${DAYS.length} days into node 1 waiting on 2 nodes: ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
    expect(r.stdout).toContain(`${DAYS.length} days built`);
    expect(r.stderr).toContain("is a Galera node: waiting after every batch on the 2 other nodes of its wsrep_incoming_addresses");
    const sums = await expectSameOnEveryNode(cluster, dw, TABLES);
    expect(sums.etl_runs).toStartWith(`${DAYS.length} rows`);
    for (const date of DAYS) {
      const expected = await expectedAsOf(source, utcEnd(date));
      expect(expected.facts.length).toBeGreaterThan(FLEET / 2);
      for (const node of cluster.nodes) {
        const day = await onNode(node, dw, (db) => readWarehouseDay(db, date));
        expect(firstDifference(`${node.name} server_facts ${date}`, day.facts, expected.facts)).toBeUndefined();
        expect(firstDifference(`${node.name} server_fact_roles ${date}`, day.roles, expected.roles)).toBeUndefined();
      }
    }
    const want = await expectAggregatesMatchOracle(dw, DAYS);
    for (const t of AGGREGATE_TABLE_NAMES.filter((x) => x !== "server_retirements")) expect(want[t]!.length).toBeGreaterThan(DAYS.length);
  }, 240_000);

  test("aggregate --all over days changed by hand: the oracle's rows again on every node, the same rows on each when it returns", async () => {
    expect(dw).toBeDefined();
    // Wrong rows the rebuild must replace: a day missing from one table, counts off in another, a stray group.
    await onNode(cluster.nodes[0]!, dw, async (db) => {
      await db.execute("DELETE FROM server_by_cpu WHERE report_date = ?", [DAYS[1]]);
      await db.execute("UPDATE server_by_site SET servers = servers + 1 WHERE report_date = ?", [DAYS[2]]);
      await db.execute("INSERT INTO server_by_team (report_date, wou_id, wou_name, status, servers) VALUES (?, -7, 'no such team', 'in_use', 3)", [DAYS[3]]);
      await db.execute("DELETE FROM server_retirements WHERE report_date = ?", [E]);
    });
    await caughtUp(cluster, dw);
    const before = await aggregatesOn(cluster.nodes[2]!, dw, DAYS);
    const want = await onNode(cluster.nodes[0]!, dw, (db) => expectedAggregatesIn(db, DAYS));
    expect(before).not.toEqual(want);
    const r = ok("aggregate --all", await runCli(["aggregate", "--target", target(dw), "--all", "--verbose", "INFO"]));
    expect(r.stderr).toContain("is a Galera node: waiting after every batch on the 2 other nodes");
    expect(r.stdout).toStartWith(`aggregate ${DAYS.length} days ${DAYS[0]} … ${E}: ok,`);
    await expectSameOnEveryNode(cluster, dw, TABLES);
    expect(await expectAggregatesMatchOracle(dw, DAYS)).toEqual(want);
  }, 120_000);

  test("expire on the 400-day calendar: every node keeps exactly the oracle's days, the same rows on each when it returns", async () => {
    const name = await freshClusterWarehouse(cluster, "gexp");
    const dates = expireDates();
    const oracle = oracleDecisions(dates, 90, "monday", TODAY);
    const kept = oracle.filter((d) => d.keep).map((d) => d.date);
    const doomed = oracle.filter((d) => !d.keep).map((d) => d.date);
    const bigDay = doomed.find((d) => d >= plusDays("2026-09-01", SHIFT))!;
    await onNode(cluster.nodes[0]!, name, (db) => fillExpireWarehouse(db, dates, bigDay, [ORPHAN_OLD, ORPHAN_NEW]));
    // The fixture's own writes (through node 1): on every node before the checks of what expire does.
    await caughtUp(cluster, name);
    const aggregatesBefore = await expectSameOnEveryNode(cluster, name, AGGREGATE_TABLE_NAMES);

    const started = performance.now();
    const args = ["expire", "--target", target(name), "--batch-size", "500", "--timezone", "UTC", "--allow-large-delete", "--verbose", "INFO"];
    const r = ok("expire", await runCli(args, { timeoutMs: 180_000 }));
    process.stderr.write(`galera expire: ${doomed.length + 1} days deleted on node 1 waiting on 2 nodes: ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
    expect(r.stdout).toStartWith(`expire: ${doomed.length + 1} days deleted (${ORPHAN_OLD} … ${doomed.at(-1)}), ${doomed.length * SMALL_FACTS + BIG} fact rows,`);

    expect(r.stderr).toContain("is a Galera node: waiting after every batch on the 2 other nodes");
    const sums = await expectSameOnEveryNode(cluster, name, TABLES);
    expect(sums.server_facts).toStartWith(`${kept.length * SMALL_FACTS} rows`);
    for (const node of cluster.nodes) {
      const days = await onNode(node, name, async (db) => ({
        facts: (await db.query<{ d: string }>("SELECT DISTINCT report_date AS d FROM server_facts ORDER BY d")).map((x) => String(x.d)),
        roles: (await db.query<{ d: string }>("SELECT DISTINCT report_date AS d FROM server_fact_roles ORDER BY d")).map((x) => String(x.d)),
      }));
      expect({ node: node.name, ...days }).toEqual({ node: node.name, facts: kept, roles: [...kept, ORPHAN_NEW].sort() });
    }
    // Aggregates keep daily resolution for ever: untouched on every node.
    expect(await expectSameOnEveryNode(cluster, name, AGGREGATE_TABLE_NAMES)).toEqual(aggregatesBefore);
  }, 240_000);
});
