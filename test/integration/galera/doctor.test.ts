// doctor against the real three-node Galera cluster: the target node and a node given as
// --replica each get a galera row (size, state, flow control, write-set limits); a desynced
// node is a warning naming the state. Nothing here writes except the desync toggle.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { galeraCluster, type GaleraCluster } from "../../support/galera.ts";
import { connect, dsn, runCli } from "../../support/servers.ts";

let cluster: GaleraCluster;

beforeAll(async () => {
  cluster = await galeraCluster();
  const db = await connect(cluster.nodes[0]!);
  await db.execute("CREATE DATABASE IF NOT EXISTS doctor_dw");
  await db.close();
}, 60_000);

afterAll(async () => {
  const db = await connect(cluster.nodes[1]!);
  await db.execute("SET GLOBAL wsrep_desync = OFF").catch(() => {});
  await db.close();
});

interface Row { role: string; endpoint: string; check: string; result: string; detail: string; fix?: string }

async function doctor(...args: string[]): Promise<Row[]> {
  const r = await runCli(["doctor", "--json", ...args]);
  return (JSON.parse(r.stdout) as { checks: Row[] }).checks;
}

describe("doctor on a Galera cluster", () => {
  test("target and --replica nodes: a galera row each, ok, with size, state and write-set limits", async () => {
    const [n1, n2] = cluster.nodes;
    const rows = await doctor("--target", dsn(n1!, "doctor_dw"), "--replica", dsn(n2!, "", "ro"));
    const galera = rows.filter((r) => r.check === "galera");
    expect(galera.map((r) => r.role)).toEqual(["target", "replica"]);
    for (const r of galera) {
      expect(r.result).toBe("ok");
      expect(r.detail).toMatch(/^Galera node, cluster of 3 \(Primary\), Synced; flow control paused \d+\.\d%/);
      expect(r.detail).toContain("wsrep_max_ws_rows 0 (none), wsrep_max_ws_size 2.0 GiB");
    }
    // The other node is not judged as an async replica.
    expect(rows.filter((r) => r.role === "replica").map((r) => r.check)).not.toContain("replication");
  });

  test("a desynced node is a warning that names its state", async () => {
    const [n1, n2] = cluster.nodes;
    const db = await connect(n2!);
    try {
      await db.execute("SET GLOBAL wsrep_desync = ON");
      const rows = await doctor("--target", dsn(n1!, "doctor_dw"), "--replica", dsn(n2!, "", "ro"));
      const row = rows.find((r) => r.check === "galera" && r.role === "replica")!;
      expect(row.result).toBe("warn");
      expect(row.detail).toContain("Donor/Desynced");
      expect(row.detail).toContain("not Synced");
    } finally {
      await db.execute("SET GLOBAL wsrep_desync = OFF");
      await db.close();
    }
  });

  test("a target DSN listing several hosts: a failover row, ok for the cluster's nodes, a warning naming a host that does not answer", async () => {
    const [n1, n2, n3] = cluster.nodes;
    const all = `mysql://root@127.0.0.1:${n1!.port},127.0.0.1:${n2!.port},127.0.0.1:${n3!.port}/doctor_dw`;
    const ok = (await doctor("--target", all)).find((r) => r.check === "failover")!;
    expect(ok.result).toBe("ok");
    expect(ok.detail).toBe(
      `the target DSN lists 2 more hosts to move the writer to if its node is lost: 127.0.0.1:${n2!.port} Synced, same cluster; 127.0.0.1:${n3!.port} Synced, same cluster`,
    );
    // A closed port: Bun.listen on port 0, then closed, is a port nothing listens on.
    const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const closed = probe.port;
    probe.stop(true);
    const rows = await doctor("--target", `mysql://root@127.0.0.1:${n1!.port},127.0.0.1:${closed}/doctor_dw`);
    const warn = rows.find((r) => r.check === "failover")!;
    expect(warn.result).toBe("warn");
    expect(warn.detail).toContain(`127.0.0.1:${closed} unreachable (`);
    expect(warn.fix).toContain(`bring 127.0.0.1:${closed} back into the cluster`);
    // The rest of the target's rows are those of the node connected to.
    expect(rows.find((r) => r.check === "galera" && r.role === "target")!.result).toBe("ok");
  });
});
