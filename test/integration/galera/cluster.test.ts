// The Galera test bed itself: three Synced nodes in one primary component, a write on node 1
// readable on the others once WSREP_SYNC_WAIT_UPTO_GTID returns, GTIDs in one domain.
import { beforeAll, describe, expect, test } from "bun:test";
import { GALERA_GTID_DOMAIN, galeraCluster, type GaleraCluster } from "../../support/galera.ts";
import { connect } from "../../support/servers.ts";

let cluster: GaleraCluster;

beforeAll(async () => {
  cluster = await galeraCluster();
}, 60_000);

describe("galera test bed", () => {
  test("three nodes, each Synced in a Primary component of 3, wsrep_gtid_mode ON", async () => {
    expect(cluster.nodes).toHaveLength(3);
    for (const node of cluster.nodes) {
      const db = await connect(node);
      try {
        const rows = await db.query<{ Variable_name: string; Value: string }>(
          "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_local_state_comment', 'wsrep_cluster_status')",
        );
        const s = Object.fromEntries(rows.map((r) => [r.Variable_name, r.Value]));
        expect(s).toEqual({ wsrep_cluster_size: "3", wsrep_local_state_comment: "Synced", wsrep_cluster_status: "Primary" });
        const [v] = await db.query<{ mode: number; domain: number }>("SELECT @@wsrep_gtid_mode AS mode, @@wsrep_gtid_domain_id AS domain");
        expect(Number(v.mode)).toBe(1);
        expect(Number(v.domain)).toBe(GALERA_GTID_DOMAIN);
      } finally {
        await db.close();
      }
    }
  });

  test("a write on node 1 is on nodes 2 and 3 once WSREP_SYNC_WAIT_UPTO_GTID returns 1", async () => {
    const [n1, n2, n3] = cluster.nodes;
    const w = await connect(n1!);
    try {
      await w.execute("CREATE DATABASE IF NOT EXISTS bed_check");
      await w.execute("CREATE TABLE IF NOT EXISTS bed_check.t (id INT PRIMARY KEY, v INT)");
      await w.execute("REPLACE INTO bed_check.t VALUES (1, 42)");
      const [{ gtid }] = await w.query<{ gtid: string }>("SELECT CAST(WSREP_LAST_WRITTEN_GTID() AS CHAR) AS gtid");
      expect(gtid).toMatch(/^\d+-1-\d+$/);
      for (const node of [n2!, n3!]) {
        const r = await connect(node);
        try {
          const [{ ok }] = await r.query<{ ok: number }>("SELECT WSREP_SYNC_WAIT_UPTO_GTID(?, 10) AS ok", [gtid]);
          expect(Number(ok)).toBe(1);
          expect(await r.query("SELECT v FROM bed_check.t WHERE id = 1")).toEqual([{ v: 42 }]);
          // The same GTID on every node (one server_id), and a GTID not yet written is waited for.
          const [{ pos }] = await r.query<{ pos: string }>("SELECT @@gtid_binlog_pos AS pos");
          expect(pos).toBe(gtid);
          const [domain, server, seq] = gtid.split("-");
          const err = await r.query("SELECT WSREP_SYNC_WAIT_UPTO_GTID(?, 1) AS ok", [`${domain}-${server}-${Number(seq) + 1000}`]).catch((e) => e);
          expect(err.cause?.code ?? err.code).toBe("ER_LOCK_WAIT_TIMEOUT");
        } finally {
          await r.close();
        }
      }
    } finally {
      await w.close();
    }
  });
});
