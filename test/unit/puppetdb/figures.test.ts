// The PuppetDB part of the summary line, the JSON log's fields and the metrics families, from
// one set of figures: a night PuppetDB answered, and one it did not.
import { describe, expect, test } from "bun:test";
import { formatPuppetdbFigures, puppetdbFields, puppetdbWarning, type PuppetdbFigures } from "../../../src/puppetdb/figures.ts";
import { renderMetrics } from "../../../src/progress/metrics.ts";
import type { RunFigures } from "../../../src/progress/run-summary.ts";
import { parseExposition, valueOf } from "../../support/prometheus.ts";

const up: PuppetdbFigures = {
  up: true,
  nodes: 1010,
  serversMatched: 950,
  serversWithoutNode: 50,
  nodesWithoutServer: 58,
  nodesShadowed: 2,
  staleServers: 3,
  staleAfterDays: 7,
  wrongType: { "processors.count": 1, "is_virtual": 4 },
  fetchS: 1.23456,
};
const down: PuppetdbFigures = { ...up, up: false, failure: { reason: "timeout", message: "PuppetDB at http://127.0.0.1:1 did not answer …" }, nodes: 0, serversMatched: 0, serversWithoutNode: 0, nodesWithoutServer: 0, nodesShadowed: 0, staleServers: 0, wrongType: {} };

const run = (puppetdb?: PuppetdbFigures): RunFigures => ({ command: "etl", result: "ok", exitCode: 0, durationS: 1, phases: [], extracted: 1000, loaded: 1000, removed: 0, warnings: {}, replicaWaitS: 0, ...(puppetdb ? { puppetdb } : {}) });

describe("the PuppetDB figures", () => {
  test("the summary's part: counts in a fixed order, wrong types sorted by fact; a failure names its reason", () => {
    expect(formatPuppetdbFigures(up)).toBe(
      "puppetdb 950 servers matched, 50 without a node, 58 nodes without a server, 2 shadowed by a newer node of the same key, 3 stale (facts older than 7 days), wrong types is_virtual=4,processors.count=1",
    );
    expect(formatPuppetdbFigures({ ...up, nodesShadowed: 0, wrongType: {} })).toBe("puppetdb 950 servers matched, 50 without a node, 58 nodes without a server, 3 stale (facts older than 7 days), wrong types none");
    expect(formatPuppetdbFigures(down)).toBe("puppetdb timeout: its columns hold their defaults (rerun etl to fill them)");
    expect(puppetdbWarning("unreachable")).toBe("puppetdb_unreachable");
  });

  test("the JSON fields", () => {
    expect(puppetdbFields(up)).toEqual({ up: true, nodes: 1010, servers_matched: 950, servers_without_node: 50, nodes_without_server: 58, nodes_shadowed: 2, stale_servers: 3, stale_after_days: 7, wrong_type: { "processors.count": 1, is_virtual: 4 }, fetch_s: 1.235 });
    expect(puppetdbFields(down)).toMatchObject({ up: false, failure: "timeout", error: down.failure!.message });
  });

  test("the metrics: puppetdb_up and the counts with [puppetdb]; none without", () => {
    const c = { command: "etl" };
    const m = parseExposition(renderMetrics(run(up), 1, 1));
    expect(valueOf(m, "serverdb_etl_puppetdb_up", c)).toBe(1);
    expect(valueOf(m, "serverdb_etl_puppetdb_servers", { ...c, kind: "matched" })).toBe(950);
    expect(valueOf(m, "serverdb_etl_puppetdb_servers", { ...c, kind: "without_node" })).toBe(50);
    expect(valueOf(m, "serverdb_etl_puppetdb_nodes", { ...c, kind: "without_server" })).toBe(58);
    expect(valueOf(m, "serverdb_etl_puppetdb_nodes", { ...c, kind: "stale" })).toBe(3);
    expect(valueOf(m, "serverdb_etl_puppetdb_wrong_type", { ...c, fact: "is_virtual" })).toBe(4);
    expect(valueOf(parseExposition(renderMetrics(run(down), 1, 1)), "serverdb_etl_puppetdb_up", c)).toBe(0);
    expect(renderMetrics(run(), 1, 1)).not.toContain("puppetdb");
  });
});
