// A three-node MariaDB Galera cluster on 127.0.0.1 for the Galera test files, started lazily
// (galeraCluster(): once per `bun test` process, stopped by pid and its dir removed at the end,
// also when a test fails). The field notes' recipe, no state transfer: one installed datadir
// copied to three, node 1 bootstrapped (gcomm://), and each joiner started with
// wsrep_sst_method=skip and a grastate.dat holding node 1's state UUID and last seqno.
// Bring-up measured on the 2-core dev machine: 3.5-6.3 s (printed at start: "galera test bed: … up in N s").
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MysqlDb } from "../../src/engine/mysql/mysql-db.ts";
import {
  TESTBED_DIR_PREFIX,
  cleanStaleTestbeds,
  errorLogTail,
  findMariadb,
  freePorts,
  installDataDir,
  startServer,
  stopServer,
  testbedParentDir,
  waitUntilReady,
  writeOwner,
  type MariadbBinaries,
  type RunningServer,
  type ServerSpec,
} from "./mariadb.ts";
import type { TestServer } from "./servers.ts";

export const GALERA_PROVIDER = "/usr/lib/galera/libgalera_smm.so";
/**
 * wsrep_gtid_domain_id of every node. Measured on 10.11 with this recipe (no state transfer): the
 * write-sets' GTIDs still come in gtid_domain_id 0; what makes them equal on every node is one server_id.
 */
export const GALERA_GTID_DOMAIN = 7;

export interface GaleraNode extends TestServer {
  /** Galera's group-communication port and its incremental-state-transfer port. */
  galeraPort: number;
  istPort: number;
  /** The mariadbd process id (for SIGSTOP/SIGCONT in fault tests). */
  pid: number;
}

export interface GaleraCluster {
  nodes: GaleraNode[];
  baseDir: string;
  /** Seconds from the first install to three Synced nodes. */
  bringUpS: number;
  stop(): Promise<void>;
}

interface NodeSpec extends ServerSpec {
  galeraPort: number;
  istPort: number;
}

async function root(port: number): Promise<MysqlDb> {
  return MysqlDb.connect({ kind: "mysql", host: "127.0.0.1", port, user: "root", database: "", sslMode: "DISABLED" });
}

async function wsrepStatus(port: number): Promise<Map<string, string>> {
  const db = await root(port);
  try {
    const rows = await db.query<{ Variable_name: string; Value: string }>("SHOW GLOBAL STATUS LIKE 'wsrep%'");
    return new Map(rows.map((r) => [r.Variable_name.toLowerCase(), String(r.Value)]));
  } finally {
    await db.close();
  }
}

/** Until every node sees a primary component of `size` and is Synced (30 s at most). */
export async function waitUntilSynced(ports: readonly number[], size: number, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const states = await Promise.all(ports.map((p) => wsrepStatus(p).catch(() => undefined)));
    const ready = states.every(
      (s) =>
        s?.get("wsrep_cluster_size") === String(size) &&
        s.get("wsrep_local_state_comment") === "Synced" &&
        s.get("wsrep_cluster_status") === "Primary",
    );
    if (ready) return;
    if (Date.now() > until) {
      const seen = states.map((s, i) => `${ports[i]}: ${s ? `${s.get("wsrep_cluster_size")} nodes, ${s.get("wsrep_local_state_comment")}, ${s.get("wsrep_cluster_status")}` : "unreachable"}`);
      throw new Error(`galera test bed: the cluster did not reach ${size} Synced nodes within ${deadlineMs} ms (${seen.join("; ")})`);
    }
    await Bun.sleep(100);
  }
}

