// The expire stage: read the report dates present, plan them with the retention policy
// (retention.ts) as of today, refuse a large delete (delete-guard.ts), and remove the facts and
// bridge rows of the days that go: a table partitioned by day drops the day's partition
// (day-partitions.ts), another deletes them in short id-range batches with replica waits
// (ranged-delete.ts). Aggregates stay unless asked for.
import type { FactExtras } from "../extras/types.ts";
import { plural } from "../words.ts";
import type { Db } from "../engine/db.ts";
import { quoteIdent } from "../engine/ident.ts";
import { UsageError } from "../errors.ts";
import { logger } from "../log.ts";
import type { Progress } from "../progress/progress.ts";
import { SQL } from "../sql.ts";
import { engineOf } from "../engine/index.ts";
import { AGGREGATE_TABLE_NAMES } from "./aggregate-tables.ts";
import { BatchWriter, DEFAULT_BATCH_WRITER } from "./load/batch-writer.ts";
import type { WarehouseContext } from "./context.ts";
import { startPhase, stopwatch } from "./phase.ts";
import { deleteDayRows } from "./load/ranged-delete.ts";
import { dropDayPartitions } from "./load/day-partitions.ts";
import {
  DEFAULT_RETENTION,
  isoWeek,
  isoWeekday,
  planOrphanDays,
  planRetention,
  retentionAnchor,
  weekdayName,
  type DayDecision,
  type RetentionPolicy,
} from "../plans/retention.ts";
import { DEFAULT_DELETE_LIMIT, isLargeDelete, largeDeleteMessage, type DeleteLimit, type DeleteSize } from "../plans/delete-guard.ts";

export { DEFAULT_RETENTION, planRetention, type DayDecision, type RetentionPolicy };

const log = logger("expire");

export interface ExpireOptions {
  /** Which days keep their facts. */
  policy: RetentionPolicy;
  /** Plan and report only; read-only. */
  dryRun: boolean;
  /** Also delete the server_by_* rows of the days whose facts go. */
  includeAggregates: boolean;
  /** [facts]: the declared aggregate tables count among the server_by_* ones. */
  extras?: FactExtras;
  /** Days never deleted, whatever the policy says (the current run's report date). */
  protect: string[];
  /** Rows per DELETE transaction. */
  batchSize: number;
  /** Today ('YYYY-MM-DD' in `timezone`): no day after it is deleted, nor any of the daily window ending at it. */
  today: string;
  /** The IANA zone `today` is in (named in messages). */
  timezone: string;
  /** The large-delete guard (default DEFAULT_DELETE_LIMIT). */
  limit?: DeleteLimit;
}

export interface ExpireSummary {
  /** One per day present, oldest first (days with only bridge rows included). */
  decisions: DayDecision[];
  /** Days whose rows were deleted (empty on a dry run). */
  daysDeleted: string[];
  /** Dry run only: what a real run would delete, and whether it would refuse (the guard). */
  wouldDelete?: DeleteSize & { refused: boolean; limit: DeleteLimit };
  factsRemoved: number;
  roleRowsRemoved: number;
  aggregateRowsRemoved: number;
  seconds: number;
  replicaWaitS: number;
}

/** The aggregate tables this version defines, and those declared in [[facts.aggregates]]. */
export function aggregateTableNames(extras?: FactExtras): string[] {
  return [...AGGREGATE_TABLE_NAMES, ...(extras?.aggregates ?? []).map((a) => a.table)];
}

async function daysIn(db: Db, table: string): Promise<string[]> {
  const rows = await db.query<{ report_date: string }>(engineOf(db).sql("expire_days").replaceAll("{table}", quoteIdent(table)));
  return rows.map((r) => String(r.report_date));
}

