// A real PuppetDB on 127.0.0.1 for the PuppetDB test files, started lazily (puppetdb(): once per
// `bun test` process, stopped by pid and its dir removed at the end, also when a test fails).
// The field notes' recipe: a PostgreSQL 15 of its own (initdb/pg_ctl as the postgres user, trust
// auth, own port), a database the puppetdb role owns with pg_trgm, then Debian's puppetdb.jar
// run as our child with a config dir of its own, up once GET /pdb/meta/v1/version answers 200.
// PuppetDB listens twice: plain HTTP, and HTTPS with certificates of a CA made for the bed
// (client certificates required; only the `serverdb-etl` one is on its certificate allowlist).
// Bring-up measured on the 2-core dev machine: 28 s (21 CPU s in the JVM) while another benchmark
// kept the machine busy, PSS ~420 MB (PuppetDB) + ~55 MB (PostgreSQL); printed at start
// ("puppetdb test bed: … up in N s").
import { chownSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { TESTBED_DIR_PREFIX, cleanStaleTestbeds, freePorts, testbedParentDir, writeOwner } from "./mariadb.ts";
import { makeCa, makeCert, type Pem } from "./pki.ts";

const PG_BIN = "/usr/lib/postgresql/15/bin";
const PUPPETDB_JAR = "/usr/share/puppetdb/puppetdb.jar";
const BOOTSTRAP = "/etc/puppetdb/bootstrap.cfg";
const AUTH_CONF = "/etc/puppetdb/conf.d/auth.conf";
/**
 * Heap enough for a test fleet of a few thousand nodes (Debian's default is 192m). C1 only and the
 * serial collector: the start then costs the 2-core machine ~21 CPU s instead of ~48 (measured),
 * which matters next to other people's timing-sensitive tests; a test bed needs no peak speed.
 */
const JAVA_OPTS = ["-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"];

/** What a test submitted for one node: the truth the client's answers are checked against. */
export interface SubmittedFacts {
  values: Record<string, unknown>;
  /** ISO instant, as PuppetDB echoes it (milliseconds, Z). */
  producerTimestamp: string;
}

/** PuppetDB's HTTPS side and the PEM files to reach it. */
export interface PuppetdbHttps {
  /** https://127.0.0.1:PORT */
  url: string;
  /** The bed's CA (it signed PuppetDB's certificate and the clients'). */
  caFile: string;
  /** CN=serverdb-etl, on PuppetDB's certificate allowlist. */
  client: Pem;
  /** CN=intruder: signed by the same CA, not on the allowlist. */
  intruder: Pem;
  /** The dir for a test's own certificates (removed with the bed). */
  dir: string;
}

export interface PuppetdbBed {
  /** http://127.0.0.1:PORT */
  url: string;
  https: PuppetdbHttps;
  version: string;
  pgPort: number;
  /** The PuppetDB JVM's pid (for SIGSTOP/SIGCONT in the slow-PuppetDB tests). */
  pid: number;
  baseDir: string;
  /** Seconds from the first initdb to version → 200. */
  bringUpS: number;
  /** Proportional set size (MB) of the PuppetDB JVM and of all PostgreSQL processes, once up. */
  rssMb: { puppetdb: number; postgres: number };
  /** CPU seconds the JVM used until up (less sensitive to a busy machine than bringUpS). */
  startCpuS: number;
  /** Submit a replace_facts command (asynchronous in PuppetDB: see waitForFacts). */
  replaceFacts(certname: string, values: Record<string, unknown>, producerTimestamp: Date | string): Promise<void>;
  /** Until every node submitted since the last reset shows its last producer_timestamp (60 s at most). */
  waitForFacts(deadlineMs?: number): Promise<void>;
  /** Every node submitted since the last reset and not deleted: certname → its last facts. */
  submitted(): ReadonlyMap<string, SubmittedFacts>;
  /** Delete every node (PuppetDB's synchronous admin `delete` command), so a test file starts empty. */
  deleteAllNodes(): Promise<void>;
  stop(): Promise<void>;
}

async function run(argv: string[], what: string): Promise<string> {
  const proc = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`puppetdb test bed: ${what} exited ${code}:\n${tail(out + err, 30)}`);
  return out;
}

const asPostgres = (argv: string[]) => ["runuser", "-u", "postgres", "--", ...argv];

function tail(text: string, lines = 25): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

function logTail(file: string): string {
  return existsSync(file) ? tail(readFileSync(file, "utf8")) : `(no ${file})`;
}

/** CPU seconds (user + system) a process has used, from /proc/PID/stat (clock ticks of 1/100 s on Linux). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Sum of Pss (kB) over pids: shared pages counted once, unlike VmRSS. */
function pssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return Math.round(kb / 1024);
}