function nodeSpec(baseDir: string, i: number, port: number, galeraPort: number, istPort: number, all: number[]): NodeSpec {
  const name = `node${i + 1}`;
  // Node 1 bootstraps a new cluster; the others join through every node's Galera port.
  const address = i === 0 ? "gcomm://" : `gcomm://${all.map((p) => `127.0.0.1:${p}`).join(",")}`;
  return {
    name,
    // One server_id for all: each node writes the GTIDs of applied write-sets with its own
    // server_id otherwise (0-2-7 on node 2 for node 1's 0-1-7), and WSREP_SYNC_WAIT_UPTO_GTID
    // on node 2 then returns 1 at once for any node-1 GTID, applied or not (measured on 10.11).
    serverId: 1,
    port,
    galeraPort,
    istPort,
    dataDir: join(baseDir, `${name}-data`),
    socket: join(baseDir, `${name}.sock`),
    pidFile: join(baseDir, `${name}.pid`),
    errorLog: join(baseDir, `${name}.err`),
    extra: [
      "--wsrep-on=ON",
      `--wsrep-provider=${GALERA_PROVIDER}`,
      `--wsrep-cluster-address=${address}`,
      "--wsrep-cluster-name=serverdb-etl-test",
      `--wsrep-node-name=${name}`,
      `--wsrep-node-address=127.0.0.1:${galeraPort}`,
      `--wsrep-node-incoming-address=127.0.0.1:${port}`,
      `--wsrep-provider-options=base_host=127.0.0.1;base_port=${galeraPort};ist.recv_addr=127.0.0.1:${istPort};gcache.size=128M`,
      "--wsrep-sst-method=skip",
      "--wsrep-gtid-mode=ON",
      `--wsrep-gtid-domain-id=${GALERA_GTID_DOMAIN}`,
      "--wsrep-slave-threads=2",
      "--log-bin=mysql-bin",
      "--log-slave-updates=ON",
      "--binlog-format=ROW",
      "--sync-binlog=0",
      "--default-storage-engine=InnoDB",
      "--innodb-autoinc-lock-mode=2",
    ],
  };
}

/** The state file a joiner starts from, so it needs no state transfer (the field notes' recipe). */
async function writeGrastate(dataDir: string, fromPort: number): Promise<void> {
  const s = await wsrepStatus(fromPort);
  const uuid = s.get("wsrep_local_state_uuid");
  const seqno = s.get("wsrep_last_committed");
  if (!uuid || seqno === undefined) throw new Error("galera test bed: node 1 reports no wsrep_local_state_uuid / wsrep_last_committed");
  writeFileSync(join(dataDir, "grastate.dat"), `# GALERA saved state\nversion: 2.1\nuuid:    ${uuid}\nseqno:   ${seqno}\nsafe_to_bootstrap: 0\n`);
}

