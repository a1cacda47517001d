// The day partitions' names and DDL (MariaDB's with an MDL wait cap, MySQL's without), and the
// strict day check that lets a day into DDL as a literal.
import { describe, expect, test } from "bun:test";
import { daysOfDescription, mysqlDayPartitions, partitionName } from "../../../../src/engine/mysql/day-partitions.ts";
import type { Db } from "../../../../src/engine/db.ts";

/** Only what addSql/dropSql look at: not a MysqlDb, so the MySQL spelling. */
const plainDb = { engine: "mysql", label: "mysql://x", caps: {} } as unknown as Db;

describe("day partitions", () => {
  test("pYYYYMMDD names, and the days of a LIST COLUMNS description", () => {
    expect(partitionName("2026-12-07")).toBe("p20261207");
    expect(daysOfDescription("'2026-12-07'")).toEqual(["2026-12-07"]);
    expect(daysOfDescription("'2026-12-07','2026-12-08'")).toEqual(["2026-12-07", "2026-12-08"]);
  });
  test("the DDL: a backtick-quoted table and partition, the day as a literal", () => {
    expect(mysqlDayPartitions.addSql(plainDb, "server_facts", "2026-12-07")).toBe(
      "ALTER TABLE `server_facts` ADD PARTITION (PARTITION `p20261207` VALUES IN ('2026-12-07'))",
    );
    expect(mysqlDayPartitions.dropSql(plainDb, "server_fact_roles", ["p20261207", "p20261208"])).toBe("ALTER TABLE `server_fact_roles` DROP PARTITION `p20261207`, `p20261208`");
  });
  test("anything but a real calendar day never reaches the DDL", () => {
    for (const bad of ["2026-02-30", "2026-13-01", "2026-1-01", "2026-12-07'); DROP TABLE x; --", ""]) {
      expect(() => mysqlDayPartitions.addSql(plainDb, "server_facts", bad)).toThrow("not a report day");
    }
  });
  test("a retried ADD or DROP whose first attempt had landed is recognised by its error code", () => {
    const err = (code: string) => Object.assign(new Error(code), { cause: { code } });
    expect(mysqlDayPartitions.alreadyDone(err("ER_SAME_NAME_PARTITION"))).toBe(true);
    expect(mysqlDayPartitions.alreadyDone(err("ER_DROP_PARTITION_NON_EXISTENT"))).toBe(true);
    expect(mysqlDayPartitions.alreadyDone(err("ER_LOCK_WAIT_TIMEOUT"))).toBe(false);
  });
});
