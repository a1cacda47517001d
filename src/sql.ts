// The only module that imports sql/ as text; `bun build --compile` embeds every file here.
// A unit test checks that every file under sql/ is listed.
import serverdbSchema from "../sql/serverdb/schema.sql" with { type: "text" };
import factSelect from "../sql/serverdb/fact_select.sql" with { type: "text" };
import factCount from "../sql/serverdb/fact_count.sql" with { type: "text" };
import matchKeys from "../sql/serverdb/match_keys.sql" with { type: "text" };
import historyPassSelect from "../sql/serverdb/history_pass_select.sql" with { type: "text" };
import sqliteServerdbSchema from "../sql/sqlite/serverdb_schema.sql" with { type: "text" };
import serverdbSiteExtras from "../sql/serverdb/site_extras.sql" with { type: "text" };
import sqliteServerdbSiteExtras from "../sql/sqlite/serverdb_site_extras.sql" with { type: "text" };
import demoServersPerSite from "../sql/demo/servers_per_site.sql" with { type: "text" };
import demoTeamGrowth from "../sql/demo/team_growth.sql" with { type: "text" };
import demoCoresPerVendor from "../sql/demo/cores_per_vendor.sql" with { type: "text" };
import demoRoomPower from "../sql/demo/room_power.sql" with { type: "text" };
import etlRunsStart from "../sql/etl_runs_start.sql" with { type: "text" };
import etlRunsFinish from "../sql/etl_runs_finish.sql" with { type: "text" };
import staleIds from "../sql/stale_ids.sql" with { type: "text" };
import staleDelete from "../sql/stale_delete.sql" with { type: "text" };
import rangeDelete from "../sql/range_delete.sql" with { type: "text" };
import expireTableProbe from "../sql/expire_table_probe.sql" with { type: "text" };
import expireAggregateDelete from "../sql/expire_aggregate_delete.sql" with { type: "text" };
import expireCountDay from "../sql/expire_count_day.sql" with { type: "text" };
import etlRunsLastSuccess from "../sql/etl_runs_last_success.sql" with { type: "text" };
import mysqlCreateServerFacts from "../sql/mysql/create_server_facts.sql" with { type: "text" };
import mysqlCreateServerFactRoles from "../sql/mysql/create_server_fact_roles.sql" with { type: "text" };
import mysqlCreateEtlRuns from "../sql/mysql/create_etl_runs.sql" with { type: "text" };
import mysqlCreateAggregates from "../sql/mysql/create_aggregates.sql" with { type: "text" };
import sqliteCreateServerFacts from "../sql/sqlite/create_server_facts.sql" with { type: "text" };
import sqliteCreateServerFactRoles from "../sql/sqlite/create_server_fact_roles.sql" with { type: "text" };
import sqliteCreateEtlRuns from "../sql/sqlite/create_etl_runs.sql" with { type: "text" };
import sqliteCreateAggregates from "../sql/sqlite/create_aggregates.sql" with { type: "text" };
import mysqlExpireDays from "../sql/mysql/expire_days.sql" with { type: "text" };
import sqliteExpireDays from "../sql/sqlite/expire_days.sql" with { type: "text" };
import mysqlFactDays from "../sql/mysql/fact_days.sql" with { type: "text" };
import mysqlRangeIds from "../sql/mysql/range_ids.sql" with { type: "text" };
import sqliteRangeIds from "../sql/sqlite/range_ids.sql" with { type: "text" };
import sqliteFactDays from "../sql/sqlite/fact_days.sql" with { type: "text" };
import aggregateServerBySite from "../sql/aggregate/server_by_site.sql" with { type: "text" };
import aggregateServerByPuppetService from "../sql/aggregate/server_by_puppet_service.sql" with { type: "text" };
import aggregateServerByVendorModel from "../sql/aggregate/server_by_vendor_model.sql" with { type: "text" };
import aggregateServerByTeam from "../sql/aggregate/server_by_team.sql" with { type: "text" };
import aggregateServerByCpu from "../sql/aggregate/server_by_cpu.sql" with { type: "text" };
import reportAggregatedDays from "../sql/report/aggregated_days.sql" with { type: "text" };
import reportDayKinds from "../sql/report/day_kinds.sql" with { type: "text" };
import reportTeamDays from "../sql/report/team_days.sql" with { type: "text" };
import reportSiteDays from "../sql/report/site_days.sql" with { type: "text" };
import reportModelDays from "../sql/report/model_days.sql" with { type: "text" };
import reportNewestFactDay from "../sql/report/newest_fact_day.sql" with { type: "text" };
import reportDayServers from "../sql/report/day_servers.sql" with { type: "text" };
import reportRetirementsSeen from "../sql/report/retirements_seen.sql" with { type: "text" };
import aggregateNextFactDay from "../sql/aggregate/next_fact_day.sql" with { type: "text" };
import aggregateServerRetirements from "../sql/aggregate/server_retirements.sql" with { type: "text" };
import aggregateDeleteDay from "../sql/aggregate/delete_day.sql" with { type: "text" };
import aggregateCountDay from "../sql/aggregate/count_day.sql" with { type: "text" };
import aggregateRunDays from "../sql/aggregate/run_days.sql" with { type: "text" };
import aggregateLatestDay from "../sql/aggregate/latest_day.sql" with { type: "text" };
import aggregateSliceSizesOld from "../sql/aggregate/slice_sizes_old.sql" with { type: "text" };
import aggregateSliceSizesNew from "../sql/aggregate/slice_sizes_new.sql" with { type: "text" };
import aggregateSliceDelete from "../sql/aggregate/slice_delete.sql" with { type: "text" };
import aggregateSliceInsert from "../sql/aggregate/slice_insert.sql" with { type: "text" };
import backfillDayRuns from "../sql/backfill_day_runs.sql" with { type: "text" };
import backfillDayHasRows from "../sql/backfill_day_has_rows.sql" with { type: "text" };
import backfillNewestDay from "../sql/backfill_newest_day.sql" with { type: "text" };
import backfillAggregatedDays from "../sql/backfill_aggregated_days.sql" with { type: "text" };

