// The fact tables' partitions on MariaDB/MySQL: one LIST COLUMNS (report_date) partition per day,
// named pYYYYMMDD. Lists them from information_schema.PARTITIONS and builds the DDL that adds or
// drops one. A day cannot be a placeholder in DDL, so it goes in as a literal, and only after
// passing the strict date check below (the same rule the identifiers' quoting follows).
import type { Db } from "../db.ts";
import type { DayPartitions } from "../engine.ts";
import { quoteIdent } from "../ident.ts";
import { mysqlErrorCode } from "./errors.ts";
import { MysqlDb } from "./mysql-db.ts";

/** MDL wait for the DDL: a long report query must delay tonight's ADD PARTITION, not queue every reader behind it for a day. */
const DDL_LOCK_WAIT_S = 60;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `day` as a DDL literal, once proven a real calendar day ('2026-02-30' is refused). */
function dayLiteral(day: string): string {
  const m = DAY.exec(day);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.toISOString().slice(0, 10) !== day) throw new Error(`not a report day: ${JSON.stringify(day)} (a bug: days are validated before they reach DDL)`);
  return `'${day}'`;
}

/** pYYYYMMDD: the partition of one day. */
export function partitionName(day: string): string {
  dayLiteral(day);
  return `p${day.replaceAll("-", "")}`;
}

/** `'2026-12-07'` or `'2026-12-07','2026-12-08'` (PARTITION_DESCRIPTION of LIST COLUMNS) → the days. */
export function daysOfDescription(description: string): string[] {
  return [...description.matchAll(/'(\d{4}-\d{2}-\d{2})'/g)].map((m) => m[1]!);
}

interface PartitionRow {
  name: string | null;
  method: string | null;
  expr: string | null;
  description: string | null;
}

export const mysqlDayPartitions: DayPartitions = {
  async list(db, table) {
    const rows = await db.query<PartitionRow>(
      `SELECT PARTITION_NAME AS name, PARTITION_METHOD AS method, PARTITION_EXPRESSION AS expr, PARTITION_DESCRIPTION AS description
         FROM information_schema.PARTITIONS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
      [table],
    );
    const parts = rows.filter((r) => r.name !== null);
    // Not partitioned, or partitioned some other way (a DBA's choice, left alone).
    if (!parts.length || parts.some((r) => (r.method ?? "").toUpperCase() !== "LIST COLUMNS" || (r.expr ?? "").replaceAll("`", "") !== "report_date")) return undefined;
    const out = new Map<string, { name: string; days: number }>();
    for (const r of parts) {
      const days = daysOfDescription(r.description ?? "");
      for (const day of days) out.set(day, { name: r.name!, days: days.length });
    }
    return out;
  },
  addSql(db: Db, table, day) {
    const ddl = `ALTER TABLE ${quoteIdent(table)} ADD PARTITION (PARTITION ${quoteIdent(partitionName(day))} VALUES IN (${dayLiteral(day)}))`;
    return isMariadb(db) ? `SET STATEMENT lock_wait_timeout = ${DDL_LOCK_WAIT_S} FOR ${ddl}` : ddl;
  },
  dropSql(db: Db, table, names) {
    const ddl = `ALTER TABLE ${quoteIdent(table)} DROP PARTITION ${names.map((n) => quoteIdent(n)).join(", ")}`;
    return isMariadb(db) ? `SET STATEMENT lock_wait_timeout = ${DDL_LOCK_WAIT_S} FOR ${ddl}` : ddl;
  },
  alreadyDone(err) {
    // A retried ADD whose first attempt had landed, or a DROP whose had.
    const code = mysqlErrorCode(err);
    return code === "ER_SAME_NAME_PARTITION" || code === "ER_DROP_PARTITION_NON_EXISTENT";
  },
};

function isMariadb(db: Db): boolean {
  return db instanceof MysqlDb && db.isMariadb;
}
