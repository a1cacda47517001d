// Acceptance gaps of the etl issue, closed with unit tests: the REPLACE path's statement caps
// (65,535 placeholders, a byte cap measured on the text mysql2 actually sends), the extract's
// dedupe by id (a fake source Db whose stream repeats an id, loaded into a real SQLite
// warehouse), and --timezone deciding "today" at a fixed instant near midnight UTC.
import { describe, expect, test } from "bun:test";
import mysql from "mysql2";
import type { Db, DbCapabilities, Row } from "../../../src/engine/db.ts";
import { SqliteDb } from "../../../src/engine/sqlite/sqlite-db.ts";
import { splitLimits } from "../../../src/stages/load/load.ts";
import { isLoad, rowStatements, type Statement } from "../../../src/stages/load/statements.ts";
import { extractServers } from "../../../src/stages/extract/extract.ts";
import { runEtl } from "../../../src/stages/etl.ts";
import { initWarehouse } from "../../../src/stages/init.ts";
import type { WarehouseContext } from "../../../src/stages/context.ts";
import type { ReplicaSet } from "../../../src/replicas/replica-set.ts";
import { EtlError, UsageError } from "../../../src/errors.ts";
import { dateIn } from "../../../src/plans/report-date.ts";
import { reportDateFrom } from "../../../src/settings/run-options.ts";
import { DEFAULT_CPU_DROP_WORDS } from "../../../src/transform/index.ts";
import type { RawServerRow } from "../../../src/transform/types.ts";
import { noProgress } from "../../../src/progress/progress.ts";
import { MYSQL_LIKE_CAPS } from "../../support/fixtures.ts";

/** A MySQL-like engine with LOAD DATA off: the REPLACE path. */
const MYSQL_CAPS: DbCapabilities = MYSQL_LIKE_CAPS;

/** 29 columns, like server_facts. */
const COLUMNS = Array.from({ length: 29 }, (_, i) => `c${i}`);

/** The `?` of a statement (no value text is in the SQL: they are all placeholders). */
const placeholders = (sql: string) => sql.split("?").length - 1;

/** The statements as plain REPLACEs (fails if rowStatements built a LOAD). */
function replaces(rows: unknown[][], limits = splitLimits(MYSQL_CAPS), columns = COLUMNS): Statement[] {
  const out = rowStatements("server_facts", columns, rows, limits);
  for (const s of out) expect(isLoad(s)).toBe(false);
  return out as Statement[];
}

/** Every statement's values, one row per `columns.length` values, in statement order. */
function rowsBack(statements: Statement[], width = COLUMNS.length): unknown[][] {
  const out: unknown[][] = [];
  for (const s of statements) for (let i = 0; i < s.params.length; i += width) out.push(s.params.slice(i, i + width));
  return out;
}

describe("REPLACE statements without bulk load: the placeholder cap", () => {
  // Short values: only the placeholder cap can split 5,000 rows (the byte cap is 4 MiB here).
  const rows = Array.from({ length: 5000 }, (_, r) => COLUMNS.map((_, c) => (c === 0 ? r : c % 2 ? `v${r}.${c}` : r * 100 + c)));

  test("every statement has at most 65,535 placeholders, and exactly as many values", () => {
    const statements = replaces(rows);
    for (const s of statements) {
      expect(placeholders(s.sql)).toBeLessThanOrEqual(65_535);
      expect(s.params.length).toBe(placeholders(s.sql));
    }
    // floor(65535 / 29) = 2259 rows a statement: 2259 + 2259 + 482.
    expect(statements.map((s) => s.params.length / 29)).toEqual([2259, 2259, 482]);
  });

  test("every row is there once, in order", () => {
    expect(rowsBack(replaces(rows))).toEqual(rows);
  });

  test("the statement names the table and the columns, quoted", () => {
    const [first] = replaces(rows.slice(0, 2));
    expect(first!.sql).toStartWith("REPLACE INTO `server_facts` (`c0`, `c1`, ");
    expect(first!.sql).toEndWith("`c28`) VALUES (" + Array(29).fill("?").join(",") + "),(" + Array(29).fill("?").join(",") + ")");
  });
});