export const SQL = {
  serverdbSchema,
  factSelect,
  factCount,
  matchKeys,
  historyPassSelect,
  sqliteServerdbSchema,
  serverdbSiteExtras,
  sqliteServerdbSiteExtras,
  demoServersPerSite,
  demoTeamGrowth,
  demoCoresPerVendor,
  demoRoomPower,
  etlRunsStart,
  etlRunsFinish,
  staleIds,
  staleDelete,
  rangeDelete,
  expireTableProbe,
  expireAggregateDelete,
  expireCountDay,
  etlRunsLastSuccess,
  aggregateServerBySite,
  aggregateServerByPuppetService,
  aggregateServerByVendorModel,
  aggregateServerByTeam,
  aggregateServerByCpu,
  aggregateServerRetirements,
  aggregateNextFactDay,
  reportAggregatedDays,
  reportDayKinds,
  reportTeamDays,
  reportSiteDays,
  reportModelDays,
  reportNewestFactDay,
  reportDayServers,
  reportRetirementsSeen,
  aggregateDeleteDay,
  aggregateCountDay,
  aggregateRunDays,
  aggregateLatestDay,
  /** Only where caps.transactionLimit is set (a Galera node, so MariaDB: CRC32): aggregate-day.ts. */
  aggregateSliceSizesOld,
  aggregateSliceSizesNew,
  aggregateSliceDelete,
  aggregateSliceInsert,
  backfillDayRuns,
  backfillDayHasRows,
  backfillNewestDay,
  backfillAggregatedDays,
  mysqlCreateServerFacts,
  mysqlCreateServerFactRoles,
  mysqlCreateEtlRuns,
  mysqlCreateAggregates,
  sqliteCreateServerFacts,
  sqliteCreateServerFactRoles,
  sqliteCreateEtlRuns,
  sqliteCreateAggregates,
  mysqlExpireDays,
  sqliteExpireDays,
  mysqlFactDays,
  sqliteFactDays,
  mysqlRangeIds,
  sqliteRangeIds,
} as const;

/**
 * Warehouse SQL that differs per engine, where one portable text cannot do: the DDL, the
 * "which days are present" walks (MariaDB has a loose index scan, SQLite needs a recursive walk),
 * and expire's id walk (MariaDB needs FORCE INDEX on a table partitioned by day).
 * Each is sql/mysql/<name>.sql and sql/sqlite/<name>.sql, the same name on both.
 */
