// The expire suites' fixture (test/integration/stages/expire.test.ts and the Galera one): the
// synthetic 400-day calendar of retention-oracle.ts moved to end today (UTC), two days after
// today and two orphan bridge days, and a warehouse filled with SQL: three small servers a day,
// one big expired day, one row per day in every aggregate table.
import type { Db } from "../../src/engine/db.ts";
import { quoteIdent } from "../../src/engine/ident.ts";
import { engineOf } from "../../src/engine/index.ts";
import { aggregateTableNames } from "../../src/stages/expire.ts";
import { CALENDAR_TODAY, syntheticCalendar } from "./retention-oracle.ts";
import { addDayPartitions } from "./day-partitions.ts";

/** Servers of every day: 1 has two roles, 2 has one, 3 none. */
export const SMALL_FACTS = 3;
export const SMALL_ROLES = 3;
/** One expired day also holds this many more servers (one role each): 5 batches per table. */
export const BIG = 2500;
/** 'YYYY-MM-DD' plus n days (Date arithmetic of the test's own). */
export const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** Today in UTC, the zone every expire here runs in; the synthetic calendar is moved to end on it. */
export const TODAY = new Date().toISOString().slice(0, 10);
export const SHIFT = Math.round((Date.parse(`${TODAY}T00:00:00Z`) - Date.parse(`${CALENDAR_TODAY}T00:00:00Z`)) / 86_400_000);
/** Bridge rows without facts: one day before the calendar, one after its newest day (today). */
export const ORPHAN_OLD = plusDays("2026-05-20", SHIFT);
export const ORPHAN_NEW = plusDays("2027-06-30", SHIFT);
/** Days after today (a typo'd --report-date two years ahead, and tomorrow): kept, never counted from. */
export const FUTURE = [plusDays(TODAY, 1), plusDays(TODAY, 730)];

/** Every day of the fixture with facts: the calendar moved to end today, and FUTURE. */
export function expireDates(): string[] {
  return [...syntheticCalendar().map((d) => plusDays(d, SHIFT)), ...FUTURE];
}

export const FACT_COLUMNS = "(id, report_date, cpu_count, cpu_cores, cpu_threads, memory, network_speed, wou_id, created_at, last_edit, etl_run_id)";

/** Multi-row INSERTs of 500 rows; every value a placeholder. */
export async function insertRows(db: Db, head: string, rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const tuple = `(${chunk[0]!.map(() => "?").join(",")})`;
    await db.execute(`${head} VALUES ${chunk.map(() => tuple).join(",")}`, chunk.flat());
  }
}

/** Facts and bridge rows of `dates` (and of `bigDay`, and bridge rows only on `orphans`), and the aggregate rows of `dates`. */
export async function fillExpireWarehouse(db: Db, dates: readonly string[], bigDay: string | undefined, orphans: readonly string[]): Promise<void> {
  const facts: unknown[][] = [];
  const roles: unknown[][] = [];
  const fact = (id: number, d: string) => facts.push([id, d, 2, 8, 16, 64, 1000, 7, "2024-01-01 00:00:00", "2024-01-01 00:00:00", 1]);
  const role = (id: number, d: string, roleId: number) => roles.push([d, id, roleId, `role${roleId}`, `svc${roleId}`, 7, "team", 1]);
  for (const d of dates) {
    for (let id = 1; id <= SMALL_FACTS; id++) fact(id, d);
    role(1, d, 1);
    role(1, d, 2);
    role(2, d, 3);
  }
  if (bigDay) {
    for (let id = 100; id < 100 + BIG; id++) {
      fact(id, bigDay);
      role(id, bigDay, 1);
    }
  }
  for (const d of orphans) role(4, d, 1);
  await addDayPartitions(db, [...facts.map((f) => String(f[1])), ...roles.map((r) => String(r[0]))]);
  await insertRows(db, `INSERT INTO server_facts ${FACT_COLUMNS}`, facts);
  await insertRows(db, "INSERT INTO server_fact_roles (report_date, id, role_id, role_name, puppet_service, wou_id, wou_name, etl_run_id)", roles);
  // One row per day in each aggregate table: report_date, plus a value for each column that
  // has no default (from this version's schema: a number, a date or text), so this works
  // whatever their columns are (server_retirements' dates included).
  const expected = await engineOf(db).catalog.expected();
  for (const t of aggregateTableNames()) {
    const schema = expected.find((e) => e.schema.name === t)!.schema;
    const needed = schema.columns.filter((c) => c.name !== "report_date" && !c.nullable && c.default.kind === "none");
    const values = needed.map((c) => (/int|real|decimal/.test(c.type) ? 0 : /^date/.test(c.type) ? "2000-01-01" : ""));
    const head = `INSERT INTO ${quoteIdent(t)} (report_date${needed.map((c) => `, ${quoteIdent(c.name)}`).join("")})`;
    await insertRows(db, head, dates.map((d) => [d, ...values]));
  }
}
