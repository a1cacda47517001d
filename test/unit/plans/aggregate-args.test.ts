// `aggregate`'s options before anything connects: the date selectors and --only, as pure
// functions (one row per case) and through the CLI (exit 2, one line); and the exit decision
// and summary line for days that were not built.
import { describe, expect, test } from "bun:test";
import { UsageError, EtlError } from "../../../src/errors.ts";
import { parseDateSelection, refuseFutureSelection, MAX_RANGE_DAYS, type SelectionFlags } from "../../../src/plans/aggregate-days.ts";
import { AGGREGATE_TABLE_NAMES, selectAggregateTables } from "../../../src/stages/aggregate-tables.ts";
import { aggregateShortfall, formatAggregateSummary, type AggregateSummary, type DateSelection } from "../../../src/stages/aggregate.ts";
import { runCli } from "../../support/servers.ts";

describe("parseDateSelection", () => {
  const OK: [SelectionFlags, DateSelection][] = [
    [{}, { kind: "latest" }],
    [{ date: "", from: "", to: "" }, { kind: "latest" }], // empty strings are "not given"
    [{ date: "2026-03-02" }, { kind: "date", date: "2026-03-02" }],
    [{ from: "2026-03-01", to: "2026-03-31" }, { kind: "range", from: "2026-03-01", to: "2026-03-31" }],
    [{ from: "2026-03-01", to: "2026-03-01" }, { kind: "range", from: "2026-03-01", to: "2026-03-01" }], // one day
    [{ all: true }, { kind: "all" }],
    [{ all: false, date: "2024-02-29" }, { kind: "date", date: "2024-02-29" }], // a leap day
  ];
  test.each(OK)("%j → %j", (flags, want) => {
    expect(parseDateSelection(flags)).toEqual(want);
  });

  const BAD: [SelectionFlags, RegExp][] = [
    [{ date: "2026-03-02", all: true }, /--date and --all exclude each other/],
    [{ date: "2026-03-02", from: "2026-03-01", to: "2026-03-03" }, /--date and --from\/--to exclude each other/],
    [{ from: "2026-03-01", to: "2026-03-03", all: true }, /--from\/--to and --all exclude each other/],
    [{ from: "2026-03-01" }, /--from and --to go together/],
    [{ to: "2026-03-01" }, /--from and --to go together/],
    [{ from: "2026-03-05", to: "2026-03-01" }, /--from 2026-03-05 is after --to 2026-03-01/],
    [{ date: "2026-02-30" }, /invalid --date "2026-02-30"/], // not a calendar day
    [{ date: "02.03.2026" }, /invalid --date/],
    [{ from: "2026-3-1", to: "2026-03-02" }, /invalid --from/],
    [{ from: "1970-01-01", to: "9999-12-31" }, new RegExp(`more than ${MAX_RANGE_DAYS}; use --all`)],
  ];
  test.each(BAD)("%j is a usage error", (flags, says) => {
    expect(() => parseDateSelection(flags)).toThrow(UsageError);
    expect(() => parseDateSelection(flags)).toThrow(says);
  });
});

describe("refuseFutureSelection (issue 13: a day after today is a typo unless --allow-future-date)", () => {
  const TODAY = "2026-12-03";
  // [selection, error or undefined]
  const CASES: [DateSelection, RegExp | undefined][] = [
    [{ kind: "date", date: TODAY }, undefined],
    [{ kind: "range", from: "2026-11-01", to: TODAY }, undefined],
    [{ kind: "latest" }, undefined],
    [{ kind: "all" }, undefined],
    // Regression: these were accepted and reported "no facts" (exit 1) or nothing at all.
    [{ kind: "date", date: "2028-12-03" }, /^--date 2028-12-03 is after today \(2026-12-03 in UTC\): no night has loaded that day yet; check the date, or pass --allow-future-date if that is meant$/],
    [{ kind: "date", date: "2026-12-04" }, /--date 2026-12-04 is after today/],
    [{ kind: "range", from: "2026-11-01", to: "2026-12-31" }, /--to 2026-12-31 is after today/],
    [{ kind: "range", from: "2027-01-01", to: "2027-01-31" }, /--from 2027-01-01 is after today/],
  ];
  test.each(CASES)("%j", (selection, says) => {
    if (!says) return expect(refuseFutureSelection(selection, TODAY, "UTC")).toEqual(selection);
    expect(() => refuseFutureSelection(selection, TODAY, "UTC")).toThrow(UsageError);
    expect(() => refuseFutureSelection(selection, TODAY, "UTC")).toThrow(says);
  });
});