/** The postmaster and its children (the backends, checkpointer, …). */
function postgresPids(postmaster: number): number[] {
  const out = [postmaster];
  for (const task of [`/proc/${postmaster}/task/${postmaster}/children`]) {
    try {
      out.push(...readFileSync(task, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      // no /proc children file: count the postmaster alone
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    // A zombie still answers kill 0; its state letter says it is gone.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > until) return false;
    await Bun.sleep(50);
  }
  return true;
}

/** PostgreSQL 15 in `dir` (owned by postgres) on `port`; returns the postmaster's pid. */
async function startPostgres(dir: string, port: number): Promise<number> {
  mkdirSync(dir);
  chownSync(dir, uidOf("postgres"), gidOf("postgres"));
  chmodSync(dir, 0o700);
  const data = join(dir, "data");
  await run(asPostgres([`${PG_BIN}/initdb`, "-D", data, "--auth=trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]), "initdb");
  await run(
    asPostgres([
      `${PG_BIN}/pg_ctl`, "-D", data, "-l", join(dir, "postgres.log"), "-w", "-t", "60",
      // Small and unsynced: a throwaway bed, not a server to keep.
      "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB`,
      "start",
    ]),
    "pg_ctl start",
  );
  const pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  // pg_ctl's child outlives it; our own record of the pid, for cleanStaleTestbeds after a SIGKILL.
  writeFileSync(join(dir, "..", "postgres.spawned-pid"), String(pid));
  const psql = (db: string, ...sql: string[]) =>
    run([`${PG_BIN}/psql`, "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-q", ...sql.flatMap((s) => ["-c", s])], `psql ${sql.join("; ")}`);
  await psql("postgres", "CREATE ROLE puppetdb LOGIN", "CREATE DATABASE puppetdb OWNER puppetdb ENCODING 'UTF8' TEMPLATE template0");
  await psql("puppetdb", "CREATE EXTENSION pg_trgm");
  return pid;
}

function uidOf(user: string): number {
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`puppetdb test bed: no user ${user}; run \`bash scripts/ensure-test-tools.sh\` (postgresql-15 creates it)`);
  return Number(line.split(":")[2]);
}

function gidOf(user: string): number {
  return Number(readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${user}:`))!.split(":")[3]);
}

/** The bed's CA, PuppetDB's certificate and two clients', in `dir`. */
async function makePki(dir: string): Promise<{ ca: Pem; server: Pem; client: Pem; intruder: Pem }> {
  mkdirSync(dir);
  const ca = await makeCa(dir, "serverdb-etl-test-ca");
  const [server, client, intruder] = await Promise.all([makeCert(dir, ca, "127.0.0.1", "server"), makeCert(dir, ca, "serverdb-etl", "client"), makeCert(dir, ca, "intruder", "client")]);
  return { ca, server, client, intruder };
}

/** PuppetDB's config dir: its vardir, its own log file, the database, HTTP and HTTPS on 127.0.0.1. */
function writePuppetdbConfig(dir: string, pgPort: number, httpPort: number, httpsPort: number, pki: { ca: Pem; server: Pem }): string {
  const conf = join(dir, "conf.d");
  mkdirSync(join(dir, "var"), { recursive: true });
  mkdirSync(conf);
  // Debian's logback.xml writes to /var/log/puppetdb; the bed's log stays in its dir.
  writeFileSync(
    join(dir, "logback.xml"),
    `<configuration>\n  <appender name="F" class="ch.qos.logback.core.FileAppender">\n    <file>${join(dir, "puppetdb.log")}</file>\n` +
      `    <encoder><pattern>%d %-5p [%c{2}] %m%n</pattern></encoder>\n  </appender>\n  <root level="info"><appender-ref ref="F"/></root>\n</configuration>\n`,
  );
  writeFileSync(join(dir, "allowlist"), "serverdb-etl\n");
  writeFileSync(
    join(conf, "config.ini"),
    `[global]\nvardir = ${join(dir, "var")}\nlogging-config = ${join(dir, "logback.xml")}\n\n[puppetdb]\ncertificate-allowlist = ${join(dir, "allowlist")}\n`,
  );
  writeFileSync(join(conf, "database.ini"), `[database]\nsubname = //127.0.0.1:${pgPort}/puppetdb\nusername = puppetdb\npassword = unused-trust-auth\n`);
  writeFileSync(
    join(conf, "jetty.ini"),
    `[jetty]\nhost = 127.0.0.1\nport = ${httpPort}\nssl-host = 127.0.0.1\nssl-port = ${httpsPort}\n` +
      `ssl-key = ${pki.server.keyFile}\nssl-cert = ${pki.server.certFile}\nssl-ca-cert = ${pki.ca.certFile}\nclient-auth = need\n`,
  );
  writeFileSync(join(conf, "auth.conf"), readFileSync(AUTH_CONF));
  return conf;
}

/** Until GET /pdb/meta/v1/version → 200, retrying only while nothing listens or PuppetDB is still starting (503). */
async function waitUntilUp(url: string, java: Subprocess, log: string, deadlineMs = 120_000): Promise<string> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (java.exitCode !== null || java.signalCode !== null) {
      throw new Error(`puppetdb test bed: java exited (${java.exitCode ?? java.signalCode}) during start:\n${logTail(log)}`);
    }
    try {
      const res = await fetch(`${url}/pdb/meta/v1/version`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return ((await res.json()) as { version: string }).version;
      if (res.status !== 503 && res.status !== 404) throw new Error(`puppetdb test bed: ${url}/pdb/meta/v1/version answered ${res.status}:\n${logTail(log)}`);
    } catch (err) {
      if ((err as { code?: string }).code !== "ECONNREFUSED") throw err;
    }
    if (Date.now() > until) throw new Error(`puppetdb test bed: not up within ${deadlineMs} ms:\n${logTail(log)}`);
    await Bun.sleep(200);
  }
}

async function query<T>(url: string, pql: string): Promise<T[]> {
  const res = await fetch(`${url}/pdb/query/v4?query=${encodeURIComponent(pql)}`);
  if (!res.ok) throw new Error(`puppetdb test bed: ${pql} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T[];
}

/** Start PostgreSQL and PuppetDB in a new dir under `parent`. */
export async function startPuppetdb(parent = testbedParentDir()): Promise<PuppetdbBed> {
  const started = performance.now();
  if (!existsSync(PUPPETDB_JAR) || !existsSync(`${PG_BIN}/initdb`)) {
    throw new Error(`puppetdb test bed: ${PUPPETDB_JAR} or ${PG_BIN}/initdb missing; run \`bash scripts/ensure-test-tools.sh\` as root`);
  }
  cleanStaleTestbeds(parent);
  const baseDir = mkdtempSync(join(parent, `${TESTBED_DIR_PREFIX}puppetdb-`));
  writeOwner(baseDir);
  // The postgres user must reach its datadir inside our 0700 temp dir: traverse, not list.
  chmodSync(baseDir, 0o711);
  let postmaster: number | undefined;
  let java: Subprocess | undefined;
  const stop = async () => {
    if (java && java.exitCode === null && java.signalCode === null) {
      // SIGCONT first: a JVM a test left stopped would never see the SIGTERM.
      java.kill("SIGCONT");
      java.kill("SIGTERM");
      const timer = setTimeout(() => java!.kill("SIGKILL"), 15_000);
      await java.exited;
      clearTimeout(timer);
    }
    // Started but not yet returned (a later step failed): its pid record says which.
    if (postmaster === undefined && existsSync(join(baseDir, "postgres.spawned-pid"))) postmaster = Number(readFileSync(join(baseDir, "postgres.spawned-pid"), "utf8"));
    // SIGINT is PostgreSQL's fast shutdown; SIGQUIT (immediate) if it hangs.
    if (postmaster !== undefined && alive(postmaster)) {
      process.kill(postmaster, "SIGINT");
      if (!(await waitGone(postmaster, 10_000))) process.kill(postmaster, "SIGQUIT");
      await waitGone(postmaster, 5_000);
    }
    rmSync(baseDir, { recursive: true, force: true });
  };
  try {
    const [pgPort, httpPort, httpsPort] = await freePorts(3);
    const [pg, pki] = await Promise.all([startPostgres(join(baseDir, "pg"), pgPort!), makePki(join(baseDir, "pki"))]);
    postmaster = pg;
    const pdbDir = join(baseDir, "puppetdb");
    const conf = writePuppetdbConfig(pdbDir, pgPort!, httpPort!, httpsPort!, pki);
    const out = join(pdbDir, "stdout.log");
    java = Bun.spawn(
      ["java", ...JAVA_OPTS, "-cp", PUPPETDB_JAR, "clojure.main", "-m", "puppetlabs.puppetdb.core", "services", "--config", conf, "--bootstrap-config", BOOTSTRAP],
      { cwd: pdbDir, stdin: "ignore", stdout: Bun.file(out), stderr: Bun.file(out) },
    );
    // The preload's afterAll / exit handler stops it; it must not keep `bun test` alive by itself.
    java.unref();
    writeFileSync(join(baseDir, "puppetdb.spawned-pid"), String(java.pid));
    const url = `http://127.0.0.1:${httpPort}`;
    const version = await waitUntilUp(url, java, join(pdbDir, "puppetdb.log"));
    const bringUpS = (performance.now() - started) / 1000;
    const rssMb = { puppetdb: pssMb([java.pid]), postgres: pssMb(postgresPids(postmaster)) };
    const startCpuS = cpuSeconds(java.pid);

    let submitted = new Map<string, SubmittedFacts>();
    const bed: PuppetdbBed = {
      url,
      https: { url: `https://127.0.0.1:${httpsPort}`, caFile: pki.ca.certFile, client: pki.client, intruder: pki.intruder, dir: join(baseDir, "pki") },
      version,
      pgPort: pgPort!,
      pid: java.pid,
      baseDir,
      bringUpS,
      rssMb,
      startCpuS,
      async replaceFacts(certname, values, producerTimestamp) {
        const at = new Date(producerTimestamp).toISOString();
        const body = { certname, environment: "production", producer_timestamp: at, producer: "serverdb-etl-test", values };
        const res = await fetch(`${url}/pdb/cmd/v1?command=replace_facts&version=5&certname=${encodeURIComponent(certname)}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        if (!res.ok) throw new Error(`puppetdb test bed: replace_facts ${certname} → ${res.status} ${await res.text()}`);
        submitted.set(certname, { values, producerTimestamp: at });
      },
      async waitForFacts(deadlineMs = 60_000) {
        // Commands are processed asynchronously: done when every node shows the last producer_timestamp submitted.
        const until = Date.now() + deadlineMs;
        for (;;) {
          const rows = await query<{ certname: string; producer_timestamp: string }>(url, "factsets[certname, producer_timestamp] {}");
          const seen = new Map(rows.map((r) => [r.certname, r.producer_timestamp]));
          const pending = [...submitted].filter(([c, f]) => seen.get(c) !== f.producerTimestamp).map(([c]) => c);
          if (!pending.length) return;
          if (Date.now() > until) throw new Error(`puppetdb test bed: ${pending.length} nodes still unprocessed after ${deadlineMs} ms (${pending.slice(0, 5).join(", ")}…)`);
          await Bun.sleep(100);
        }
      },
      submitted: () => submitted,
      async deleteAllNodes() {
        const rows = await query<{ certname: string }>(url, 'nodes[certname] { node_state = "any" }');
        for (const { certname } of rows) {
          const res = await fetch(`${url}/pdb/admin/v1/cmd`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ command: "delete", version: 1, payload: { certname } }),
          });
          if (!res.ok) throw new Error(`puppetdb test bed: delete ${certname} → ${res.status} ${await res.text()}`);
        }
        submitted = new Map();
      },
      stop,
    };
    return bed;
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

const KEY = Symbol.for("serverdb-etl.puppetdb");

/**
 * The process's one PuppetDB: started by the first caller, kept for the other PuppetDB test files
 * of the process, stopped by the preload's afterAll (stopPuppetdbBed), or killed from an exit
 * handler as a last resort.
 */
export function puppetdb(): Promise<PuppetdbBed> {
  const g = globalThis as Record<symbol, Promise<PuppetdbBed> | undefined>;
  if (!g[KEY]) {
    const starting = startPuppetdb();
    g[KEY] = starting;
    starting.then(
      (b) => {
        process.stderr.write(
          `puppetdb test bed: PuppetDB ${b.version} on ${b.url} (PostgreSQL 15 on 127.0.0.1:${b.pgPort}) up in ${b.bringUpS.toFixed(1)} s (JVM ${b.startCpuS.toFixed(1)} CPU s), ` +
            `PSS ${b.rssMb.puppetdb} MB (PuppetDB) + ${b.rssMb.postgres} MB (PostgreSQL)\n`,
        );
        process.on("exit", () => {
          for (const name of ["puppetdb", "postgres"]) {
            try {
              const pid = Number(readFileSync(join(b.baseDir, `${name}.spawned-pid`), "utf8"));
              // SIGQUIT is PostgreSQL's immediate shutdown (it takes its backends along; SIGKILL would orphan them).
              process.kill(pid, name === "postgres" ? "SIGQUIT" : "SIGKILL");
            } catch {
              // already gone
            }
          }
          rmSync(b.baseDir, { recursive: true, force: true });
        });
      },
      () => {},
    );
  }
  return g[KEY]!;
}

/** The preload's afterAll: stop PuppetDB and its PostgreSQL if a test file started them. */
export async function stopPuppetdbBed(): Promise<void> {
  const g = globalThis as Record<symbol, Promise<PuppetdbBed> | undefined>;
  const starting = g[KEY];
  g[KEY] = undefined;
  const b = await starting?.catch(() => undefined);
  await b?.stop();
}
