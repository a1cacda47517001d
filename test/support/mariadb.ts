// Throwaway mariadbd processes for the test bed: find the binaries, install one pristine
// datadir, start a server on a free loopback port, wait until it accepts connections, stop it.
// Everything runs with --no-defaults: the system my.cnf points at the system server on 3306.
import { existsSync, readFileSync, readdirSync, rmSync, statfsSync, writeFileSync, accessSync, constants } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import type { Subprocess } from "bun";
import { MysqlDb } from "../../src/engine/mysql/mysql-db.ts";
import { mysqlErrorCode } from "../../src/engine/mysql/errors.ts";

/** Prefix of the test bed's temp dirs; `cleanStaleTestbeds` only ever touches these. */
export const TESTBED_DIR_PREFIX = "serverdb-etl-testbed-";

/** Debian installs mariadbd in /usr/sbin, which a non-root PATH often lacks. */
const EXTRA_DIRS = ["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin", "/usr/libexec", "/usr/local/mysql/bin"];

function findExecutable(names: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const name of names) {
    for (const dir of dirs) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

export interface MariadbBinaries {
  mariadbd: string;
  installDb: string;
}

export function findMariadb(): MariadbBinaries {
  const mariadbd = findExecutable(["mariadbd", "mysqld"]);
  const installDb = findExecutable(["mariadb-install-db", "mysql_install_db"]);
  if (!mariadbd || !installDb) {
    throw new Error(
      "test bed: mariadbd or mariadb-install-db not found (looked in PATH and /usr/sbin); run `bash scripts/ensure-test-tools.sh` first",
    );
  }
  return { mariadbd, installDb };
}

/**
 * Where the datadirs live: $TESTBED_TMPDIR if set, else /dev/shm when it has room (install-db takes ~0.9 s there
 * against ~2 s on disk, where InnoDB's fsyncs dominate), else the OS temp dir.
 */
export function testbedParentDir(): string {
  if (process.env.TESTBED_TMPDIR) return process.env.TESTBED_TMPDIR; // to measure or debug on disk
  const shm = "/dev/shm";
  try {
    accessSync(shm, constants.W_OK);
    const fs = statfsSync(shm);
    if (fs.bavail * fs.bsize >= 2 * 2 ** 30) return shm;
  } catch {
    // no usable /dev/shm (e.g. a small container default): fall through
  }
  return tmpdir();
}

/** Options shared by install-db and the servers (a different redo log size would make InnoDB rebuild it). */
const INNODB_OPTS = [
  "--innodb-log-file-size=48M",
  "--innodb-doublewrite=0",
  "--innodb-flush-log-at-trx-commit=2",
  // tmpfs has no O_DIRECT; fsync is the portable choice and costs nothing there.
  "--innodb-flush-method=fsync",
];

function asRootOpts(): string[] {
  // mariadbd refuses to run as root without --user=root, and warns about --user otherwise.
  return process.getuid?.() === 0 ? ["--user=root"] : [];
}

/** mariadb-install-db into `dataDir` (fresh); throws with its output on failure. */
export async function installDataDir(bin: MariadbBinaries, dataDir: string): Promise<void> {
  const proc = Bun.spawn(
    [
      bin.installDb,
      "--no-defaults",
      ...asRootOpts(),
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      "--skip-name-resolve",
      `--datadir=${dataDir}`,
      ...INNODB_OPTS,
    ],
    { stdout: "pipe", stderr: "pipe", stdin: "ignore" },
  );
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`test bed: mariadb-install-db exited ${code}:\n${tail(out + err, 30)}`);
}

/** Free loopback ports: bind port 0 for each, read the port, release all together (so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const s = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => resolve(s));
      });
    }),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export interface ServerSpec {
  /** "primary", "replica", or a Galera node's "node1"…; names its pid record and its messages. */
  name: string;
  serverId: number;
  port: number;
  dataDir: string;
  socket: string;
  pidFile: string;
  errorLog: string;
  /** Role-specific options (binlog on the primary, relay log and read_only on the replica). */
  extra: string[];
}

export interface RunningServer {
  spec: ServerSpec;
  proc: Subprocess;
}