describe("REPLACE statements without bulk load: the byte cap", () => {
  /**
   * Values that grow most on the wire: multi-byte and 4-byte characters, quotes and backslashes
   * (escaped: 2 bytes each), NULLs, numbers and ids above 2^53 as text. Lengths vary per row.
   */
  function hardRow(r: number): unknown[] {
    return COLUMNS.map((_, c) => {
      switch (c % 6) {
        case 0: return c === 0 ? String(9_007_199_254_740_993n + BigInt(r)) : r * 1000 + c;
        case 1: return "é😀".repeat((r * 7 + c) % 13);
        case 2: return "\\'\"".repeat((r + c) % 11);
        case 3: return null;
        case 4: return -1;
        default: return `name-${r}-${"x".repeat((r * 3 + c) % 17)}`;
      }
    });
  }
  const rows = Array.from({ length: 400 }, (_, r) => hardRow(r));
  /** What mysql2's query() sends for the statement (client-side formatting), in bytes. */
  const wireBytes = (s: Statement) => Buffer.byteLength(mysql.format(s.sql, s.params as mysql.SqlValue[]), "utf8");

  test("max_allowed_packet 32 KiB: each statement's text as sent is within a quarter of it", () => {
    const limits = splitLimits({ ...MYSQL_CAPS, maxStatementBytes: 32768 });
    expect(limits.maxBytes).toBe(8192);
    const statements = replaces(rows, limits);
    for (const s of statements) expect(wireBytes(s)).toBeLessThanOrEqual(8192);
    // Split by bytes, not rows: several statements, some holding more than one row.
    expect(statements.length).toBeGreaterThan(10);
    expect(statements.some((s) => s.params.length > 29)).toBe(true);
    expect(rowsBack(statements)).toEqual(rows);
  });

  test("a row bigger than the cap goes alone in its statement; its neighbours are unaffected", () => {
    const limits = splitLimits({ ...MYSQL_CAPS, maxStatementBytes: 32768 });
    const big = COLUMNS.map((_, c) => (c === 0 ? 1 : "ü".repeat(3000)));
    const mixed = [...rows.slice(0, 20), big, ...rows.slice(20, 40)];
    const statements = replaces(mixed, limits);
    const alone = statements.filter((s) => s.params.includes(big[1]));
    expect(alone.length).toBe(1);
    expect(alone[0]!.params).toEqual(big);
    expect(wireBytes(alone[0]!)).toBeGreaterThan(8192);
    for (const s of statements) if (s !== alone[0]) expect(wireBytes(s)).toBeLessThanOrEqual(8192);
    expect(rowsBack(statements)).toEqual(mixed);
  });

  test("max_allowed_packet 1 KiB (MariaDB's smallest): one row per statement, all there in order", () => {
    const limits = splitLimits({ ...MYSQL_CAPS, maxStatementBytes: 1024 });
    const statements = replaces(rows, limits);
    expect(statements.length).toBe(rows.length);
    expect(rowsBack(statements)).toEqual(rows);
  });
});

/** A raw extract row as sql/serverdb/fact_select.sql returns it. */
function rawRow(id: number, name: string): RawServerRow {
  return {
    id, name, serialnumber: `SN-${id}`, status: "Active", owner: "ops", created_at: "2026-01-02 03:04:05.000000",
    last_edit: "2026-01-02 03:04:05.000000", asset_type: "server", delivery_date: null, site: "ams1", region_name: "eu",
    az_name: "a", rack: "r1", roles: `[${id + 100},"web","nginx",7,"Team"]`, cpu_version: "Virtual CPU", cpu_cores: 2,
    cpu_threads: 2, cpu_count: 1, memory: "8.000", network_speed: 1000, ip_address: "10.0.0.1", mac_address: "aa:bb:cc:dd:ee:ff",
    manufacturer: "Dell Inc.", model: "R640",
  };
}

/** A source Db whose count query answers `total` and whose stream yields `rows`; records its statements. */
function fakeSource(rows: RawServerRow[], total = rows.length): Db & { statements: string[] } {
  const statements: string[] = [];
  return {
    engine: "sqlite",
    label: "fake:source",
    caps: { ...MYSQL_CAPS, snapshotTransactions: false },
    statements,
    async query<T = Row>(sql: string): Promise<T[]> {
      statements.push(sql);
      return [{ servers: total } as T];
    },
    async execute(sql: string) {
      statements.push(sql);
      return { affectedRows: 0, insertId: 0 };
    },
    async *stream<T = Row>(sql: string): AsyncIterable<T> {
      statements.push(sql);
      for (const r of rows) yield r as T;
    },
    async close() {},
  };
}

