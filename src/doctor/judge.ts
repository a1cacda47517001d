// Decide, from the facts of one server, what is fine for its role (source, target or
// replica). Pure: facts in, checks out, each not-ok check with a one-line fix. The MySQL 8
// paths (gtid_mode, Replica_/Source_ columns, unexpanded roles) cannot run here (no MySQL 8
// on the test machine); their unit tests feed facts objects instead.
import { grantStatement } from "./grants.ts";
import { judgeHotSet } from "./hot-set.ts";
import { judgeFailover, judgeGalera } from "./judge-galera.ts";
import { DSN_OF, databaseState, judgeDatabase } from "./judge-database.ts";
import { HISTORY_TABLE, sourceTables } from "./source-tables.ts";
import { describeTablePrivileges, describeTables, missingTargetPrivileges, TARGET_PRIVILEGES, targetGrantStatements, targetNeeds } from "./target-privileges.ts";
import type { Check, ReplicaStatus, Role, ServerFacts } from "./types.ts";

/** What judging one server may know about the others. */
export interface JudgeContext {
  /** Replicas are configured, so the target's binary log matters. */
  replicasConfigured: boolean;
  /** The target's server_id, when the target could be read (to check what a replica follows). */
  targetServerId?: number;
  /** This version's warehouse tables, in creation order (the target's privileges are judged per table). */
  warehouseTables: readonly string[];
  /** The source tables the ETL reads (doctor/source-tables.ts, declared joins included); default: the SQL's. */
  sourceTables?: readonly string[];
}

/** Below this, a load batch of wide rows can hit ER_NET_PACKET_TOO_LARGE. */
export const MIN_PACKET_BYTES = 16 * 1024 * 1024;
/** A replica further behind than this makes every load batch wait. */
export const LAG_WARN_SECONDS = 300;

export function judge(role: Role, facts: ServerFacts, ctx: JudgeContext): Check[] {
  const database = judgeDatabase(role, facts, grantsIfRight(role, facts, ctx));
  const checks = [...(database ? [database] : []), judgeVersion(facts)];
  // A database that does not exist, or may not: its row says so, and privileges or tables of it
  // would only repeat that with GRANTs on what may be a typo.
  const usable = ["ok", "exists"].includes(databaseState(facts));
  if (role === "source") checks.push(...(usable ? judgeSourceTables(facts) : []), ...describeSourceReplication(facts));
  if (role === "target") {
    checks.push(...(usable ? [judgeTargetPrivileges(facts, ctx.warehouseTables)] : []), judgeTargetReadOnly(facts), ...judgeBinlog(facts, ctx));
    // A Galera node's row says what its waits need (wsrep_gtid_mode), in place of the binlog's GTIDs.
    checks.push(...(facts.galera ? [judgeGalera(facts.galera)] : judgeTargetGtid(facts)), ...judgeHotSet(facts));
    if (facts.failover?.length) checks.push(judgeFailover(facts.galera, facts.failover));
  }
  // Another node of the target's cluster is waited on the Galera way, not as a replica.
  if (role === "replica") checks.push(...(facts.galera ? [judgeGalera(facts.galera, ctx.targetServerId)] : judgeReplica(facts, ctx)));
  checks.push(judgePacket(role, facts), judgeTimeZone(facts));
  return checks;
}

/** Everything a role needs in its database, as GRANTs on it (for a database the server will not describe). */
function grantsIfRight(role: Role, f: ServerFacts, ctx: JudgeContext): string[] {
  if (role === "source") return sourceGrantStatements(ctx.sourceTables ?? sourceTables(), f);
  if (role === "target") return targetGrantStatements(targetNeeds(ctx.warehouseTables), f.database, f.account);
  return [];
}

/** SELECT on each of `tables` of the source database, one GRANT per table: nothing else there (auth_user, django_session). */
export function sourceGrantStatements(tables: readonly string[], f: ServerFacts): string[] {
  return tables.map((t) => grantStatement(["SELECT"], f.database, f.account, t));
}

/** The fix of a check whose statements are printed after the table: the statement itself when there is one. */
function runStatements(statements: readonly string[], what: string): string {
  return statements.length === 1 ? statements[0] : `run the ${statements.length} GRANT statements printed after the table (${what})`;
}

/** "10.11.19-MariaDB-0+deb12u1" → [10, 11, 19]. */
export function versionNumbers(version: string): number[] {
  return (version.match(/^(\d+)\.(\d+)(?:\.(\d+))?/) ?? []).slice(1).map((n) => Number(n ?? 0));
}

function atLeast(have: number[], want: number[]): boolean {
  for (let i = 0; i < want.length; i++) if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i];
  return true;
}