describe("selectAggregateTables (--only)", () => {
  test("default: every table, in registry order", () => {
    expect(selectAggregateTables().map((t) => t.table)).toEqual([...AGGREGATE_TABLE_NAMES]);
  });

  test("a subset comes back in registry order, once, blanks around commas ignored", () => {
    const got = selectAggregateTables(["server_by_team", " server_by_site", "server_by_team"]).map((t) => t.table);
    expect(got).toEqual(["server_by_site", "server_by_team"]);
  });

  test("an unknown name is a usage error that lists every valid name", () => {
    const run = () => selectAggregateTables(["server_by_site", "server_by_rack"]);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(/unknown aggregate table server_by_rack/);
    for (const name of AGGREGATE_TABLE_NAMES) expect(run).toThrow(new RegExp(name));
  });

  test("an empty list is a usage error (it would do nothing)", () => {
    expect(() => selectAggregateTables([""])).toThrow(/--only needs at least one table/);
  });
});

describe("when a day asked for is not built", () => {
  const summary = (over: Partial<AggregateSummary>): AggregateSummary => ({
    days: [],
    missing: [],
    skipped: [],
    rows: { server_by_site: 0 },
    seconds: 0.04,
    ...over,
  });
  const date: DateSelection = { kind: "date", date: "2026-03-02" };
  const range: DateSelection = { kind: "range", from: "2026-03-01", to: "2026-03-03" };
  const all: DateSelection = { kind: "all" };
  const skipped = [{ date: "2026-03-02", reason: "its newest etl run (id 9) is 'failed'" }];

  const CASES: [string, DateSelection, Partial<AggregateSummary>, RegExp | undefined][] = [
    ["--date without facts fails", date, { missing: ["2026-03-02"] }, /^nothing aggregated: no facts for 2026-03-02 \(expired or never loaded\); its aggregates are left as they are; pass a day/],
    ["--date whose run failed fails", date, { skipped }, /^nothing aggregated: 2026-03-02: its newest etl run \(id 9\) is 'failed'/],
    ["latest without facts fails", { kind: "latest" }, { missing: ["2026-03-02"] }, /no facts for 2026-03-02/],
    ["--date built is fine", date, { days: ["2026-03-02"] }, undefined],
    ["a range with holes is fine", range, { days: ["2026-03-02"], missing: ["2026-03-01", "2026-03-03"] }, undefined],
    ["a range with nothing built fails", range, { missing: ["2026-03-01", "2026-03-03"], skipped }, /no day from 2026-03-01 to 2026-03-03 .*\(2 without facts, 1 skipped\)/],
    ["--all never fails for that", all, { skipped }, undefined],
    ["--all on an empty warehouse is fine", all, {}, undefined],
  ];
  test.each(CASES)("%s", (_, selection, over, says) => {
    const err = aggregateShortfall(selection, summary(over));
    if (!says) return expect(err).toBeUndefined();
    expect(err).toBeInstanceOf(EtlError);
    expect(err!.exitCode).toBe(1);
    expect(err!.message).toMatch(says);
  });

  test("the summary line names the days, the rows per table, the missing and skipped days", () => {
    const line = formatAggregateSummary(
      summary({ days: ["2026-03-01", "2026-03-03"], missing: ["2026-03-02"], skipped, rows: { server_by_site: 12, server_by_cpu: 3 } }),
    );
    expect(line).toBe(
      "aggregate 2 days 2026-03-01 … 2026-03-03: ok, rows server_by_site=12, server_by_cpu=3; no facts for 2026-03-02; " +
        "skipped 2026-03-02 (newest etl run not successful); 0.0 s",
    );
    expect(line).not.toContain("\n");
    expect(formatAggregateSummary(summary({ missing: ["2026-03-02"] }))).toStartWith("aggregate no day: nothing done,");
  });
});

describe("aggregate on the command line (nothing connects)", () => {
  const USAGE: [string[], RegExp][] = [
    [["--date", "2026-03-02", "--all"], /--date and --all exclude each other/],
    [["--from", "2026-03-02"], /--from and --to go together/],
    [["--date", "yesterday"], /invalid --date "yesterday"/],
    [["--only", "server_by_site,nope"], /unknown aggregate table nope; valid tables: server_by_site, server_by_puppet_service/],
    [["--only", ""], /--only needs at least one table/],
    // Regression (issue 13): a future day, two years ahead or tomorrow in --timezone.
    [["--date", "2099-01-01"], /--date 2099-01-01 is after today/],
    [["--from", "2026-01-01", "--to", "2099-01-01", "--timezone", "UTC"], /--to 2099-01-01 is after today \(\d{4}-\d\d-\d\d in UTC\)/],
    [["--date", "2026-02-30", "--allow-future-date"], /invalid --date "2026-02-30"/],
    [["--date", "2026-03-02", "--timezone", "Mars/Olympus"], /unknown time zone "Mars\/Olympus"/],
  ];
  test.each(USAGE)("aggregate %j: exit 2, one line", async (args, says) => {
    // The target is unreachable on purpose: the usage error must come before any connection.
    const res = await runCli(["aggregate", "--target", "mysql://etl@192.0.2.1:3306/dw", ...args]);
    expect(res.exitCode).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/^serverdb-etl: [^\n]*\n$/);
    expect(res.stderr).toMatch(says);
  });
});