/** Start a cluster of three in a new dir under `parent`. */
export async function startGalera(parent = testbedParentDir()): Promise<GaleraCluster> {
  const started = performance.now();
  const bin: MariadbBinaries = findMariadb();
  cleanStaleTestbeds(parent);
  const baseDir = mkdtempSync(join(parent, `${TESTBED_DIR_PREFIX}galera-`));
  writeOwner(baseDir);
  mkdirSync(join(baseDir, "home"));
  const running: RunningServer[] = [];
  const stop = async () => {
    // SIGCONT first: a node a test left stopped would never see the SIGTERM.
    for (const s of running) if (s.proc.exitCode === null) try { process.kill(s.proc.pid, "SIGCONT"); } catch {}
    await Promise.all(running.splice(0).map((s) => stopServer(s, 5_000)));
    rmSync(baseDir, { recursive: true, force: true });
  };
  try {
    const pristine = join(baseDir, "pristine");
    const [ports] = await Promise.all([freePorts(9), installDataDir(bin, pristine)]);
    const specs = [0, 1, 2].map((i) => nodeSpec(baseDir, i, ports[i]!, ports[3 + i]!, ports[6 + i]!, ports.slice(3, 6)));
    for (const s of specs) cpSync(pristine, s.dataDir, { recursive: true });
    rmSync(pristine, { recursive: true, force: true });

    for (const [i, s] of specs.entries()) {
      // Every join moves the position: read it just before each joiner starts.
      if (i > 0) await writeGrastate(s.dataDir, specs[0]!.port);
      const server = startServer(bin, s);
      running.push(server);
      await waitUntilReady(server);
      await waitUntilSynced(specs.slice(0, i + 1).map((x) => x.port), i + 1).catch((err) => {
        throw new Error(`${(err as Error).message}\n${errorLogTail(s)}`);
      });
    }
    const n1 = await root(specs[0]!.port);
    try {
      // Replicated by Galera (DDL in total order): the read-only user of the wait tests, on every node.
      await n1.execute("CREATE USER 'ro'@'%'");
      await n1.execute("GRANT SELECT, BINLOG MONITOR, SLAVE MONITOR ON *.* TO 'ro'@'%'");
    } finally {
      await n1.close();
    }
    const nodes = specs.map((s, i) => ({
      name: s.name,
      port: s.port,
      socket: s.socket,
      dataDir: s.dataDir,
      serverId: s.serverId,
      galeraPort: s.galeraPort,
      istPort: s.istPort,
      pid: running[i]!.proc.pid,
    }));
    return { nodes, baseDir, bringUpS: (performance.now() - started) / 1000, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

const KEY = Symbol.for("serverdb-etl.galera");

/**
 * The process's one cluster: started by the first caller, kept for the other Galera test
 * files of the process, stopped by the preload's afterAll (stopGaleraCluster), or SIGKILLed
 * from an exit handler as a last resort.
 */
export function galeraCluster(): Promise<GaleraCluster> {
  const g = globalThis as Record<symbol, Promise<GaleraCluster> | undefined>;
  if (!g[KEY]) {
    const starting = startGalera();
    g[KEY] = starting;
    starting.then(
      (c) => {
        process.stderr.write(`galera test bed: 3 nodes on 127.0.0.1:${c.nodes.map((n) => n.port).join(",")} up in ${c.bringUpS.toFixed(2)} s\n`);
        process.on("exit", () => {
          for (const n of c.nodes) {
            try {
              process.kill(n.pid, "SIGCONT");
              process.kill(n.pid, "SIGKILL");
            } catch {
              // already gone
            }
          }
          rmSync(c.baseDir, { recursive: true, force: true });
        });
      },
      () => {},
    );
  }
  return g[KEY]!;
}

/**
 * Stop the process's cluster and start a new one (new ports and pids). For the tests that leave
 * a node evicted: measured here, a node frozen past evs.suspect_timeout (5 s) is evicted, and
 * after SIGCONT stays "Joining: receiving State Transfer" (with wsrep_sst_method=skip the donor
 * reports the transfer done but no IST arrives), so it cannot rejoin without a real SST.
 */
export async function restartGaleraCluster(): Promise<GaleraCluster> {
  await stopGaleraCluster();
  return galeraCluster();
}

/** The preload's afterAll: stop the cluster if a test file started one. */
export async function stopGaleraCluster(): Promise<void> {
  const g = globalThis as Record<symbol, Promise<GaleraCluster> | undefined>;
  const starting = g[KEY];
  g[KEY] = undefined;
  const c = await starting?.catch(() => undefined);
  await c?.stop();
}

/** Per table, COUNT(*) and a CRC32-based checksum of every row, as one node holds them. */
export async function tableChecksums(node: TestServer, database: string, tables: readonly string[]): Promise<Record<string, string>> {
  const db = await root(node.port);
  try {
    const out: Record<string, string> = {};
    for (const t of tables) {
      const [row] = await db.query<{ Checksum: number | string | null }>(`CHECKSUM TABLE \`${database}\`.\`${t}\` EXTENDED`);
      const [{ n }] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${database}\`.\`${t}\``);
      out[t] = `${n} rows, checksum ${row?.Checksum}`;
    }
    return out;
  } finally {
    await db.close();
  }
}
