// doctor's flow: probe every configured endpoint at once with its engine (each with a short
// connect timeout), then judge each server's facts in its role. A connection that fails is one
// failing row with the driver's reason; the other endpoints are still checked.
import type { FactExtras } from "../extras/declare.ts";
import { sourceTables } from "./source-tables.ts";
import type { Connections } from "../settings/connections.ts";
import { describeEndpoint, endpointPassword, type Endpoint } from "../settings/dsn.ts";
import { engineFor, openDb } from "../engine/index.ts";
import { judge, type JudgeContext } from "./judge.ts";
import type { Check, ReportRow, Role, ServerFacts } from "./types.ts";
import type { PuppetdbSource } from "../puppetdb/declare.ts";
import { checkPuppetdb, type MatchSource } from "./puppetdb.ts";

export interface DoctorOptions {
  /** Seconds to wait for each server to accept the connection. */
  connectTimeoutS: number;
  /** The columns declared in [facts] (their source tables, their warehouse columns). */
  extras?: FactExtras;
  /** [puppetdb]: its rows after the servers' (connect, tls, mapping, match). */
  puppetdb?: PuppetdbSource;
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

  const [measured, puppetdbChecks] = await Promise.all([
    Promise.all(endpoints.map(({ role, endpoint }) => measure(role, endpoint, opts))),
    opts.puppetdb ? puppetdbRows(opts.puppetdb, conns.source, opts) : Promise.resolve([]),
  ]);
  const target = measured.find((m) => m.role === "target");
  // Table names are the same on every engine; the target's catalog has them.
  const warehouseTables = conns.target ? (await engineFor(conns.target).catalog.expected()).map((t) => t.schema.name) : [];
  const ctx: JudgeContext = {
    replicasConfigured: conns.replicas.length > 0,
    targetServerId: target?.facts?.vars.serverId,
    warehouseTables,
    sourceTables: sourceTables(opts.extras?.joins.map((j) => j.table)),
  };

  const secrets = endpoints.map(({ endpoint }) => endpointPassword(endpoint));
  const rows: ReportRow[] = [];
  for (const m of measured) {
    const checks = [m.connect, ...(m.facts ? judge(m.role, m.facts, ctx) : []), ...(m.extra ?? [])];
    for (const c of checks) rows.push(scrub({ role: m.role, endpoint: m.label, ...c }, secrets));
  }
  for (const c of puppetdbChecks) rows.push(scrub({ role: "puppetdb", endpoint: opts.puppetdb!.url, ...c }, secrets));
  return rows;
}

/** The puppetdb rows, counting matches on a connection of their own to the source (when there is one). */
async function puppetdbRows(source: PuppetdbSource, serverdb: Endpoint | undefined, opts: DoctorOptions): Promise<Check[]> {
  if (!serverdb) return checkPuppetdb(source, { missing: "no source given (pass --source to count the servers that would match)" });
  let db: Awaited<ReturnType<typeof openDb>> | undefined;
  let match: MatchSource;
  try {
    db = await openDb(serverdb, { purpose: "source", connectTimeoutS: opts.connectTimeoutS });
    match = { db, schema: engineFor(serverdb).schemaOf(serverdb) };
  } catch {
    match = { missing: "the source did not answer (see its connect row)" };
  }
  try {
    return await checkPuppetdb(source, match);
  } finally {
    await db?.close().catch(() => {});
  }
}

/** Probe one endpoint with its engine; never throws (a failure becomes the connect row). */
async function measure(role: Role, endpoint: Endpoint, opts: DoctorOptions): Promise<Measured> {
  const probe = await engineFor(endpoint).probe(role, endpoint, opts);
  return { role, endpoint, label: describeEndpoint(endpoint), ...probe };
}

/** Belt and braces: no row may carry a configured password, whatever a driver message contains. */
function scrub(row: ReportRow, secrets: Array<string | undefined>): ReportRow {
  let { detail, fix, statements } = row;
  for (const s of secrets) {
    if (!s || s.length < 3) continue;
    detail = detail.split(s).join("***");
    fix = fix?.split(s).join("***");
    statements = statements?.map((t) => t.split(s).join("***"));
  }
  return { ...row, detail, fix, ...(statements ? { statements } : {}) };
}