export function startServer(bin: MariadbBinaries, spec: ServerSpec): RunningServer {
  const args = [
    bin.mariadbd,
    "--no-defaults",
    ...asRootOpts(),
    `--datadir=${spec.dataDir}`,
    `--port=${spec.port}`,
    "--bind-address=127.0.0.1",
    `--socket=${spec.socket}`,
    `--pid-file=${spec.pidFile}`,
    `--log-error=${spec.errorLog}`,
    `--server-id=${spec.serverId}`,
    // Its own temp dir: a test (or anything) clearing /tmp must not pull a temp table from under it.
    `--tmpdir=${dirname(spec.dataDir)}`,
    "--skip-name-resolve",
    // --no-defaults drops the charset to latin1; Django's databases use utf8mb4.
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_general_ci",
    "--innodb-buffer-pool-size=256M",
    "--gtid-strict-mode=1",
    ...INNODB_OPTS,
    ...spec.extra,
  ];
  const proc = Bun.spawn(args, { stdin: "ignore", stdout: Bun.file(`${spec.errorLog}.out`), stderr: Bun.file(`${spec.errorLog}.out`) });
  // The preload's afterAll / exit handlers stop it; it must not keep `bun test` alive by itself.
  proc.unref();
  // Our own record of the pid (mariadbd writes --pid-file only once up), for cleanStaleTestbeds.
  writeFileSync(join(dirname(spec.pidFile), `${spec.name}.spawned-pid`), String(proc.pid));
  return { spec, proc };
}

/** Connect as root, retrying only while nothing listens yet; fail fast if the server died. */
export async function waitUntilReady(server: RunningServer, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (server.proc.exitCode !== null || server.proc.signalCode !== null) {
      throw new Error(`test bed: ${server.spec.name} mariadbd exited (${server.proc.exitCode ?? server.proc.signalCode}) during start:\n${errorLogTail(server.spec)}`);
    }
    try {
      const db = await MysqlDb.connect(
        { kind: "mysql", host: "127.0.0.1", port: server.spec.port, user: "root", database: "", sslMode: "DISABLED" },
        { connectTimeoutS: 5 },
      );
      await db.close();
      return;
    } catch (err) {
      const code = mysqlErrorCode(err);
      if (code !== "ECONNREFUSED" && code !== "ENOENT") {
        throw new Error(`test bed: ${server.spec.name} refused the connection (${code}): ${(err as Error).message}\n${errorLogTail(server.spec)}`);
      }
      if (Date.now() > until) {
        throw new Error(`test bed: ${server.spec.name} did not accept connections within ${deadlineMs} ms:\n${errorLogTail(server.spec)}`);
      }
      await Bun.sleep(25);
    }
  }
}

/** SIGTERM, wait on our own child (fast, unlike polling a pid), SIGKILL if it hangs. */
export async function stopServer(server: RunningServer, graceMs = 10_000): Promise<void> {
  if (server.proc.exitCode !== null || server.proc.signalCode !== null) return;
  server.proc.kill("SIGTERM");
  const timer = setTimeout(() => server.proc.kill("SIGKILL"), graceMs);
  await server.proc.exited;
  clearTimeout(timer);
}

/** Last lines of the server's error log, for failure messages. */
export function errorLogTail(spec: ServerSpec, lines = 25): string {
  const parts: string[] = [];
  for (const file of [spec.errorLog, `${spec.errorLog}.out`]) {
    if (existsSync(file)) parts.push(readFileSync(file, "utf8"));
  }
  return tail(parts.join("\n"), lines) || "(error log is empty)";
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Record which process owns a test bed dir, so a later run can clean up after a killed one. */
export function writeOwner(baseDir: string): void {
  writeFileSync(join(baseDir, "owner.pid"), String(process.pid));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Remove test bed dirs whose owning `bun test` died without cleaning up (SIGKILL), killing
 * their mariadbd only after checking, via /proc, that the pid really is a mariadbd of that dir.
 */
export function cleanStaleTestbeds(parent: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent).filter((e) => e.startsWith(TESTBED_DIR_PREFIX));
  } catch {
    return;
  }
  for (const entry of entries) {
    const dir = join(parent, entry);
    const ownerFile = join(dir, "owner.pid");
    if (!existsSync(ownerFile)) continue; // being set up right now by another run
    const owner = Number(readFileSync(ownerFile, "utf8"));
    if (!Number.isInteger(owner) || alive(owner)) continue;
    for (const pidName of readdirSync(dir).filter((e) => e.endsWith(".spawned-pid"))) {
      const pidFile = join(dir, pidName);
      const pid = Number(readFileSync(pidFile, "utf8").trim());
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (cmdline.includes(dir)) process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
