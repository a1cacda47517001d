// Read the facts doctor judges from one MariaDB/MySQL server: version, account and grants,
// server variables, and per role the ServerDB tables (source) or replication status (replica).
// Read-only: SELECTs with LIMIT 0, SHOW statements, nothing written. Deciding is judge.ts's job.
import type { MysqlDb } from "./mysql-db.ts";
import { mysqlErrorCode } from "./errors.ts";
import { quoteIdent } from "../ident.ts";
import { sourceTables } from "../../doctor/source-tables.ts";
import { parseAccount, parseGrantLine, type Grant } from "../../doctor/grants.ts";
import type { DatabaseRefusal, HistorySize, ReplicaStatus, ReplicationFacts, Role, ServerFacts, ServerVariables, TableAccess } from "../../doctor/types.ts";
import { engineSql } from "../../sql.ts";
import { readWsrep } from "./galera.ts";

/** Variables read with one SHOW GLOBAL VARIABLES; names a server lacks are simply absent. */
const VARIABLES = [
  "server_id",
  "log_bin",
  "binlog_format",
  "read_only",
  "max_allowed_packet",
  "time_zone",
  "system_time_zone",
  "gtid_binlog_pos",
  "gtid_slave_pos",
  "gtid_strict_mode",
  "gtid_mode",
  "gtid_executed",
  "innodb_buffer_pool_size",
] as const;

/** Read everything doctor needs to know about a server in its role; `database` is the DSN's (the
 * connection lacks it when the server refused it: `refused` says how). */
export async function inspectServer(db: MysqlDb, role: Role, database: string, refused?: DatabaseRefusal, joinedTables: readonly string[] = []): Promise<ServerFacts> {
  const [{ v: version, u: currentUser }] = await db.query<{ v: string; u: string }>("SELECT VERSION() AS v, CURRENT_USER() AS u");
  const flavor = /mariadb/i.test(version) ? "mariadb" : "mysql";
  const facts: ServerFacts = {
    version,
    flavor,
    account: parseAccount(currentUser),
    database,
    grants: [],
    rolesUnexpanded: false,
    vars: await readVariables(db),
  };
  await readGrants(db, facts);
  if (refused) facts.databaseRefused = { code: refused, visible: await readVisibleDatabases(db) };
  if (role === "source") facts.tables = await probeTables(db, facts.database, sourceTables(joinedTables));
  if (flavor === "mariadb") facts.galera = await readWsrep(db);
  if (role === "replica") facts.replication = await readReplication(db);
  if (role === "target" && database) facts.history = await readHistorySize(db, database);
  return facts;
}

/** The databases this account can see: all of them only with SHOW DATABASES, else those it holds something in. */
async function readVisibleDatabases(db: MysqlDb): Promise<string[]> {
  const rows = await db.query<{ name: string }>("SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME");
  return rows.map((r) => String(r.name));
}

async function readVariables(db: MysqlDb): Promise<ServerVariables> {
  const placeholders = VARIABLES.map(() => "?").join(", ");
  const rows = await db.query<{ Variable_name: string; Value: string }>(
    `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${placeholders})`,
    VARIABLES,
  );
  const v = new Map(rows.map((r) => [r.Variable_name.toLowerCase(), String(r.Value ?? "")]));
  const on = (name: string) => /^(ON|1)$/i.test(v.get(name) ?? "");
  return {
    serverId: Number(v.get("server_id") ?? 0),
    logBin: on("log_bin"),
    binlogFormat: (v.get("binlog_format") ?? "").toUpperCase(),
    readOnly: on("read_only"),
    maxAllowedPacket: Number(v.get("max_allowed_packet") ?? 0),
    timeZone: v.get("time_zone") ?? "",
    systemTimeZone: v.get("system_time_zone") ?? "",
    gtidBinlogPos: v.get("gtid_binlog_pos"),
    gtidSlavePos: v.get("gtid_slave_pos"),
    gtidStrictMode: v.has("gtid_strict_mode") ? on("gtid_strict_mode") : undefined,
    gtidMode: v.get("gtid_mode")?.toUpperCase(),
    gtidExecuted: v.get("gtid_executed")?.replace(/\s+/g, ""),
    bufferPoolBytes: v.has("innodb_buffer_pool_size") ? Number(v.get("innodb_buffer_pool_size")) : undefined,
  };
}