export type EngineSqlName = "create_etl_runs" | "create_server_facts" | "create_server_fact_roles" | "create_aggregates" | "expire_days" | "fact_days" | "range_ids";

const ENGINE_SQL: Record<"mysql" | "sqlite", Record<EngineSqlName, string>> = {
  mysql: {
    create_etl_runs: SQL.mysqlCreateEtlRuns,
    create_server_facts: SQL.mysqlCreateServerFacts,
    create_server_fact_roles: SQL.mysqlCreateServerFactRoles,
    create_aggregates: SQL.mysqlCreateAggregates,
    expire_days: SQL.mysqlExpireDays,
    fact_days: SQL.mysqlFactDays,
    range_ids: SQL.mysqlRangeIds,
  },
  sqlite: {
    create_etl_runs: SQL.sqliteCreateEtlRuns,
    create_server_facts: SQL.sqliteCreateServerFacts,
    create_server_fact_roles: SQL.sqliteCreateServerFactRoles,
    create_aggregates: SQL.sqliteCreateAggregates,
    expire_days: SQL.sqliteExpireDays,
    fact_days: SQL.sqliteFactDays,
    range_ids: SQL.sqliteRangeIds,
  },
};

/** The engine's text of an engine-specific statement (Db.engine picks it): the one place that chooses. */
export function engineSql(engine: "mysql" | "sqlite", name: EngineSqlName): string {
  return ENGINE_SQL[engine][name];
}

/** The sql/ files imported above, relative to sql/ (for the "every file is used" test). */
export const SQL_FILES = [
  "serverdb/schema.sql",
  "serverdb/fact_select.sql",
  "serverdb/fact_count.sql",
  "serverdb/match_keys.sql",
  "serverdb/history_pass_select.sql",
  "sqlite/serverdb_schema.sql",
  "serverdb/site_extras.sql",
  "sqlite/serverdb_site_extras.sql",
  "demo/servers_per_site.sql",
  "demo/team_growth.sql",
  "demo/cores_per_vendor.sql",
  "demo/room_power.sql",
  "etl_runs_start.sql",
  "etl_runs_finish.sql",
  "stale_ids.sql",
  "stale_delete.sql",
  "range_delete.sql",
  "expire_table_probe.sql",
  "expire_aggregate_delete.sql",
  "expire_count_day.sql",
  "etl_runs_last_success.sql",
  "mysql/create_server_facts.sql",
  "mysql/create_server_fact_roles.sql",
  "mysql/create_etl_runs.sql",
  "mysql/create_aggregates.sql",
  "sqlite/create_server_facts.sql",
  "sqlite/create_server_fact_roles.sql",
  "sqlite/create_etl_runs.sql",
  "sqlite/create_aggregates.sql",
  "mysql/expire_days.sql",
  "sqlite/expire_days.sql",
  "mysql/fact_days.sql",
  "sqlite/fact_days.sql",
  "mysql/range_ids.sql",
  "sqlite/range_ids.sql",
  "aggregate/server_by_site.sql",
  "aggregate/server_by_puppet_service.sql",
  "aggregate/server_by_vendor_model.sql",
  "aggregate/server_by_team.sql",
  "aggregate/server_by_cpu.sql",
  "aggregate/server_retirements.sql",
  "aggregate/next_fact_day.sql",
  "report/aggregated_days.sql",
  "report/day_kinds.sql",
  "report/team_days.sql",
  "report/site_days.sql",
  "report/model_days.sql",
  "report/newest_fact_day.sql",
  "report/day_servers.sql",
  "report/retirements_seen.sql",
  "aggregate/delete_day.sql",
  "aggregate/count_day.sql",
  "aggregate/run_days.sql",
  "aggregate/latest_day.sql",
  "aggregate/slice_sizes_old.sql",
  "aggregate/slice_sizes_new.sql",
  "aggregate/slice_delete.sql",
  "aggregate/slice_insert.sql",
  "backfill_day_runs.sql",
  "backfill_day_has_rows.sql",
  "backfill_newest_day.sql",
  "backfill_aggregated_days.sql",
] as const;