export function judgeVersion(f: ServerFacts): Check {
  const [major = 0, minor = 0, patch = 0] = versionNumbers(f.version);
  const name = `${f.flavor === "mariadb" ? "MariaDB" : "MySQL"} ${major}.${minor}.${patch}`;
  const floor = f.flavor === "mariadb" ? [10, 6] : [8, 0];
  if (atLeast([major, minor], floor)) return { check: "version", result: "ok", detail: name };
  return {
    check: "version",
    result: "warn",
    detail: `${name} is older than ${f.flavor === "mariadb" ? "MariaDB 10.6" : "MySQL 8.0"}, the oldest this tool expects`,
    fix: "expect GTID waits or SHOW REPLICA STATUS to behave differently; upgrade the server when you can",
  };
}

/** Source: SELECT on every table the extract reads (measured by trying), and the tables exist. */
export function judgeSourceTables(f: ServerFacts): Check[] {
  const tables = f.tables ?? {};
  const denied = Object.keys(tables).filter((t) => tables[t] === "denied");
  const missing = Object.keys(tables).filter((t) => tables[t] === "missing");
  const requiredMissing = missing.filter((t) => t !== HISTORY_TABLE);
  const checks: Check[] = [];
  if (denied.length) {
    const statements = sourceGrantStatements(denied, f);
    checks.push({
      check: "privileges",
      result: "fail",
      detail: `no SELECT on ${denied.length} of ${Object.keys(tables).length} ServerDB tables in \`${f.database}\` (${list(denied)})`,
      fix: runStatements(statements, "SELECT on each table the extract and backfill read, and on nothing else"),
      statements,
    });
  } else {
    checks.push({ check: "privileges", result: "ok", detail: `SELECT on the ServerDB tables of \`${f.database}\`` });
  }
  if (requiredMissing.length) {
    checks.push({
      check: "tables",
      result: "fail",
      detail: `\`${f.database}\` lacks ${requiredMissing.length} ServerDB tables (${list(requiredMissing)})`,
      fix: `check that ${DSN_OF.source} names ServerDB's (Django's) database; for a test database, serverdb-etl generate creates one`,
    });
  } else if (missing.includes(HISTORY_TABLE)) {
    checks.push({
      check: "tables",
      result: "warn",
      detail: `\`${f.database}\` has no ${HISTORY_TABLE}`,
      fix: `nightly runs work; backfill needs django-simple-history's table: check that ${DSN_OF.source} names ServerDB's database`,
    });
  } else if (!denied.length) {
    checks.push({ check: "tables", result: "ok", detail: `all ${Object.keys(tables).length} ServerDB tables present` });
  }
  return checks;
}

/** Target: what the warehouse tables need (target-privileges.ts), from SHOW GRANTS; the fix is one GRANT per table. */
export function judgeTargetPrivileges(f: ServerFacts, tables: readonly string[]): Check {
  const needs = targetNeeds(tables);
  const db = `\`${f.database}\``;
  if (f.grantsError) {
    const statements = targetGrantStatements(needs, f.database, f.account);
    return {
      check: "privileges",
      result: "warn",
      detail: `could not read SHOW GRANTS (${f.grantsError})`,
      fix: `make sure the account holds ${describeTablePrivileges(needs, tables)} in ${db}: ${runStatements(statements, "one per table")}`,
      statements,
    };
  }
  const missing = missingTargetPrivileges(f.grants, f.database, tables);
  if (!missing.length) return { check: "privileges", result: "ok", detail: `${describeTablePrivileges(needs, tables)} in ${db}` };
  const statements = targetGrantStatements(missing, f.database, f.account);
  if (f.rolesUnexpanded) {
    return {
      check: "privileges",
      result: "warn",
      detail: `not granted directly, may come from a role: ${describeTablePrivileges(missing, tables)} in ${db}`,
      fix: `check with SHOW GRANTS FOR CURRENT_USER() USING <role>; if they are missing, ${runStatements(statements, "one per table")}`,
      statements,
    };
  }
  const why = TARGET_PRIVILEGES.flatMap((p) => {
    const lacking = missing.filter((t) => t.privileges.includes(p.privilege)).map((t) => t.table);
    return lacking.length ? [`${p.privilege} on ${describeTables(lacking, tables)} (${p.neededBy})`] : [];
  }).join("; ");
  return {
    check: "privileges",
    result: "fail",
    detail: `missing in ${db}: ${why}`,
    fix: runStatements(statements, "one per warehouse table, with only what it lacks"),
    statements,
  };
}