describe("extract: a repeated id is dropped", () => {
  // Ids in order as the SELECT gives them, id 2 twice in a row (its second copy differs).
  const source = () => fakeSource([rawRow(1, "one"), rawRow(2, "two"), rawRow(2, "two again"), rawRow(3, "three")], 3);

  test("extractServers yields each id once (the first copy) and counts one duplicate", async () => {
    const db = source();
    const extract = await extractServers(db, { schema: "serverdb2" });
    const seen: [unknown, unknown][] = [];
    for await (const row of extract.rows) seen.push([row.id, row.name]);
    await extract.finish();
    expect(seen).toEqual([[1, "one"], [2, "two"], [3, "three"]]);
    expect(extract.duplicates).toBe(1);
    expect(extract.total).toBe(3);
  });

  test("etl into a SQLite warehouse loads the server once; the summary counts the duplicate", async () => {
    const target = SqliteDb.open(":memory:", { create: true });
    try {
      await initWarehouse(target);
      const ctx: WarehouseContext = {
        target: { db: target, reconnect: async () => target },
        targetDatabase: "main",
        source: source(),
        sourceSchema: "serverdb2",
        close: async () => {},
      };
      const summary = await runEtl(ctx, { reportDate: "2026-11-20", batchSize: 1000, transform: { cpuDropWords: DEFAULT_CPU_DROP_WORDS } }, noProgress);
      expect(summary.duplicates).toBe(1);
      expect([summary.extracted, summary.loaded]).toEqual([3, 3]);
      const facts = await target.query<{ id: unknown; name: string }>("SELECT id, name FROM server_facts ORDER BY id");
      expect(facts.map((f) => [Number(f.id), f.name])).toEqual([[1, "one"], [2, "two"], [3, "three"]]);
      // One bridge row per server (each has one role): the repeated row added no role row either.
      const roles = await target.query<{ id: unknown }>("SELECT id FROM server_fact_roles ORDER BY id");
      expect(roles.map((r) => Number(r.id))).toEqual([1, 2, 3]);
      const [run] = await target.query<{ rows_extracted: unknown; rows_loaded: unknown; status: string }>("SELECT * FROM etl_runs");
      expect([Number(run!.rows_extracted), Number(run!.rows_loaded), run!.status]).toEqual([3, 3, "success"]);
    } finally {
      await target.close();
    }
  });
});

describe("the etl_runs record", () => {
  test("a failure after the 'success' record has committed (the last replica wait) fails the run but leaves the record 'success'", async () => {
    const target = SqliteDb.open(":memory:", { create: true });
    try {
      await initWarehouse(target);
      // A replica that applies everything until the run's own success record: then its wait fails.
      let waits = 0;
      const replicas: ReplicaSet = {
        size: 1,
        labels: ["fake:replica"],
        async waitFor() {
          waits++;
          const [run] = await target.query<{ status: string }>("SELECT status FROM etl_runs");
          if (run?.status === "success") throw new EtlError("replica fake:replica did not apply the last batch within 5 s");
          return { waitedMs: 0 };
        },
        async close() {},
      };
      const ctx: WarehouseContext = {
        target: { db: target, reconnect: async () => target },
        targetDatabase: "main",
        source: fakeSource([rawRow(1, "one"), rawRow(2, "two")]),
        sourceSchema: "serverdb2",
        replicas,
        close: async () => {},
      };
      const failure = await runEtl(ctx, { reportDate: "2026-11-20", batchSize: 1000, transform: { cpuDropWords: DEFAULT_CPU_DROP_WORDS } }, noProgress).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(failure?.message).toContain("did not apply the last batch");
      expect(waits).toBeGreaterThanOrEqual(2); // the load's batch, then the record's
      const [run] = await target.query<{ status: string; rows_loaded: unknown }>("SELECT status, rows_loaded FROM etl_runs");
      expect([run!.status, Number(run!.rows_loaded)]).toEqual(["success", 2]);
    } finally {
      await target.close();
    }
  });
});

