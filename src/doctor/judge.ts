// Decide, from the facts of one server, what is fine for its role (source, target or
// replica). Pure: facts in, checks out, each not-ok check with a one-line fix. The MySQL 8
// paths (gtid_mode, Replica_/Source_ columns, unexpanded roles) cannot run here (no MySQL 8
// on the test machine); their unit tests feed facts objects instead.
import { grantStatement, missingPrivileges } from "./grants.ts";
import { HISTORY_TABLE } from "./source-tables.ts";
import { judgeHotSet } from "./hot-set.ts";
import type { Check, ReplicaStatus, Role, ServerFacts } from "./types.ts";

/** What judging one server may know about the others. */
export interface JudgeContext {
  /** Replicas are configured, so the target's binary log matters. */
  replicasConfigured: boolean;
  /** The target's server_id, when the target could be read (to check what a replica follows). */
  targetServerId?: number;
}

/** The warehouse privileges, each with the commands that need it (shown when missing). */
export const TARGET_PRIVILEGES: ReadonlyArray<{ privilege: string; neededBy: string }> = [
  { privilege: "SELECT", neededBy: "etl's stale-row sweep, aggregate's REPLACE … SELECT, expire's choice of days, init --check" },
  { privilege: "INSERT", neededBy: "etl's and aggregate's REPLACE, starting an etl_runs record" },
  { privilege: "UPDATE", neededBy: "finishing an etl_runs record" },
  { privilege: "DELETE", neededBy: "REPLACE of an existing row, removing stale rows, expire" },
  { privilege: "CREATE", neededBy: "init creates the tables" },
];

/** Below this, a load batch of wide rows can hit ER_NET_PACKET_TOO_LARGE. */
export const MIN_PACKET_BYTES = 16 * 1024 * 1024;
/** A replica further behind than this makes every load batch wait. */
export const LAG_WARN_SECONDS = 300;

export function judge(role: Role, facts: ServerFacts, ctx: JudgeContext): Check[] {
  const checks = [judgeVersion(facts)];
  if (role === "source") checks.push(...judgeSourceTables(facts), ...describeSourceReplication(facts));
  if (role === "target") {
    checks.push(judgeTargetPrivileges(facts), judgeTargetReadOnly(facts), ...judgeBinlog(facts, ctx), ...judgeTargetGtid(facts), ...judgeHotSet(facts));
  }
  if (role === "replica") checks.push(...judgeReplica(facts, ctx));
  checks.push(judgePacket(role, facts), judgeTimeZone(facts));
  return checks;
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
    checks.push({
      check: "privileges",
      result: "fail",
      detail: `no SELECT on ${denied.length} of ${Object.keys(tables).length} ServerDB tables in \`${f.database}\` (${list(denied)})`,
      fix: grantStatement(["SELECT"], f.database, f.account),
    });
  } else {
    checks.push({ check: "privileges", result: "ok", detail: `SELECT on the ServerDB tables of \`${f.database}\`` });
  }
  if (requiredMissing.length) {
    checks.push({
      check: "tables",
      result: "fail",
      detail: `\`${f.database}\` lacks ${requiredMissing.length} ServerDB tables (${list(requiredMissing)})`,
      fix: "run generate or check the database name in --source",
    });
  } else if (missing.includes(HISTORY_TABLE)) {
    checks.push({
      check: "tables",
      result: "warn",
      detail: `\`${f.database}\` has no ${HISTORY_TABLE}`,
      fix: "nightly runs work; backfill needs django-simple-history's table, check the database name",
    });
  } else if (!denied.length) {
    checks.push({ check: "tables", result: "ok", detail: `all ${Object.keys(tables).length} ServerDB tables present` });
  }
  return checks;
}

export function judgeTargetPrivileges(f: ServerFacts): Check {
  const needed = TARGET_PRIVILEGES.map((p) => p.privilege);
  if (f.grantsError) {
    return {
      check: "privileges",
      result: "warn",
      detail: `could not read SHOW GRANTS (${f.grantsError})`,
      fix: `make sure the user holds ${needed.join(", ")} on \`${f.database}\``,
    };
  }
  const missing = missingPrivileges(f.grants, f.database, needed);
  if (!missing.length) return { check: "privileges", result: "ok", detail: `${needed.join(", ")} on \`${f.database}\`` };
  const why = missing.map((p) => `${p} (${TARGET_PRIVILEGES.find((x) => x.privilege === p)!.neededBy})`).join("; ");
  if (f.rolesUnexpanded) {
    return {
      check: "privileges",
      result: "warn",
      detail: `not granted directly, may come from a role: ${missing.join(", ")} on \`${f.database}\``,
      fix: "check with SHOW GRANTS FOR CURRENT_USER() USING <role>, or " + grantStatement(missing, f.database, f.account),
    };
  }
  return {
    check: "privileges",
    result: "fail",
    detail: `missing on \`${f.database}\`: ${why}`,
    fix: grantStatement(missing, f.database, f.account),
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
    checks.push({
      check: "privileges",
      result: "fail",
      detail: `cannot read replication status (${rep.error}); waits and lag checks need ${privilege}`,
      fix: grantStatement([privilege], "*", f.account),
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
