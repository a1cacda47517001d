// doctor's MariaDB/MySQL probe: connect with a short timeout (falling back to no database when
// the server refuses the DSN's, so doctor/judge-database.ts can tell a name that does not exist
// from one the account may not use), then read the server's facts for doctor/judge.ts. Never
// throws: a failure is the connect row.
import type { ProbeOptions } from "../engine.ts";
import type { DoctorProbe } from "../engine.ts";
import type { MysqlEndpoint } from "../../settings/dsn.ts";
import { describeEndpoint, endpointHosts } from "../../settings/dsn.ts";
import { logger } from "../../log.ts";
import type { Check, DatabaseRefusal, FailoverHost, Role, ServerFacts } from "../../doctor/types.ts";
import { MysqlDb } from "./mysql-db.ts";
import { connectWriter } from "./writer-failover.ts";
import { mysqlErrorCode } from "./errors.ts";
import { inspectServer } from "./doctor-inspect.ts";

const log = logger("doctor");

/** Connect and read one server's facts; never throws (a failure becomes the connect row). */
export async function probeMysql(role: Role, endpoint: MysqlEndpoint, opts: ProbeOptions): Promise<DoctorProbe> {
  const label = describeEndpoint(endpoint);
  const fail = (detail: string): DoctorProbe => ({ connect: { check: "connect", result: "fail", detail } });
  const started = performance.now();
  // A replica's database plays no part (only its replication status is read), as in the run.
  const ep = role === "replica" ? { ...endpoint, database: "" } : endpoint;
  let db: MysqlDb;
  let refused: DatabaseRefusal | undefined;
  try {
    // A target listing several Galera nodes: the node the run would write through.
    db = await connectWriter(ep, { connectTimeoutS: opts.connectTimeoutS });
  } catch (err) {
    // The server took the account but refused the database: connect without it, so the
    // database row can tell a name that does not exist from one the account may not use.
    const code = mysqlErrorCode(err);
    if ((code !== "ER_DBACCESS_DENIED_ERROR" && code !== "ER_BAD_DB_ERROR") || !ep.database) return fail(reason(err, label));
    try {
      db = await connectWriter({ ...ep, database: "" }, { connectTimeoutS: opts.connectTimeoutS });
      refused = code;
    } catch {
      return fail(reason(err, label));
    }
  }
  const ms = Math.round(performance.now() - started);
  try {
    const facts = await withDeadline(inspectServer(db, role, endpoint.database, refused, opts.extras?.joins.map((j) => j.table)), opts.connectTimeoutS * 3);
    if (role === "target" && endpoint.failover?.length) facts.failover = await inspectFailoverHosts(endpoint, db, opts.connectTimeoutS);
    const to = refused ? ", to the server only (the database was refused: see the database row)" : "";
    const connect: Check = { check: "connect", result: "ok", detail: `connected as ${account(facts)} in ${ms} ms${to}` };
    await closeQuickly(db);
    return { connect, facts };
  } catch (err) {
    log.debug(`${label}: inspection failed`, err);
    void closeQuickly(db);
    return fail(reason(err, label));
  }
}

/** Every host of the target DSN's list but the one connected to: its wsrep state, or why it gave none. */
async function inspectFailoverHosts(ep: MysqlEndpoint, connected: MysqlDb, connectTimeoutS: number): Promise<FailoverHost[]> {
  const others = endpointHosts({ ...ep, database: "" }).filter((h) => h.host !== connected.endpoint.host || h.port !== connected.endpoint.port);
  return Promise.all(
    others.map(async (h): Promise<FailoverHost> => {
      const address = `${h.host}:${h.port}`;
      try {
        const db = await MysqlDb.connect(h, { connectTimeoutS });
        const galera = db.wsrep;
        await closeQuickly(db);
        return { address, galera };
      } catch (err) {
        return { address, error: reason(err, describeEndpoint(h)) };
      }
    }),
  );
}

/** Close, but do not wait long on a server that stopped answering (it may never acknowledge QUIT). */
function closeQuickly(db: MysqlDb): Promise<void> {
  return Promise.race([db.close(), new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]);
}

function account(f: ServerFacts): string {
  return `${f.account.user}@${f.account.host}`;
}

/** The one-line reason of a (translated) driver error, without the endpoint prefix (the row shows it). */
function reason(err: unknown, label: string): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.startsWith(`${label}: `) ? text.slice(label.length + 2) : text).replace(/\s+/g, " ").trim();
}

function withDeadline<T>(work: Promise<T>, seconds: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${seconds} s while reading server status; check the server's load`)), seconds * 1000);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