describe("--timezone decides what today is", () => {
  // 23:30 UTC on 31 March 2026: already 1 April east of UTC+0:30, still 31 March west of it.
  // Offsets that day (no DST change near it): Berlin +2 (CEST since 29 March), Tokyo +9, New York −4.
  const NOW = new Date(Date.UTC(2026, 2, 31, 23, 30, 0));
  const cases: Array<[string, string]> = [
    ["UTC", "2026-03-31"],
    ["Europe/Berlin", "2026-04-01"], // 01:30 local
    ["Asia/Tokyo", "2026-04-01"], // 08:30 local
    ["America/New_York", "2026-03-31"], // 19:30 local
    ["Pacific/Kiritimati", "2026-04-01"], // UTC+14: 13:30 local
    ["Pacific/Pago_Pago", "2026-03-31"], // UTC−11: 12:30 local
  ];
  test.each(cases)("dateIn(%p) at 2026-03-31T23:30Z is %p", (tz, date) => {
    expect(dateIn(tz, NOW)).toBe(date);
  });

  test("reportDateFrom: the flag's zone decides, over the config's; the config's over the host's", () => {
    expect(reportDateFrom({ timezone: "UTC" }, {}, NOW)).toEqual({ reportDate: "2026-03-31", today: "2026-03-31", timezone: "UTC" });
    expect(reportDateFrom({ timezone: "Europe/Berlin" }, {}, NOW)).toEqual({ reportDate: "2026-04-01", today: "2026-04-01", timezone: "Europe/Berlin" });
    const config = { etl: { timezone: "Asia/Tokyo" } };
    expect(reportDateFrom({}, config, NOW).reportDate).toBe("2026-04-01");
    expect(reportDateFrom({ timezone: "America/New_York" }, config, NOW).reportDate).toBe("2026-03-31");
  });

  // [args, report date or the error] at 2026-03-31T23:30Z.
  const explicit: Array<[Record<string, unknown>, string | RegExp]> = [
    [{ timezone: "UTC", "report-date": "2026-03-30" }, "2026-03-30"], // a past day: a warning, not an error
    [{ timezone: "UTC", "report-date": "2026-03-31" }, "2026-03-31"],
    // Regression (issue 13): a year typo was accepted with a warning and stored tonight's fleet two years ahead.
    [{ timezone: "UTC", "report-date": "2028-03-31" }, /^--report-date 2028-03-31 is after today \(2026-03-31 in UTC\): .*; check the date, or pass --allow-future-date if that is meant$/],
    [{ timezone: "UTC", "report-date": "2026-04-01" }, /--report-date 2026-04-01 is after today \(2026-03-31 in UTC\)/], // tomorrow in UTC…
    [{ timezone: "Europe/Berlin", "report-date": "2026-04-01" }, "2026-04-01"], // …is today in Berlin
    [{ timezone: "UTC", "report-date": "2028-03-31", "allow-future-date": true }, "2028-03-31"],
    [{ timezone: "UTC", "report-date": "2026-02-30", "allow-future-date": true }, /invalid --report-date "2026-02-30"/],
    [{ "report-date": "2026-03-30" }, /config: \[etl\] timezone must be a string/], // with config { etl: { timezone: 9 } } below
  ];
  test.each(explicit)("reportDateFrom(%j)", (args, want) => {
    const config = args.timezone === undefined ? { etl: { timezone: 9 } } : {};
    if (typeof want === "string") return expect(reportDateFrom(args, config, NOW).reportDate).toBe(want);
    expect(() => reportDateFrom(args, config, NOW)).toThrow(UsageError);
    expect(() => reportDateFrom(args, config, NOW)).toThrow(want);
  });

  test("a second before midnight UTC and a second after give different days in UTC, the same in Tokyo", () => {
    const before = new Date(Date.UTC(2026, 2, 31, 23, 59, 59));
    const after = new Date(Date.UTC(2026, 3, 1, 0, 0, 1));
    expect([dateIn("UTC", before), dateIn("UTC", after)]).toEqual(["2026-03-31", "2026-04-01"]);
    expect([dateIn("Asia/Tokyo", before), dateIn("Asia/Tokyo", after)]).toEqual(["2026-04-01", "2026-04-01"]);
  });
});
