// The compiled dist/serverdb-etl's etl on the test bed, for what only a real run shows: the
// etl_runs row's host, version and UTC timestamps, and the report date — today in --timezone
// (not the host's zone), a warning on stderr exactly when --report-date is not today, and a
// refusal when it is after today there.
// The host runs far west (TZ=Pacific/Pago_Pago, UTC−11) and the --timezone far east
// (Pacific/Kiritimati, UTC+14): 25 hours apart, so their dates always differ. Neither has
// daylight saving time, so the test computes their dates from fixed offsets, without Intl.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { dsn, freshDatabase, servers, withDb } from "../support/servers.ts";

const BUILT = join(import.meta.dir, "../../dist/serverdb-etl");
const HOST_TZ = "Pacific/Pago_Pago";
const HOST_OFFSET_H = -11;
const RUN_TZ = "Pacific/Kiritimati";
const RUN_OFFSET_H = 14;

/** 'YYYY-MM-DD' at instant `ms` in a zone `offsetH` hours from UTC. */
const dateAt = (offsetH: number, ms = Date.now()) => new Date(ms + offsetH * 3_600_000).toISOString().slice(0, 10);

interface Result {
  exitCode: number;
  stdout: string;
  stderr: string;
}

let home = "";

/** The binary with an empty environment but PATH, HOME (empty) and the host zone. */
async function run(args: string[]): Promise<Result> {
  const proc = Bun.spawn(["env", "-i", "PATH=/usr/bin:/bin", `HOME=${home}`, `TZ=${HOST_TZ}`, BUILT, ...args], { cwd: home, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 60_000);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { exitCode, stdout, stderr };
}

function ok(what: string, r: Result): Result {
  if (r.exitCode !== 0) throw new Error(`${what} exited ${r.exitCode}\nstdout: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-2000)}`);
  return r;
}

/**
 * `fn(day)` with `day` the date now in a zone `offsetH` from UTC; once more if that date changed
 * while it ran (a run across that zone's midnight), so the result belongs to one known day.
 */
async function onOneDay<T>(offsetH: number, fn: (day: string) => Promise<T>): Promise<{ day: string; result: T }> {
  for (let attempt = 0; ; attempt++) {
    const day = dateAt(offsetH);
    const result = await fn(day);
    if (dateAt(offsetH) === day || attempt === 1) return { day, result };
  }
}

let source = "";
let dw = "";
const etlArgs = (extra: string[]) => {
  const { primary, replica } = servers();
  return ["etl", "--source", dsn(primary, source), "--target", dsn(primary, dw), "--replica", dsn(replica, dw, "ro"), "--progress", "none", ...extra];
};

interface RunRow {
  id: number;
  report_date: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  host: string;
  version: string;
}
const lastRun = () => withDb(dw, async (db) => (await db.query<RunRow>("SELECT * FROM etl_runs ORDER BY id DESC LIMIT 1"))[0]!);

beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`bun run build.ts\` (npm test does) before this suite`);
  home = mkdtempSync(join(tmpdir(), "serverdb-etl-e2e-runs-"));
  const { primary } = servers();
  source = await freshDatabase("e2e_runs_src");
  ok("generate", await run(["generate", "--source", dsn(primary, source), "--servers", "60", "--seed", "7"]));
  dw = await freshDatabase("e2e_runs_dw");
  ok("init", await run(["init", "--target", dsn(primary, dw)]));
}, 120_000);
afterAll(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("etl_runs and the report date, from the compiled binary", () => {
  test("without --report-date: today in --timezone, no warning; etl_runs has this host, the binary's version, UTC start ≤ finish within the run", async () => {
    const [{ zone }] = await withDb("", (db) => db.query<{ zone: string }>("SELECT @@GLOBAL.time_zone AS zone"));
    let window!: { from: number; to: number };
    let r!: Result;
    let day!: string;
    try {
      // A server zone far from UTC too: a timestamp taken from the server's clock would show.
      await withDb("", (db) => db.execute("SET GLOBAL time_zone = '+09:00'"));
      ({ day, result: r } = await onOneDay(RUN_OFFSET_H, async () => {
        const from = Math.floor(Date.now() / 1000) * 1000; // the column keeps whole seconds
        r = await run(etlArgs(["--timezone", RUN_TZ]));
        window = { from, to: Date.now() };
        return r;
      }));
    } finally {
      await withDb("", (db) => db.execute("SET GLOBAL time_zone = ?", [zone]));
    }
    ok("etl", r);
    expect(r.stderr).toBe("");
    expect(day).not.toBe(dateAt(HOST_OFFSET_H, window.from));
    expect(r.stdout).toStartWith(`etl ${day} run `);

    const row = await lastRun();
    expect(row.status).toBe("success");
    expect(row.report_date).toBe(day);
    expect(row.host).toBe(hostname());
    const printed = ok("--version", await run(["--version"])).stdout.trim();
    expect([row.version, printed]).toEqual([pkg.version, pkg.version]);
    // DATETIME columns in UTC (sql/mysql/create_etl_runs.sql): read as UTC wall clock.
    const started = Date.parse(row.started_at.replace(" ", "T") + "Z");
    const finished = Date.parse(row.finished_at!.replace(" ", "T") + "Z");
    expect(started).toBeGreaterThanOrEqual(window.from);
    expect(started).toBeLessThanOrEqual(finished);
    expect(finished).toBeLessThanOrEqual(window.to);
  }, 60_000);

  test("--report-date of today in --timezone: no warning", async () => {
    const { day, result: r } = await onOneDay(HOST_OFFSET_H, (d) => run(etlArgs(["--timezone", HOST_TZ, "--report-date", d])));
    ok("etl", r);
    expect(r.stderr).toBe("");
    expect((await lastRun()).report_date).toBe(day);
  }, 60_000);

  test("--report-date before today in --timezone: one warning line on stderr, naming both days; the run goes ahead", async () => {
    // Yesterday in Pago Pago.
    const { day, result: r } = await onOneDay(HOST_OFFSET_H, (d) =>
      run(etlArgs(["--timezone", HOST_TZ, "--report-date", new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)])),
    );
    ok("etl", r);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("is not today");
    expect(lines[0]).toContain(`(${day} in ${HOST_TZ})`);
    const row = await lastRun();
    expect(row.status).toBe("success");
    expect(lines[0]).toContain(`--report-date ${row.report_date} `);
    expect(row.report_date < day).toBe(true);
  }, 60_000);

  test("--report-date after today in --timezone (Kiritimati's today in Pago Pago): exit 2, one line; --allow-future-date runs it", async () => {
    const before = await lastRun();
    const { day, result: r } = await onOneDay(HOST_OFFSET_H, () => run(etlArgs(["--timezone", HOST_TZ, "--report-date", dateAt(RUN_OFFSET_H)])));
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^serverdb-etl: error: --report-date \\d{4}-\\d\\d-\\d\\d is after today \\(${day} in ${HOST_TZ}\\): .*--allow-future-date`));
    expect((await lastRun()).id).toBe(before.id); // nothing written, not even a 'running' row
    // In Kiritimati it is today: no refusal, no warning.
    ok("etl in Kiritimati", await run(etlArgs(["--timezone", RUN_TZ, "--report-date", dateAt(RUN_OFFSET_H)])));
    const forced = ok("etl --allow-future-date", await run(etlArgs(["--timezone", HOST_TZ, "--report-date", dateAt(RUN_OFFSET_H), "--allow-future-date"])));
    expect(forced.stderr).toContain("is not today");
    expect((await lastRun()).status).toBe("success");
  }, 60_000);
});
