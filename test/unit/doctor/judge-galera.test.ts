// doctor's galera row, judged from facts: one case per row of the table, then how judge() puts
// it in place of the replica checks (a Galera node is waited on, not replicated to).
import { describe, expect, test } from "bun:test";
import { judgeFailover, judgeGalera, FLOW_CONTROL_WARN } from "../../../src/doctor/judge-galera.ts";
import { judge } from "../../../src/doctor/judge.ts";
import type { GaleraFacts, ServerFacts } from "../../../src/doctor/types.ts";

const synced: GaleraFacts = {
  on: true,
  gtidMode: true,
  maxWsRows: 0,
  maxWsBytes: 2 ** 31 - 1,
  serverId: 1,
  clusterSize: 3,
  state: "Synced",
  clusterStatus: "Primary",
  flowControlPaused: 0.004,
  incomingAddresses: ["10.0.0.1:3306", "10.0.0.2:3306", "10.0.0.3:3306"],
  ownAddress: "10.0.0.1:3306",
};

describe("judgeGalera", () => {
  const cases: Array<[string, Partial<GaleraFacts>, number | undefined, "ok" | "warn" | "fail", RegExp]> = [
    ["a Synced node of a primary component", {}, undefined, "ok", /cluster of 3 \(Primary\), Synced; flow control paused 0\.4%.*wsrep_max_ws_rows 0 \(none\), wsrep_max_ws_size 2\.0 GiB/],
    ["write-set limits are shown as set", { maxWsRows: 5000, maxWsBytes: 64 * 2 ** 20 }, undefined, "ok", /wsrep_max_ws_rows 5000, wsrep_max_ws_size 64 MiB/],
    ["a node out of the primary component fails", { clusterStatus: "Non-Primary", clusterSize: 1 }, undefined, "fail", /not in the primary component/],
    ["a joining node warns", { state: "Joining: receiving State Transfer" }, undefined, "warn", /not Synced/],
    ["a donor warns", { state: "Donor/Desynced" }, undefined, "warn", /not Synced/],
    // Regression: without wsrep_gtid_mode a run has nothing to wait for on the other nodes.
    ["wsrep_gtid_mode OFF warns", { gtidMode: false }, undefined, "warn", /wsrep_gtid_mode is OFF/],
    // Measured on 10.11: with per-node server_ids WSREP_SYNC_WAIT_UPTO_GTID returns 1 at once.
    ["a waited-on node with another server_id warns", { serverId: 2 }, 1, "warn", /server_id 2 differs from the target's 1/],
    ["the same server_id as the target is fine", { serverId: 1 }, 1, "ok", /Synced/],
    ["flow control above the threshold warns", { flowControlPaused: FLOW_CONTROL_WARN + 0.2 }, undefined, "warn", /paused 30\.0%/],
  ];
  for (const [name, over, writer, result, detail] of cases) {
    test(name, () => {
      const c = judgeGalera({ ...synced, ...over }, writer);
      expect(c.check).toBe("galera");
      expect(c.result).toBe(result);
      expect(c.detail).toMatch(detail);
      if (result !== "ok") expect(c.fix).toBeTruthy();
    });
  }
});

function node(over: Partial<ServerFacts> = {}): ServerFacts {
  return {
    version: "10.11.14-MariaDB-0+deb12u2-log",
    flavor: "mariadb",
    account: { user: "root", host: "localhost" },
    database: "",
    grants: [],
    rolesUnexpanded: false,
    vars: { serverId: 1, logBin: false, binlogFormat: "ROW", readOnly: false, maxAllowedPacket: 64 * 2 ** 20, timeZone: "SYSTEM", systemTimeZone: "UTC" },
    galera: synced,
    ...over,
  };
}

describe("judge() with a Galera node", () => {
  test("a node given as --replica gets the galera row, not 'not a replica' nor read_only", () => {
    const checks = judge("replica", node({ replication: { state: "none" } }), { replicasConfigured: true, targetServerId: 1, warehouseTables: [] });
    const names = checks.map((c) => c.check);
    expect(names).toContain("galera");
    expect(names).not.toContain("replication");
    expect(names).not.toContain("read_only");
    expect(checks.every((c) => c.result === "ok")).toBe(true);
  });

  test("a target node: the galera row replaces the gtid row, and an OFF binlog is fine", () => {
    const checks = judge("target", node(), { replicasConfigured: true, warehouseTables: [] });
    expect(checks.find((c) => c.check === "galera")?.result).toBe("ok");
    expect(checks.find((c) => c.check === "gtid")).toBeUndefined();
    expect(checks.find((c) => c.check === "binlog")?.result).toBe("ok");
  });
});

describe("judgeFailover (a target DSN listing several hosts)", () => {
  const self = { ...synced, clusterStateUuid: "c0ffee00-0000-0000-0000-000000000001" };
  const node = (patch: Partial<GaleraFacts> = {}): GaleraFacts => ({ ...self, ...patch });
  test("every other host a Synced node of the same cluster: ok, each listed", () => {
    const c = judgeFailover(self, [{ address: "10.0.0.2:3306", galera: node() }, { address: "10.0.0.3:3306", galera: node() }]);
    expect(c.result).toBe("ok");
    expect(c.detail).toBe(
      "the target DSN lists 2 more hosts to move the writer to if its node is lost: 10.0.0.2:3306 Synced, same cluster; 10.0.0.3:3306 Synced, same cluster",
    );
  });
  const bad: Array<[string, { galera?: GaleraFacts; error?: string }, RegExp]> = [
    ["an unreachable host", { error: "connect ECONNREFUSED 10.0.0.2:3306" }, /10\.0\.0\.2:3306 unreachable \(connect ECONNREFUSED/],
    ["a server that is no Galera node", {}, /10\.0\.0\.2:3306 not a Galera node/],
    ["a node of another cluster", { galera: node({ clusterStateUuid: "deadbeef-0000-0000-0000-000000000002" }) }, /a node of another cluster \(wsrep_cluster_state_uuid deadbeef/],
    ["a node out of the primary component", { galera: node({ clusterStatus: "Non-Primary" }) }, /Non-Primary: not in the primary component/],
    ["a donor", { galera: node({ state: "Donor/Desynced" }) }, /Donor\/Desynced: not Synced/],
  ];
  for (const [name, host, says] of bad) {
    test(`${name}: a warning naming the host, with the fix`, () => {
      const c = judgeFailover(self, [{ address: "10.0.0.2:3306", ...host }, { address: "10.0.0.3:3306", galera: node() }]);
      expect(c.result).toBe("warn");
      expect(c.detail).toMatch(says);
      expect(c.detail).toContain("10.0.0.3:3306 Synced, same cluster");
      expect(c.fix).toBe("bring 10.0.0.2:3306 back into the cluster, or fix the target DSN's host list: until then the writer cannot move there");
    });
  }
});
