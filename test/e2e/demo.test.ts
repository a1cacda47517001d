// The README's first command on a bare host: the compiled dist/serverdb-etl runs `demo` with the
// defaults (5,000 servers, a new folder under the temp dir) from an empty folder under
// `env -i PATH=/usr/bin:/bin`, succeeds within the 30 s budget (a year of history backfilled
// included) and leaves both SQLite files.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { nextStep } from "../support/demo-output.ts";

const BUILT = join(import.meta.dir, "../../dist/serverdb-etl");
const BUDGET_S = 30;
let cwd = "";
const made: string[] = [];

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`bun run build.ts\` (npm test does) before this suite`);
  cwd = mkdtempSync(join(tmpdir(), "serverdb-etl-e2e-demo-"));
});
afterAll(() => {
  for (const dir of [cwd, ...made]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("dist/serverdb-etl demo", () => {
  test(`defaults, empty environment: exit 0 within ${BUDGET_S} s, results printed, files where it says`, async () => {
    const started = performance.now();
    const proc = Bun.spawn(["env", "-i", "PATH=/usr/bin:/bin", BUILT, "demo"], { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => proc.kill("SIGKILL"), 2 * BUDGET_S * 1000);
    const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    clearTimeout(timer);
    const seconds = (performance.now() - started) / 1000;

    const source = stdout.match(/^ {2}ServerDB +(\S+) /m)?.[1];
    const target = stdout.match(/^ {2}warehouse +(\S+) /m)?.[1];
    if (source) made.push(dirname(source));
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(seconds).toBeLessThan(BUDGET_S);

    // env -i leaves TMPDIR unset: the folder is a new one under /tmp, both files in it.
    expect(source).toMatch(/^\/tmp\/serverdb-etl-demo-[^/]+\/serverdb\.sqlite$/);
    expect(target).toBe(join(dirname(source!), "serverdb_dw.sqlite"));
    expect(existsSync(source!)).toBe(true);
    expect(existsSync(target!)).toBe(true);

    // 5,000 servers created over the years, some deleted again during the generated year of
    // history; 13 sampled past days backfilled (runs 1–13) before the nightly etl.
    const src = new Database(source!, { readonly: true });
    const live = (src.query("SELECT COUNT(*) AS n FROM servers_server").get() as { n: number }).n;
    src.close();
    expect(live).toBeGreaterThan(4000);
    expect(stdout).toMatch(/^ {2}backfill +\d+\.\d s {2}13 past days rebuilt from the history/m);
    expect(stdout).toMatch(new RegExp(`^ {2}run: etl +\\d+\\.\\d s {2}etl run 14: ${live} servers extracted, ${live} fact rows`, "m"));
    expect(stdout.match(/^\d\. /gm)).toHaveLength(4);
    // The last step is the capacity report, rendered inside the binary (augurs' WASM forecasts,
    // vega's SVG charts): the file it names exists and holds a chart per forecast series.
    const reportHtml = stdout.match(/^ {2}report +\d+\.\d s {2}capacity report of .*, (\d+) forecasts 52 weeks ahead: (\S+)$/m);
    expect(reportHtml?.[2]).toBe(join(dirname(source!), "report.html"));
    const html = await Bun.file(reportHtml![2]!).text();
    expect((html.match(/<figure class="chart"[^>]*>\s*<svg/g) ?? []).length).toBeGreaterThanOrEqual(Math.min(Number(reportHtml![1]), 20));
    const db = new Database(target!, { readonly: true });
    try {
      const facts = db.query("SELECT COUNT(*) AS n FROM server_facts WHERE report_date = (SELECT MAX(report_date) FROM server_facts)").get() as { n: number };
      expect(facts.n).toBe(live);
      // The first example's first row, as printed, is the biggest site in server_by_site on the newest day.
      const top = db.query(
        "SELECT site, SUM(servers) AS servers FROM server_by_site WHERE report_date = (SELECT MAX(report_date) FROM server_by_site) " +
          "GROUP BY site, region ORDER BY servers DESC, site, region LIMIT 1",
      ).get() as { site: string; servers: number };
      expect(stdout).toMatch(new RegExp(`^ {3}${top.site} +\\S+ +${top.servers} `, "m"));
    } finally {
      db.close();
    }

    // Inside the binary the forecasts are shared with the worker thread (its own entry point):
    // the demo's warehouse reported again says at DEBUG how many series each thread fitted.
    const debug = Bun.spawn(["env", "-i", "PATH=/usr/bin:/bin", BUILT, "report", "--target", `sqlite:${target}`, "--format", "json", "--verbose", "DEBUG", "--log-format", "json"], { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [debugOut, debugErr, debugCode] = await Promise.all([new Response(debug.stdout).text(), new Response(debug.stderr).text(), debug.exited]);
    expect(debugCode).toBe(0);
    const pool = debugErr.match(/forecasts of (\d+) series: (\d+) fitted by the worker thread, (\d+) by the main thread/);
    expect(pool).not.toBeNull();
    const [series, byWorker, byMain] = pool!.slice(1).map(Number) as [number, number, number];
    expect(byWorker).toBeGreaterThan(0);
    expect(byWorker + byMain).toBe(series);
    expect((JSON.parse(debugOut) as { backtest: unknown[] }).backtest.length).toBeGreaterThanOrEqual(series);

    // The next step it prints runs as printed, on a host where serverdb-etl is not on PATH.
    // regression: it printed `serverdb-etl run …` (exit 127 here)
    const next = nextStep(stdout);
    expect(next).toStartWith(`${realpathSync(BUILT)} run \\\n`);
    const again = Bun.spawn(["env", "-i", "PATH=/usr/bin:/bin", "sh", "-c", next], { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [againOut, againErr, againCode] = await Promise.all([new Response(again.stdout).text(), new Response(again.stderr).text(), again.exited]);
    expect({ againCode, againErr }).toEqual({ againCode: 0, againErr: "" });
    expect(againOut).toMatch(/^run \d{4}-\d\d-\d\d: ok, /m);
  }, 3 * BUDGET_S * 1000);
});
