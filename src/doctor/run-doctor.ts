// doctor's flow: connect to every configured endpoint at once (each with a short connect
// timeout), read its facts, then judge each in its role. A connection that fails is one
// failing row with the driver's reason; the other endpoints are still checked.
import type { Connections } from "../settings/connections.ts";
import { describeEndpoint, type Endpoint } from "../settings/dsn.ts";
import { MysqlDb } from "../engine/mysql/mysql-db.ts";
import { mysqlErrorCode } from "../engine/mysql/errors.ts";
import { logger } from "../log.ts";
import { inspectServer } from "../engine/mysql/doctor-inspect.ts";
import { checkSqlite } from "../engine/sqlite/doctor.ts";
import { judge, type JudgeContext } from "./judge.ts";
import type { Check, ReportRow, Role, ServerFacts } from "./types.ts";

const log = logger("doctor");

export interface DoctorOptions {
  /** Seconds to wait for each server to accept the connection. */
  connectTimeoutS: number;
}

/** Doctor's defaults, in one place. */
export const DOCTOR_DEFAULTS: DoctorOptions = { connectTimeoutS: 5 };

interface Measured {
  role: Role;
  endpoint: Endpoint;
  label: string;
  connect: Check;
  facts?: ServerFacts;
  /** Checks already judged (a SQLite file). */
  extra?: Check[];
}

/** Check every configured endpoint; rows in the order source, target, replicas. */
export async function runDoctor(conns: Connections, opts: DoctorOptions = DOCTOR_DEFAULTS): Promise<ReportRow[]> {
  const endpoints: Array<{ role: Role; endpoint: Endpoint }> = [];
  if (conns.source) endpoints.push({ role: "source", endpoint: conns.source });
  if (conns.target) endpoints.push({ role: "target", endpoint: conns.target });
  for (const r of conns.replicas) endpoints.push({ role: "replica", endpoint: r });

  const measured = await Promise.all(endpoints.map(({ role, endpoint }) => measure(role, endpoint, opts)));
  const target = measured.find((m) => m.role === "target");
  const ctx: JudgeContext = { replicasConfigured: conns.replicas.length > 0, targetServerId: target?.facts?.vars.serverId };

  const secrets = endpoints.map(({ endpoint }) => (endpoint.kind === "mysql" ? endpoint.password : undefined));
  const rows: ReportRow[] = [];
  for (const m of measured) {
    const checks = [m.connect, ...(m.facts ? judge(m.role, m.facts, ctx) : []), ...(m.extra ?? [])];
    for (const c of checks) rows.push(scrub({ role: m.role, endpoint: m.label, ...c }, secrets));
  }
  return rows;
}

/** Connect and read one server's facts; never throws (a failure becomes the connect row). */
async function measure(role: Role, endpoint: Endpoint, opts: DoctorOptions): Promise<Measured> {
  const label = describeEndpoint(endpoint);
  const fail = (detail: string): Measured => ({ role, endpoint, label, connect: { check: "connect", result: "fail", detail } });
  if (endpoint.kind === "sqlite") {
    // A file, not a server: its checks are its own (no account, grants or server variables).
    const [connect, ...checks] = await checkSqlite(role, endpoint.path);
    return { role, endpoint, label, connect: connect!, extra: checks };
  }

  const started = performance.now();
  let db: MysqlDb;
  let note = "";
  try {
    db = await MysqlDb.connect(endpoint, { connectTimeoutS: opts.connectTimeoutS });
  } catch (err) {
    // The account exists but may not use the database: connect without it, so the
    // privilege checks below can name the exact GRANT.
    if (mysqlErrorCode(err) !== "ER_DBACCESS_DENIED_ERROR" || !endpoint.database) return fail(reason(err, label));
    try {
      db = await MysqlDb.connect({ ...endpoint, database: "" }, { connectTimeoutS: opts.connectTimeoutS });
      note = `, but not to \`${endpoint.database}\` (access denied)`;
    } catch {
      return fail(reason(err, label));
    }
  }
  const ms = Math.round(performance.now() - started);
  try {
    const facts = await withDeadline(inspectServer(db, role, endpoint.database), opts.connectTimeoutS * 3);
    const connect: Check = note
      ? { check: "connect", result: "warn", detail: `connected as ${account(facts)}${note}`, fix: "see the privileges row" }
      : { check: "connect", result: "ok", detail: `connected as ${account(facts)} in ${ms} ms` };
    await closeQuickly(db);
    return { role, endpoint, label, connect, facts };
  } catch (err) {
    log.debug(`${label}: inspection failed`, err);
    void closeQuickly(db);
    return fail(reason(err, label));
  }
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

/** Belt and braces: no row may carry a configured password, whatever a driver message contains. */
function scrub(row: ReportRow, secrets: Array<string | undefined>): ReportRow {
  let { detail, fix } = row;
  for (const s of secrets) {
    if (!s || s.length < 3) continue;
    detail = detail.split(s).join("***");
    fix = fix?.split(s).join("***");
  }
  return { ...row, detail, fix };
}