/** SHOW GRANTS (the current user: allowed for everyone). Keeps only parsed privileges, never the raw lines. */
async function readGrants(db: MysqlDb, facts: ServerFacts): Promise<void> {
  let rows: Record<string, unknown>[];
  try {
    rows = await db.query("SHOW GRANTS");
  } catch (err) {
    facts.grantsError = mysqlErrorCode(err) || "SHOW GRANTS failed";
    return;
  }
  const grants: Grant[] = [];
  let roleGranted = false;
  for (const row of rows) {
    const parsed = parseGrantLine(String(Object.values(row)[0] ?? ""));
    if (parsed.kind === "privileges") grants.push(parsed.grant);
    else if (parsed.kind === "role") roleGranted = true;
  }
  facts.grants = grants;
  // MariaDB's SHOW GRANTS appends the active role's (and PUBLIC's) grants; MySQL's names the roles only.
  facts.rolesUnexpanded = roleGranted && facts.flavor === "mysql";
}

/**
 * Try `SELECT 1 FROM db.t LIMIT 0` on each table: the exact privilege check (roles,
 * wildcards and table grants included) and the existence check in one. The server answers
 * "denied" rather than "missing" for a table the user may not see, so denied wins.
 */
async function probeTables(db: MysqlDb, database: string, tables: string[]): Promise<Record<string, TableAccess>> {
  const out: Record<string, TableAccess> = {};
  for (const t of tables) {
    try {
      await db.query(`SELECT 1 FROM ${quoteIdent(database, "source database")}.${quoteIdent(t, "table")} LIMIT 0`);
      out[t] = "ok";
    } catch (err) {
      const code = mysqlErrorCode(err);
      if (code === "ER_NO_SUCH_TABLE" || code === "ER_BAD_DB_ERROR") out[t] = "missing";
      else if (/ACCESS_DENIED/.test(code)) out[t] = "denied";
      else throw err;
    }
  }
  return out;
}

/** SHOW REPLICA STATUS (MariaDB ≥ 10.5, MySQL ≥ 8.0.22), else SHOW SLAVE STATUS. */
async function readReplication(db: MysqlDb): Promise<ReplicationFacts> {
  let rows: Record<string, unknown>[];
  try {
    try {
      rows = await db.query("SHOW REPLICA STATUS");
    } catch (err) {
      if (mysqlErrorCode(err) !== "ER_PARSE_ERROR") throw err;
      rows = await db.query("SHOW SLAVE STATUS");
    }
  } catch (err) {
    if (/ACCESS_DENIED/.test(mysqlErrorCode(err))) return { state: "denied", error: mysqlErrorCode(err) };
    throw err;
  }
  if (rows.length === 0) return { state: "none" };
  return { state: "read", status: replicaStatus(rows[0]) };
}

/** Unify MySQL 8's Replica_/Source_ column names with MariaDB's and MySQL 5.7's Slave_/Master_ ones. */
export function replicaStatus(row: Record<string, unknown>): ReplicaStatus {
  const pick = (...names: string[]) => {
    for (const n of names) if (row[n] !== undefined) return row[n];
    return undefined;
  };
  const text = (...names: string[]) => String(pick(...names) ?? "");
  const behind = pick("Seconds_Behind_Source", "Seconds_Behind_Master");
  const autoPosition = pick("Auto_Position");
  return {
    ioRunning: text("Replica_IO_Running", "Slave_IO_Running"),
    sqlRunning: text("Replica_SQL_Running", "Slave_SQL_Running"),
    secondsBehind: behind === null || behind === undefined || behind === "" ? null : Number(behind),
    sourceHost: text("Source_Host", "Master_Host"),
    sourcePort: Number(pick("Source_Port", "Master_Port") ?? 0),
    sourceServerId: Number(pick("Source_Server_Id", "Master_Server_Id") ?? 0),
    usingGtid:
      pick("Using_Gtid") !== undefined ? text("Using_Gtid") : Number(autoPosition) === 1 ? "Auto_Position" : "No",
    lastIoError: text("Last_IO_Error"),
    lastSqlError: text("Last_SQL_Error"),
  };
}

/**
 * The size of the fact tables (data and keys, as InnoDB estimates them) and the number of days
 * they hold; undefined when they cannot be read (no tables yet, or no privilege on them).
 */
async function readHistorySize(db: MysqlDb, database: string): Promise<HistorySize | undefined> {
  try {
    const [{ bytes }] = await db.query<{ bytes: number | string | null }>(
      "SELECT SUM(DATA_LENGTH + INDEX_LENGTH) AS bytes FROM information_schema.TABLES " +
        "WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN ('server_facts', 'server_fact_roles')",
      [database],
    );
    // The connection's default database is the DSN's (doctor falls back to none when access is denied: then this fails).
    const days = await db.query(engineSql("mysql", "fact_days"), ["1000-01-01", "9999-12-31"]);
    return bytes === null ? undefined : { bytes: Number(bytes), days: days.length };
  } catch {
    return undefined;
  }
}