export function judgeTargetReadOnly(f: ServerFacts): Check {
  if (!f.vars.readOnly) return { check: "read_only", result: "ok", detail: "read_only OFF: writable" };
  return {
    check: "read_only",
    result: "fail",
    detail: "read_only is ON: this looks like a replica, loads would be refused",
    fix: "point --target at the warehouse primary",
  };
}

/** Binary log: what replicas follow. ROW keeps REPLACE … SELECT safe to replicate. */
export function judgeBinlog(f: ServerFacts, ctx: JudgeContext): Check[] {
  if (!f.vars.logBin) {
    if (f.galera) return [{ check: "binlog", result: "ok", detail: "binary log OFF (the Galera nodes need none; an async replica of this node would)" }];
    if (ctx.replicasConfigured) {
      return [{
        check: "binlog",
        result: "fail",
        detail: "binary log is OFF, so no replica can follow this target",
        fix: "enable log_bin (and binlog_format=ROW) in the server's config and restart, or drop --replica",
      }];
    }
    return [{ check: "binlog", result: "ok", detail: "binary log OFF (no replicas configured)" }];
  }
  if (f.vars.binlogFormat === "ROW") return [{ check: "binlog", result: "ok", detail: "binary log ON, format ROW" }];
  return [{
    check: "binlog",
    result: "warn",
    detail: `binlog_format is ${f.vars.binlogFormat || "unknown"}; ROW is recommended (REPLACE … SELECT is unsafe for statement-based replication)`,
    fix: "SET GLOBAL binlog_format = 'ROW' and binlog_format = ROW in the server's config",
  }];
}

/** Source: binary log and GTIDs play no part in reading it; shown for the record, always ok. */
export function describeSourceReplication(f: ServerFacts): Check[] {
  const binlog = f.vars.logBin ? `binary log ON, format ${f.vars.binlogFormat || "?"}` : "binary log OFF";
  const gtid =
    f.flavor === "mariadb"
      ? `gtid_binlog_pos ${f.vars.gtidBinlogPos || "(empty)"}`
      : `gtid_mode ${f.vars.gtidMode ?? "?"}`;
  return [
    { check: "binlog", result: "ok", detail: `${binlog} (not needed to read a source)` },
    { check: "gtid", result: "ok", detail: `${gtid} (not needed to read a source)` },
  ];
}

/** Target: can replicas wait for our GTIDs, or will waits fall back to polling lag? */
export function judgeTargetGtid(f: ServerFacts): Check[] {
  if (!f.vars.logBin) return [];
  if (f.flavor === "mariadb") {
    // MariaDB writes GTIDs whenever the binary log is on; strict mode only guards against divergence.
    const strict = f.vars.gtidStrictMode ? "gtid_strict_mode ON" : "gtid_strict_mode OFF";
    return [{ check: "gtid", result: "ok", detail: `gtid_binlog_pos ${f.vars.gtidBinlogPos || "(empty)"}, ${strict}` }];
  }
  return [judgeMysqlGtidMode(f)];
}

/** MySQL: GTID waits (WAIT_FOR_EXECUTED_GTID_SET) need gtid_mode=ON on target and replicas. */
export function judgeMysqlGtidMode(f: ServerFacts): Check {
  if (f.vars.gtidMode === "ON") return { check: "gtid", result: "ok", detail: `gtid_mode ON, gtid_executed ${shorten(f.vars.gtidExecuted || "(empty)")}` };
  return {
    check: "gtid",
    result: "warn",
    detail: `gtid_mode is ${f.vars.gtidMode ?? "unknown"}: replica waits poll Seconds_Behind_Source instead of waiting for GTIDs`,
    fix: "enable GTIDs: enforce_gtid_consistency=ON, then gtid_mode OFF_PERMISSIVE → ON_PERMISSIVE → ON",
  };
}

export function judgeReplica(f: ServerFacts, ctx: JudgeContext): Check[] {
  const rep = f.replication ?? { state: "none" as const };
  const checks: Check[] = [];
  if (rep.state === "denied") {
    const privilege = f.flavor === "mariadb" ? "SLAVE MONITOR" : "REPLICATION CLIENT";
    const statement = grantStatement([privilege], "*", f.account);
    checks.push({
      check: "privileges",
      result: "fail",
      // A global privilege by nature: the replica account needs no privilege on any database.
      detail: `cannot read replication status (${rep.error}); waits and lag checks need ${privilege}, and nothing else`,
      fix: statement,
      statements: [statement],
    });
  } else {
    checks.push({ check: "privileges", result: "ok", detail: "can read replication status" });
  }
  if (rep.state === "none") {
    checks.push({
      check: "replication",
      result: "fail",
      detail: "not a replica: SHOW REPLICA STATUS is empty",
      fix: "point --replica at a replica of the target",
    });
  }
  if (rep.state === "read") checks.push(...judgeReplicaStatus(rep.status, f, ctx));
  checks.push(judgeReplicaReadOnly(f));
  return checks;
}