/** The plan for every day present in server_facts, plus the days that have only bridge rows. */
export async function planExpire(db: Db, policy: RetentionPolicy, today: string, protect: readonly string[]): Promise<DayDecision[]> {
  const factDays = await daysIn(db, "server_facts");
  const withFacts = new Set(factDays);
  const orphans = (await daysIn(db, "server_fact_roles")).filter((d) => !withFacts.has(d));
  const anchor = factDays.length ? retentionAnchor(factDays, today) : undefined;
  return [
    ...planRetention(factDays, policy, today, protect),
    ...planOrphanDays(orphans, anchor, policy, today, protect),
  ].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** The fact and bridge rows of `days`, counted day by day through the report_date indexes. */
async function countRows(db: Db, days: readonly string[]): Promise<{ factRows: number; roleRows: number }> {
  const count = async (table: string, day: string) =>
    Number((await db.query<{ n: number | string }>(SQL.expireCountDay.replaceAll("{table}", quoteIdent(table)), [day]))[0]!.n);
  let factRows = 0;
  let roleRows = 0;
  for (const day of days) {
    factRows += await count("server_facts", day);
    roleRows += await count("server_fact_roles", day);
  }
  return { factRows, roleRows };
}

/** Days after today are kept, and said so at WARNING on every expire until someone removes them. */
function warnFutureDays(decisions: readonly DayDecision[], today: string, timezone: string): void {
  const future = decisions.filter((d) => d.date > today).map((d) => d.date);
  if (!future.length) return;
  const list = future.length <= 5 ? future.join(", ") : `${future.slice(0, 5).join(", ")} and ${future.length - 5} more`;
  log.warn(
    `the warehouse holds ${days(future.length)} after today (${list}; today is ${today} in ${timezone}): retention never deletes ` +
      "such a day and counts its daily window from today or before; if it is a typo'd --report-date, delete its rows by hand",
  );
}

export async function expireFacts(ctx: WarehouseContext, options: ExpireOptions, progress: Progress): Promise<ExpireSummary> {
  const clock = stopwatch();
  const db = () => ctx.target.db;
  const decisions = await planExpire(db(), options.policy, options.today, options.protect);
  warnFutureDays(decisions, options.today, options.timezone);
  const summary: ExpireSummary = {
    decisions,
    daysDeleted: [],
    factsRemoved: 0,
    roleRowsRemoved: 0,
    aggregateRowsRemoved: 0,
    seconds: 0,
    replicaWaitS: 0,
  };
  const doomed = decisions.filter((d) => !d.keep).map((d) => d.date);
  const limit = options.limit ?? DEFAULT_DELETE_LIMIT;
  const large = isLargeDelete(doomed.length, decisions.length, limit);
  if (options.dryRun || large) {
    const size: DeleteSize = { days: doomed, present: decisions.length, ...(await countRows(db(), doomed)) };
    if (!options.dryRun) throw new UsageError(largeDeleteMessage(size, limit, options.policy));
    summary.wouldDelete = { ...size, refused: large, limit };
  }
  if (options.dryRun || doomed.length === 0) {
    summary.seconds = clock();
    return summary;
  }
  const aggregates = options.includeAggregates ? aggregateTableNames(options.extras) : [];
  // Before the first delete: a missing aggregate table fails here, not half-way through.
  for (const t of aggregates) await db().query(SQL.expireTableProbe.replaceAll("{table}", quoteIdent(t)));

  const writer = new BatchWriter(ctx.target, ctx.replicas, progress, DEFAULT_BATCH_WRITER);
  // One phase for all the days (rows of both tables; the day in the note), not a line per day.
  const phase = startPhase(progress, "expire");
  let removed = 0;
  // A table partitioned by day drops the days' partitions, many in one statement however many
  // rows they hold; bridge rows first, so a day interrupted between the two is finished next time.
  const droppedRoles = await dropDayPartitions(writer, "server_fact_roles", doomed, (n) => phase.progress((removed += n), "dropping partitions"));
  const droppedFacts = await dropDayPartitions(writer, "server_facts", doomed, (n) => phase.progress((removed += n), "dropping partitions"));
  for (const [i, date] of doomed.entries()) {
    const note = `day ${i + 1}/${doomed.length} ${date}`;
    phase.progress(removed, note);
    // Another table deletes them in batches, bridge rows first: until the last fact row is gone the
    // day stays in the plan, so an interrupted expire is finished by the next one.
    const day = { reportDate: date, batchSize: options.batchSize };
    const roles =
      droppedRoles.get(date) ??
      (await deleteDayRows(writer, { table: "server_fact_roles", ...day, onBatch: (n) => phase.progress(removed + n, note) }));
    if (!droppedRoles.has(date)) removed += roles;
    const facts =
      droppedFacts.get(date) ??
      (await deleteDayRows(writer, { table: "server_facts", ...day, onBatch: (n) => phase.progress(removed + n, note) }));
    if (!droppedFacts.has(date)) removed += facts;
    let aggregateRows = 0;
    for (const t of aggregates) {
      aggregateRows += await writer.write([{ sql: SQL.expireAggregateDelete.replaceAll("{table}", quoteIdent(t)), params: [date] }]);
    }
    summary.daysDeleted.push(date);
    summary.factsRemoved += facts;
    summary.roleRowsRemoved += roles;
    summary.aggregateRowsRemoved += aggregateRows;
  }
  await writer.drain();
  phase.end(
    `${days(summary.daysDeleted.length)} deleted: ${summary.factsRemoved} fact rows, ${summary.roleRowsRemoved} bridge rows` +
      `${aggregates.length ? `, ${summary.aggregateRowsRemoved} aggregate rows` : ""} removed`,
  );
  summary.replicaWaitS = writer.replicaWaitMs / 1000;
  summary.seconds = clock();
  return summary;
}

/** The dry run's table: one line per day with its weekday, ISO week, keep/delete and why. */
export function formatRetentionTable(decisions: readonly DayDecision[]): string {
  const rows = decisions.map((d) => [d.date, weekdayName(isoWeekday(d.date)), isoWeek(d.date).label, d.keep ? "keep" : "delete", d.reason]);
  const header = ["date", "weekday", "iso_week", "action", "reason"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

const days = (n: number) => plural(n, "day");

/** One line for people and journald. */
export function formatExpireSummary(s: ExpireSummary, dryRun: boolean): string {
  const kept = s.decisions.filter((d) => d.keep).length;
  const doomed = s.decisions.length - kept;
  if (dryRun) {
    const w = s.wouldDelete;
    const rows = w ? ` (${w.factRows} fact rows, ${w.roleRows} bridge rows)` : "";
    const refusal = w?.refused
      ? `; a real run would refuse: more than --max-delete-share ${w.limit.maxSharePercent}% of the days, pass --allow-large-delete if this is meant`
      : "";
    return `expire (dry run): ${doomed} of ${days(s.decisions.length)} would be deleted${rows}, ${kept} kept; nothing was changed${refusal}`;
  }
  const aggregates = s.aggregateRowsRemoved ? `, ${s.aggregateRowsRemoved} aggregate rows` : "";
  const range = s.daysDeleted.length ? ` (${s.daysDeleted[0]} … ${s.daysDeleted[s.daysDeleted.length - 1]})` : "";
  return (
    `expire: ${days(s.daysDeleted.length)} deleted${range}, ${s.factsRemoved} fact rows, ${s.roleRowsRemoved} bridge rows` +
    `${aggregates} removed; ${days(kept)} kept; replica wait ${s.replicaWaitS.toFixed(1)} s, total ${s.seconds.toFixed(1)} s`
  );
}
