// bun:test preload: once per `bun test` process, start a throwaway MariaDB primary and a GTID
// replica of it (datadirs in a fresh temp dir), publish them to test/support/servers.ts, and
// stop them and remove the dir after the last test, or on exit / SIGINT / SIGTERM.
// Bring-up measured on the 2-core dev machine: 1.3-1.4 s idle and up to ~2 s under load with
// datadirs on /dev/shm (install-db ~0.9 s of it); 3.5-4.4 s on disk (TESTBED_TMPDIR=/tmp), where
// InnoDB's fsyncs dominate. Stopping both takes ~0.1 s.
import { afterAll } from "bun:test";
import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { connect, publishTestbed, servers, waitForReplica, type TestServer } from "./servers.ts";
import {
  TESTBED_DIR_PREFIX,
  cleanStaleTestbeds,
  findMariadb,
  freePorts,
  installDataDir,
  startServer,
  stopServer,
  testbedParentDir,
  waitUntilReady,
  writeOwner,
  type RunningServer,
  type ServerSpec,
} from "./mariadb.ts";

const started = performance.now();
const running: RunningServer[] = [];
let baseDir: string | undefined;

/** Last resort on exit or a signal: no async work possible, so SIGKILL our own children by pid. */
function killNow(): void {
  for (const s of running.splice(0)) {
    if (s.proc.exitCode === null && s.proc.signalCode === null) {
      try {
        process.kill(s.proc.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  baseDir = undefined;
}

async function stopAll(): Promise<void> {
  publishTestbed(undefined);
  await Promise.all(running.map((s) => stopServer(s)));
  running.length = 0;
  if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  baseDir = undefined;
}

process.on("exit", killNow);
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
  process.once(signal, () => {
    killNow();
    process.exit(code);
  });
}

function spec(name: "primary" | "replica", serverId: number, port: number, extra: string[]): ServerSpec {
  return {
    name,
    serverId,
    port,
    dataDir: join(baseDir!, `${name}-data`),
    socket: join(baseDir!, `${name}.sock`),
    pidFile: join(baseDir!, `${name}.pid`),
    errorLog: join(baseDir!, `${name}.err`),
    extra,
  };
}

function testServer(s: ServerSpec): TestServer {
  return { name: s.name, port: s.port, socket: s.socket, dataDir: s.dataDir, serverId: s.serverId };
}

async function bringUp(): Promise<void> {
  const bin = findMariadb();
  const parent = testbedParentDir();
  cleanStaleTestbeds(parent);
  baseDir = mkdtempSync(join(parent, TESTBED_DIR_PREFIX));
  writeOwner(baseDir);
  mkdirSync(join(baseDir, "home")); // the empty HOME of runCli

  // install-db is most of the cost: once, then a copy for the replica and a rename for the primary.
  const pristine = join(baseDir, "pristine");
  const [[primaryPort, replicaPort]] = await Promise.all([freePorts(2), installDataDir(bin, pristine)]);
  const primarySpec = spec("primary", 1, primaryPort, ["--log-bin=mysql-bin", "--binlog-format=ROW", "--sync-binlog=0"]);
  const replicaSpec = spec("replica", 2, replicaPort, ["--read-only=1", "--relay-log=relay-bin"]);
  const cp = Bun.spawn(["cp", "-a", pristine, replicaSpec.dataDir], { stderr: "pipe" });
  if ((await cp.exited) !== 0) throw new Error(`test bed: cp -a failed: ${await new Response(cp.stderr).text()}`);
  renameSync(pristine, primarySpec.dataDir);

  const primary = startServer(bin, primarySpec);
  running.push(primary);
  const replica = startServer(bin, replicaSpec);
  running.push(replica);
  await Promise.all([waitUntilReady(primary), waitUntilReady(replica)]);

  const p = await connect(testServer(primarySpec));
  try {
    // Written on the primary so it replicates: a read-only user for replica-monitoring tests.
    await p.execute("CREATE USER 'ro'@'%'");
    await p.execute("GRANT SELECT, BINLOG MONITOR, SLAVE MONITOR ON *.* TO 'ro'@'%'");
  } finally {
    await p.close();
  }
  const r = await connect(testServer(replicaSpec));
  try {
    await r.execute(
      "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=?, MASTER_USER='root', MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
      [primaryPort],
    );
    await r.execute("START SLAVE");
  } finally {
    await r.close();
  }
  publishTestbed({ primary: testServer(primarySpec), replica: testServer(replicaSpec), baseDir });
  // Proves replication works before any test relies on it (the ro user must arrive).
  await waitForReplica();
}

try {
  await bringUp();
} catch (err) {
  await stopAll().catch(() => killNow());
  throw err;
}

afterAll(stopAll);

const { primary, replica } = servers();
process.stderr.write(
  `test bed: MariaDB primary 127.0.0.1:${primary.port}, replica 127.0.0.1:${replica.port} up in ${((performance.now() - started) / 1000).toFixed(2)} s\n`,
);
