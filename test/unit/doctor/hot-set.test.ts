// doctor's buffer-pool check: one day of facts and keys against innodb_buffer_pool_size, with the
// figures and the setting to change; judged from sizes alone (doctor-inspect reads them).
import { describe, expect, test } from "bun:test";
import { bufferPoolWanted, judgeHotSet } from "../../../src/doctor/hot-set.ts";
import type { ServerFacts } from "../../../src/doctor/types.ts";

const MIB = 2 ** 20;

function target(history: ServerFacts["history"], bufferPoolBytes: number | undefined): ServerFacts {
  return {
    version: "10.11.19-MariaDB",
    flavor: "mariadb",
    account: { user: "etl", host: "%" },
    database: "serverdb_dw",
    grants: [],
    rolesUnexpanded: false,
    vars: { serverId: 1, logBin: true, binlogFormat: "ROW", readOnly: false, maxAllowedPacket: 64 * MIB, timeZone: "SYSTEM", systemTimeZone: "UTC", bufferPoolBytes },
    history,
  };
}

describe("judgeHotSet", () => {
  test.each([
    // [what, bytes, days, pool, result]
    ["a year of 100k servers (~50 MiB a day) in a 1 GiB pool", 130 * 50 * MIB, 130, 1024 * MIB, "ok"],
    ["the same in the stock 128 MiB pool: a day is more than half of it", 130 * 80 * MIB, 130, 128 * MIB, "warn"],
    ["exactly half the pool still fits", 10 * 64 * MIB, 10, 128 * MIB, "ok"],
    ["one byte more than half does not", 10 * 64 * MIB + 10, 10, 128 * MIB, "warn"],
  ] as const)("%s → %s", (_what, bytes, days, pool, result) => {
    const [check] = judgeHotSet(target({ bytes, days }, pool));
    expect(check!.check).toBe("buffer_pool");
    expect(check!.result).toBe(result);
    expect(check!.detail).toContain(`one day of facts and their keys is ~${Math.round(bytes / days / MIB)} MiB`);
    expect(check!.detail).toContain(`the buffer pool ${Math.round(pool / MIB)} MiB`);
    if (result === "warn") {
      const want = bufferPoolWanted(bytes / days);
      expect(want).toBeGreaterThanOrEqual((2 * bytes) / days);
      expect(want % (128 * MIB)).toBe(0);
      expect(check!.fix).toBe(`raise innodb_buffer_pool_size to at least ${want / MIB} MiB: SET GLOBAL innodb_buffer_pool_size = ${want}; and the same under [mysqld] in the server's my.cnf`);
    } else expect(check!.fix).toBeUndefined();
  });

  test.each([
    ["an empty warehouse", { bytes: 16384, days: 0 }, 128 * MIB],
    ["tables not readable", undefined, 128 * MIB],
    ["a server without InnoDB's variable", { bytes: 10 * MIB, days: 1 }, undefined],
  ] as const)("%s: no check", (_what, history, pool) => {
    expect(judgeHotSet(target(history, pool))).toEqual([]);
  });
});
