// The test bed API: the MariaDB primary + GTID replica that test/support/preload.ts starts
// once per `bun test` process, plus helpers to reach them and to run the CLI from source.
// Tests only ever talk to these servers, never to the system MariaDB on 3306.
import { join, resolve } from "node:path";
import { MysqlDb } from "../../src/engine/mysql/mysql-db.ts";
import { quoteIdent } from "../../src/engine/ident.ts";

export interface TestServer {
  /** "primary", "replica", or a Galera node ("node1"…). */
  name: string;
  port: number;
  socket: string;
  dataDir: string;
  serverId: number;
}

/** What the preload publishes; kept on globalThis so every import of this module sees it. */
export interface TestbedState {
  primary: TestServer;
  replica: TestServer;
  /** The run's temp dir (datadirs, logs, the empty HOME for runCli); removed at the end. */
  baseDir: string;
}

const STATE_KEY = Symbol.for("serverdb-etl.testbed");

/** Called by the preload only. */
export function publishTestbed(state: TestbedState | undefined): void {
  (globalThis as Record<symbol, unknown>)[STATE_KEY] = state;
}

function state(): TestbedState {
  const s = (globalThis as Record<symbol, unknown>)[STATE_KEY] as TestbedState | undefined;
  if (!s) throw new Error("test bed not running: test/support/preload.ts must be the bun:test preload (bunfig.toml [test] preload)");
  return s;
}

export function servers(): { primary: TestServer; replica: TestServer } {
  const { primary, replica } = state();
  return { primary, replica };
}

/** "mysql://root@127.0.0.1:PORT/db" (no password: the test bed's users have none). */
export function dsn(server: TestServer, database: string, user = "root"): string {
  return `mysql://${encodeURIComponent(user)}@127.0.0.1:${server.port}/${database}`;
}

/** Root over TCP, multipleStatements on (for loading schema files in fixtures). */
export async function connect(server: TestServer, database?: string): Promise<MysqlDb> {
  return MysqlDb.connect(
    { kind: "mysql", host: "127.0.0.1", port: server.port, user: "root", database: database ?? "", sslMode: "DISABLED" },
    { multipleStatements: true },
  );
}

let databaseCounter = 0;

/** A new, empty utf8mb4 database on the primary (it replicates); unique within and across runs. */
export async function freshDatabase(prefix: string): Promise<string> {
  const name = `${prefix}_${process.pid}_${++databaseCounter}`;
  if (name.length > 64) throw new Error(`freshDatabase: ${JSON.stringify(name)} is longer than 64 characters; use a shorter prefix`);
  const db = await connect(servers().primary);
  try {
    await db.execute(`CREATE DATABASE ${quoteIdent(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
  } finally {
    await db.close();
  }
  return name;
}

/** Block until the replica has applied everything the primary has binlogged so far (30 s at most). */
export async function waitForReplica(): Promise<void> {
  const { primary, replica } = servers();
  const p = await connect(primary);
  let pos: string;
  try {
    [{ pos }] = await p.query<{ pos: string }>("SELECT @@GLOBAL.gtid_binlog_pos AS pos");
  } finally {
    await p.close();
  }
  if (!pos) return; // nothing written yet
  const r = await connect(replica);
  try {
    const [{ reached }] = await r.query<{ reached: number | null }>("SELECT MASTER_GTID_WAIT(?, 30) AS reached", [pos]);
    if (Number(reached) !== 0) {
      const [status] = await r.query("SHOW SLAVE STATUS");
      const why = status ? `IO ${status.Slave_IO_Running}, SQL ${status.Slave_SQL_Running}, ${status.Last_IO_Error || status.Last_SQL_Error || "no error"}` : "replication not configured";
      throw new Error(`waitForReplica: replica did not reach ${pos} within 30 s (MASTER_GTID_WAIT = ${reached}; ${why})`);
    }
  } finally {
    await r.close();
  }
}

/** The repository root (cwd of runCli). */
export const REPO_ROOT = resolve(import.meta.dir, "../..");

/** Variables a CLI child never inherits: they would change which server or credentials it uses. */
const NOT_INHERITED = /^(SERVERDB_ETL_|MYSQL_)|^CREDENTIALS_DIRECTORY$/;

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * `bun run src/cli.ts ...args` from the repo root (or opts.cwd). HOME is an empty temp dir (no ~/.my.cnf
 * leaks in) unless opts.env sets one; SERVERDB_ETL_*, MYSQL_* and CREDENTIALS_DIRECTORY
 * come only from opts.env. Throws if the child outlives timeoutMs (it is killed).
 */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string>; stdin?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<CliResult> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !NOT_INHERITED.test(k)));
  const env = { ...inherited, HOME: join(state().baseDir, "home"), ...opts.env } as Record<string, string>;
  const proc = Bun.spawn([process.execPath, "run", join(REPO_ROOT, "src/cli.ts"), ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env,
    stdin: opts.stdin !== undefined ? new TextEncoder().encode(opts.stdin) : "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, timeoutMs);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  if (timedOut) {
    throw new Error(`runCli: serverdb-etl ${args.join(" ")} did not finish within ${timeoutMs} ms (killed)\nstderr: ${stderr.slice(-2000)}`);
  }
  return { exitCode, stdout, stderr };
}

/** The CLI result when it exited 0; otherwise fail with its output (the tail of stdout and stderr). */
export function ok(what: string, r: CliResult): CliResult {
  if (r.exitCode !== 0) throw new Error(`${what} exited ${r.exitCode}\nstdout: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-4000)}`);
  return r;
}

/** Run `fn` with a root connection to `database` on `server` (the primary by default), closed afterwards. */
export async function withDb<T>(database: string, fn: (db: MysqlDb) => Promise<T>, server: TestServer = servers().primary): Promise<T> {
  const db = await connect(server, database);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * `etl` from `source` into `dw` on the test bed's primary, waiting for the replica (as the
 * read-only user); `reportDate` undefined means today (no "not today" warning on stderr).
 */
export function etlArgs(source: string, dw: string, reportDate?: string, extra: string[] = []): string[] {
  const { primary, replica } = servers();
  return [
    "etl",
    "--source", dsn(primary, source),
    "--target", dsn(primary, dw),
    "--replica", dsn(replica, dw, "ro"),
    ...(reportDate ? ["--report-date", reportDate] : []),
    ...extra,
  ];
}
