// A MariaDB primary + GTID replica in a fresh directory under `parent`: what the test bed
// (preload.ts) and the benchmarks (bench/) both start. The caller stops it with stop(), or
// kill() from an exit handler where nothing async can run.
import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MysqlDb } from "../../src/engine/mysql/mysql-db.ts";
import {
  TESTBED_DIR_PREFIX,
  cleanStaleTestbeds,
  findMariadb,
  freePorts,
  installDataDir,
  startServer,
  stopServer,
  waitUntilReady,
  writeOwner,
  type RunningServer,
  type ServerSpec,
} from "./mariadb.ts";
import type { TestServer } from "./servers.ts";

export interface Pair {
  primary: TestServer;
  replica: TestServer;
  /** Datadirs, logs, and the empty HOME that runCli uses. */
  baseDir: string;
  stop(): Promise<void>;
  /** Synchronous last resort: SIGKILL both servers and remove the directory. */
  kill(): void;
}

function spec(baseDir: string, name: "primary" | "replica", serverId: number, port: number, extra: string[]): ServerSpec {
  return {
    name,
    serverId,
    port,
    dataDir: join(baseDir, `${name}-data`),
    socket: join(baseDir, `${name}.sock`),
    pidFile: join(baseDir, `${name}.pid`),
    errorLog: join(baseDir, `${name}.err`),
    extra,
  };
}

function testServer(s: ServerSpec): TestServer {
  return { name: s.name, port: s.port, socket: s.socket, dataDir: s.dataDir, serverId: s.serverId };
}

async function rootConnection(s: ServerSpec): Promise<MysqlDb> {
  return MysqlDb.connect({ kind: "mysql", host: "127.0.0.1", port: s.port, user: "root", database: "", sslMode: "DISABLED" });
}

/** `serverExtra`: more mariadbd options for both servers (later options win: e.g. a benchmark's buffer pool). */
export async function startPair(parent: string, serverExtra: string[] = []): Promise<Pair> {
  const bin = findMariadb();
  cleanStaleTestbeds(parent);
  const baseDir = mkdtempSync(join(parent, TESTBED_DIR_PREFIX));
  writeOwner(baseDir);
  mkdirSync(join(baseDir, "home")); // the empty HOME of runCli
  const running: RunningServer[] = [];
  const kill = () => {
    for (const s of running.splice(0)) {
      if (s.proc.exitCode === null && s.proc.signalCode === null) {
        try {
          process.kill(s.proc.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    rmSync(baseDir, { recursive: true, force: true });
  };
  const stop = async () => {
    await Promise.all(running.splice(0).map((s) => stopServer(s)));
    rmSync(baseDir, { recursive: true, force: true });
  };
  try {
    // install-db is most of the cost: once, then a copy for the replica and a rename for the primary.
    const pristine = join(baseDir, "pristine");
    const [[primaryPort, replicaPort]] = await Promise.all([freePorts(2), installDataDir(bin, pristine)]);
    const primarySpec = spec(baseDir, "primary", 1, primaryPort, ["--log-bin=mysql-bin", "--binlog-format=ROW", "--sync-binlog=0", ...serverExtra]);
    const replicaSpec = spec(baseDir, "replica", 2, replicaPort, ["--read-only=1", "--relay-log=relay-bin", ...serverExtra]);
    const cp = Bun.spawn(["cp", "-a", pristine, replicaSpec.dataDir], { stderr: "pipe" });
    if ((await cp.exited) !== 0) throw new Error(`test bed: cp -a failed: ${await new Response(cp.stderr).text()}`);
    renameSync(pristine, primarySpec.dataDir);

    running.push(startServer(bin, primarySpec), startServer(bin, replicaSpec));
    await Promise.all(running.map((s) => waitUntilReady(s)));

    const p = await rootConnection(primarySpec);
    try {
      // Written on the primary so it replicates: a read-only user for replica-monitoring tests.
      await p.execute("CREATE USER 'ro'@'%'");
      await p.execute("GRANT SELECT, BINLOG MONITOR, SLAVE MONITOR ON *.* TO 'ro'@'%'");
    } finally {
      await p.close();
    }
    const r = await rootConnection(replicaSpec);
    try {
      await r.execute(
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=?, MASTER_USER='root', MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
        [primaryPort],
      );
      await r.execute("START SLAVE");
    } finally {
      await r.close();
    }
    return { primary: testServer(primarySpec), replica: testServer(replicaSpec), baseDir, stop, kill };
  } catch (err) {
    await stop().catch(() => kill());
    throw err;
  }
}