export function judgeReplicaStatus(s: ReplicaStatus, f: ServerFacts, ctx: JudgeContext): Check[] {
  const checks: Check[] = [];
  const running = s.ioRunning === "Yes" && s.sqlRunning === "Yes";
  if (!running) {
    const error = s.lastSqlError || s.lastIoError;
    checks.push({
      check: "replication",
      result: "fail",
      detail: `IO thread ${s.ioRunning || "?"}, SQL thread ${s.sqlRunning || "?"}${error ? `: ${oneLine(error)}` : ""}`,
      fix: error ? "fix the replication error above, then START REPLICA (START SLAVE)" : "START REPLICA (START SLAVE) on the replica",
    });
  } else if (s.secondsBehind !== null && s.secondsBehind > LAG_WARN_SECONDS) {
    checks.push({
      check: "replication",
      result: "warn",
      detail: `running, ${s.secondsBehind} s behind`,
      fix: "loads wait for replicas after every batch; let it catch up before the nightly run",
    });
  } else {
    checks.push({ check: "replication", result: "ok", detail: `running, ${s.secondsBehind ?? "?"} s behind` });
  }
  checks.push(judgeReplicaGtid(s, f));
  if (ctx.targetServerId !== undefined) {
    const from = `${s.sourceHost}:${s.sourcePort} (server_id ${s.sourceServerId})`;
    checks.push(
      s.sourceServerId === ctx.targetServerId
        ? { check: "upstream", result: "ok", detail: `replicates from the target, ${from}` }
        : {
            check: "upstream",
            result: "warn",
            detail: `replicates from ${from}, not the target (server_id ${ctx.targetServerId})`,
            fix: "a chained replica is fine with GTIDs; otherwise check --replica",
          },
    );
  }
  return checks;
}

function judgeReplicaGtid(s: ReplicaStatus, f: ServerFacts): Check {
  if (f.flavor === "mysql") return judgeMysqlGtidMode(f);
  const pos = `gtid_slave_pos ${f.vars.gtidSlavePos || "(empty)"}`;
  if (/^(Slave_Pos|Current_Pos)$/i.test(s.usingGtid)) return { check: "gtid", result: "ok", detail: `Using_Gtid ${s.usingGtid}, ${pos}` };
  return {
    check: "gtid",
    result: "warn",
    detail: `Using_Gtid ${s.usingGtid || "No"}: replication follows file positions (${pos})`,
    fix: "STOP SLAVE; CHANGE MASTER TO MASTER_USE_GTID = slave_pos; START SLAVE",
  };
}

function judgeReplicaReadOnly(f: ServerFacts): Check {
  if (f.vars.readOnly) return { check: "read_only", result: "ok", detail: "read_only ON" };
  return {
    check: "read_only",
    result: "warn",
    detail: "read_only is OFF: a stray write here would break replication",
    fix: "SET GLOBAL read_only = 1 and read_only = 1 in the replica's config",
  };
}

export function judgePacket(role: Role, f: ServerFacts): Check {
  const detail = `max_allowed_packet ${mib(f.vars.maxAllowedPacket)}`;
  // Only the target receives our multi-row statements; elsewhere the value is for reference.
  if (role !== "target" || f.vars.maxAllowedPacket >= MIN_PACKET_BYTES) return { check: "max_allowed_packet", result: "ok", detail };
  return {
    check: "max_allowed_packet",
    result: "warn",
    detail: `${detail} is below ${mib(MIN_PACKET_BYTES)}; multi-row load batches may not fit`,
    fix: "SET GLOBAL max_allowed_packet = 67108864 (and in the server's config), or lower --batch-size",
  };
}

/** Informative: DATETIMEs are copied as wall-clock text, so the zone never shifts data. */
export function judgeTimeZone(f: ServerFacts): Check {
  const tz = f.vars.timeZone === "SYSTEM" ? `SYSTEM (${f.vars.systemTimeZone || "?"})` : f.vars.timeZone || "?";
  return { check: "time_zone", result: "ok", detail: `time_zone ${tz}` };
}

function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

function list(names: string[]): string {
  return names.length <= 4 ? names.join(", ") : `${names.slice(0, 4).join(", ")}, …`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function shorten(text: string): string {
  return text.length > 60 ? text.slice(0, 57) + "…" : text;
}
