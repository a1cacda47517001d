// What a run prints when nobody watches (systemd, cron, pipes), parsed line by line: plain log
// lines at phase start/end and every --progress-interval, JSON lines with --log-format json, one
// summary line per writing command in every mode, the metrics file (parsed with a small parser of
// the exposition format), and a run whose progress output fails that still succeeds.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quoteIdent } from "../../../src/engine/ident.ts";
import { runLockName } from "../../../src/engine/mysql/advisory-lock.ts";
import { REPO_ROOT, connect, dsn, freshDatabase, runCli, servers, withDb, type CliResult, ok, waitForReplica } from "../../support/servers.ts";
import { evaluateStalenessAlert, has, parseExposition, readmeAlert, valueOf } from "../../support/prometheus.ts";

const FLEET = 3000;
const dir = mkdtempSync(join(tmpdir(), "serverdb-etl-progress-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (text: string) => text.split("\n").filter((l) => l !== "");
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

let source: string;
let dw: string;
let brokenSource: string;
const args = (command: string, extra: string[] = []) => {
  const { primary, replica } = servers();
  return [
    command,
    ...(command === "etl" || command === "run" ? ["--source", dsn(primary, source)] : []),
    "--target", dsn(primary, dw),
    "--replica", dsn(replica, dw, "ro"),
    ...extra,
  ];
};

beforeAll(async () => {
  const { primary } = servers();
  source = await freshDatabase("prog_src");
  ok("generate", await runCli(["generate", "--source", dsn(primary, source), "--servers", String(FLEET), "--seed", "11"], { timeoutMs: 120_000 }));
  dw = await freshDatabase("prog_dw");
  ok("init", await runCli(["init", "--target", dsn(primary, dw)]));
  // A source that fails part-way: every table but servers_cpu (the count works, the extract does not).
  brokenSource = await freshDatabase("prog_broken");
  await withDb(source, async (db) => {
    for (const row of await db.query<Record<string, string>>("SHOW TABLES")) {
      const t = Object.values(row)[0]!;
      if (t === "servers_cpu") continue;
      await db.execute(`CREATE TABLE ${quoteIdent(brokenSource)}.${quoteIdent(t)} LIKE ${quoteIdent(source)}.${quoteIdent(t)}`);
      await db.execute(`INSERT INTO ${quoteIdent(brokenSource)}.${quoteIdent(t)} SELECT * FROM ${quoteIdent(source)}.${quoteIdent(t)}`);
    }
  });
}, 180_000);

describe("log lines (not a terminal)", () => {
  test("--progress log: a line at each phase start and end and every interval, same figures, no escape codes; the summary on stdout", async () => {
    const r = ok("etl", await runCli(args("etl", ["--progress", "log", "--progress-interval", "0.2", "--batch-size", "25"]), { timeoutMs: 120_000 }));
    const err = lines(r.stderr);
    for (const l of err) {
      expect(l).not.toMatch(CONTROL);
      expect(l).toMatch(/^\[(info|warn)\] \[[a-z-]+\] /);
    }
    const progress = err.filter((l) => l.startsWith("[info] [progress] ")).map((l) => l.slice("[info] [progress] ".length));
    expect(progress).toContain(`extract: started, ${FLEET} rows to go`);
    expect(progress).toContain(`load: started, ${FLEET} rows to go`);
    expect(progress).toContain("sweep: started");
    expect(progress.find((l) => l.startsWith("extract: done, "))).toStartWith(`extract: done, ${FLEET} servers read in `);
    expect(progress.find((l) => l.startsWith("load: done, "))).toStartWith(`load: done, ${FLEET} servers, `);
    expect(progress.find((l) => l.startsWith("sweep: done, "))).toBeDefined();
    // The periodic lines of the load: count/total, percentage, rate, elapsed; the counts only grow.
    const periodic = progress
      .map((l) => /^load: (\d+)\/(\d+) rows \((\d+)%\), ([\d.]+) rows\/s, ([\d.]+) s elapsed(?:, ETA ([\d.]+ s|\d+m\d+s))?$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    expect(periodic.length).toBeGreaterThanOrEqual(2);
    const counts = periodic.map((m) => Number(m[1]));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    for (const m of periodic) {
      expect(Number(m[2])).toBe(FLEET);
      expect(Number(m[3])).toBe(Math.min(100, Math.floor((Number(m[1]) / FLEET) * 100)));
    }
    // Start before periodic before end, per phase.
    const at = (prefix: string) => progress.findIndex((l) => l.startsWith(prefix));
    expect(at("load: started")).toBeLessThan(at("load: " + String(counts[0])));
    expect(at("load: done")).toBeGreaterThan(progress.lastIndexOf(periodic.at(-1)![0]));
    // One summary line, on stdout.
    expect(lines(r.stdout)).toHaveLength(1);
    expect(r.stdout).toMatch(new RegExp(`^etl \\d{4}-\\d{2}-\\d{2} run \\d+: ok, ${FLEET} extracted, ${FLEET} loaded, \\d+ removed, warnings \\S+; `));
  }, 120_000);

  test("auto (not a terminal) follows --verbose: nothing at the default level but the summary; INFO shows the phases", async () => {
    const quiet = ok("etl", await runCli(args("etl")));
    expect(quiet.stderr).toBe("");
    expect(lines(quiet.stdout)).toHaveLength(1);
    const info = ok("etl --verbose INFO", await runCli(args("etl", ["--verbose", "INFO"])));
    expect(info.stderr).toContain("[info] [progress] load: started");
    const none = ok("etl --progress none", await runCli(args("etl", ["--verbose", "INFO", "--progress", "none"])));
    expect(none.stderr).not.toContain("[progress]");
  }, 60_000);
});

describe("--log-format json", () => {
  test("every stderr line is one JSON object with time, level, message and the phase fields; the summary is JSON on stdout", async () => {
    const r = ok("etl json", await runCli(args("etl", ["--log-format", "json", "--verbose", "INFO", "--progress-interval", "0.2", "--batch-size", "25"]), { timeoutMs: 120_000 }));
    const records = lines(r.stderr).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(5);
    for (const rec of records) {
      expect(typeof rec.time).toBe("string");
      expect(new Date(rec.time as string).toISOString()).toBe(rec.time as string);
      expect(["debug", "info", "warning", "error"]).toContain(rec.level as string);
      expect(typeof rec.message).toBe("string");
    }
    const phase = records.filter((rec) => rec.logger === "progress");
    const periodic = phase.filter((rec) => rec.event === "progress" && rec.phase === "load");
    expect(periodic.length).toBeGreaterThanOrEqual(1);
    for (const p of periodic) {
      expect(p).toMatchObject({ level: "info", total: FLEET });
      expect(typeof p.rows).toBe("number");
      expect(typeof p.elapsed_s).toBe("number");
      // A rate once there is enough to measure it (not in the first 200 ms).
      if ((p.elapsed_s as number) >= 0.3) expect(typeof p.rows_per_s).toBe("number");
    }
    expect(periodic.some((p) => typeof p.rows_per_s === "number")).toBe(true);
    expect(phase.find((rec) => rec.event === "end" && rec.phase === "load")).toMatchObject({ rows: FLEET });
    const out = lines(r.stdout);
    expect(out).toHaveLength(1);
    const summary = JSON.parse(out[0]!);
    expect(summary).toMatchObject({
      level: "info",
      event: "summary",
      command: "etl",
      result: "ok",
      exit_code: 0,
      rows_extracted: FLEET,
      rows_loaded: FLEET,
      rows_removed: 0,
    });
    expect(summary.report_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(summary.message).toStartWith(`etl ${summary.report_date} run ${summary.run_id}: ok`);
    expect(Object.keys(summary.phase_seconds)).toEqual(["extract", "load", "sweep"]);
    expect(typeof summary.replica_wait_s).toBe("number");
    // The warnings by column add up to what etl_runs recorded for the run.
    const [run] = await withDb(dw, (db) => db.query<{ warnings: number; by: string }>("SELECT warnings, warnings_by_column AS `by` FROM etl_runs WHERE id = ?", [summary.run_id]));
    expect(summary.warnings).toEqual(JSON.parse(run!.by));
    expect(Object.values(summary.warnings as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(Number(run!.warnings));
  }, 120_000);

  test("a failure: the error line is JSON too, and a run that stopped part-way ends with a JSON summary saying how far it got", async () => {
    const { primary } = servers();
    const r = await runCli(["etl", "--source", dsn(primary, brokenSource), "--target", dsn(primary, dw), "--log-format", "json"]);
    expect(r.exitCode).toBe(1);
    const err = lines(r.stderr).map((l) => JSON.parse(l));
    expect(err.at(-1)).toMatchObject({ level: "error", exit_code: 1 });
    expect(err.at(-1).message).toContain("servers_cpu");
    const out = lines(r.stdout).map((l) => JSON.parse(l));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ event: "summary", command: "etl", result: "failed", exit_code: 1, rows_loaded: 0 });
    expect(out[0].message).toMatch(/^etl \d{4}-\d{2}-\d{2}: failed \(exit 1\) after /);
  }, 60_000);
});

describe("every writing command ends with one summary line", () => {
  test.each([
    ["aggregate", [], /^aggregate \d{4}-\d{2}-\d{2}: ok, rows /],
    ["expire", [], /^expire: 0 days deleted, /],
    ["run", [], /^run \d{4}-\d{2}-\d{2}: ok, /],
  ] as const)("%s: text, then JSON", async (command, extra, text) => {
    // Today's newest etl run must be a success for aggregate (an earlier test leaves a failed one).
    if (command !== "run") ok("etl", await runCli(args("etl")));
    const r = ok(command, await runCli(args(command, [...extra]), { timeoutMs: 120_000 }));
    expect(lines(r.stdout).at(-1)).toMatch(text);
    const j = ok(`${command} json`, await runCli(args(command, [...extra, "--log-format", "json"]), { timeoutMs: 120_000 }));
    const out = lines(j.stdout).map((l) => JSON.parse(l));
    expect(out.at(-1)).toMatchObject({ event: "summary", command, result: "ok", exit_code: 0 });
    expect(out.at(-1).message).toMatch(text);
    expect(out.filter((o) => o.event === "summary")).toHaveLength(1);
  }, 120_000);

  test("a run stopped part-way in text: the failure line on stderr, then the summary of how far it got on stdout", async () => {
    const { primary } = servers();
    const r = await runCli(["etl", "--source", dsn(primary, brokenSource), "--target", dsn(primary, dw)]);
    expect(r.exitCode).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    const out = lines(r.stdout);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^etl \d{4}-\d{2}-\d{2}: failed \(exit 1\) after [\d.]+ s; 0 extracted, 0 loaded, 0 removed, warnings none; extract 0\/3000 rows in [\d.]+ s \(not finished\), load 0\/3000 rows in [\d.]+ s \(not finished\); replica wait [\d.]+ s; target mysql:\/\/\S+$/);
  }, 60_000);
});

describe("--metrics-file", () => {
  test("success, then a failure: parses; figures of the run; the failure keeps the last success and records its exit code", async () => {
    const file = join(dir, "serverdb_etl.prom");
    const before = Date.now() / 1000;
    ok("etl", await runCli(args("etl", ["--metrics-file", file])));
    const after = Date.now() / 1000;
    const first = parseExposition(readFileSync(file, "utf8"));
    const c = { command: "etl" };
    const success = valueOf(first, "serverdb_etl_last_success_timestamp_seconds", c);
    expect(success).toBeGreaterThanOrEqual(Math.floor(before));
    expect(success).toBeLessThanOrEqual(after + 1);
    expect(valueOf(first, "serverdb_etl_last_run_timestamp_seconds", c)).toBe(success);
    expect(valueOf(first, "serverdb_etl_exit_code", c)).toBe(0);
    expect(valueOf(first, "serverdb_etl_rows", { ...c, kind: "extracted" })).toBe(FLEET);
    expect(valueOf(first, "serverdb_etl_rows", { ...c, kind: "loaded" })).toBe(FLEET);
    for (const phase of ["extract", "load", "sweep"]) expect(has(first, "serverdb_etl_phase_duration_seconds", { ...c, phase })).toBe(true);
    expect(valueOf(first, "serverdb_etl_run_duration_seconds", c)).toBeGreaterThan(0);
    expect(valueOf(first, "serverdb_etl_replica_wait_seconds", c)).toBeGreaterThanOrEqual(0);
    const warnings = first.samples.filter((s) => s.name === "serverdb_etl_warnings");
    expect(warnings.length).toBeGreaterThan(0);

    // Another run holds the lock: exit 75 (no phase ran), the last success stays.
    const holder = await connect(servers().primary);
    try {
      await holder.query("SELECT GET_LOCK(?, 0)", [runLockName(dw)]);
      await Bun.sleep(1100); // so the failed run's timestamp differs from the success's
      const r = await runCli(args("etl", ["--metrics-file", file]));
      expect(r.exitCode).toBe(75);
    } finally {
      await holder.close();
    }
    const second = parseExposition(readFileSync(file, "utf8"));
    expect(valueOf(second, "serverdb_etl_exit_code", c)).toBe(75);
    expect(valueOf(second, "serverdb_etl_last_success_timestamp_seconds", c)).toBe(success);
    expect(valueOf(second, "serverdb_etl_last_run_timestamp_seconds", c)).toBeGreaterThan(success);
    expect(valueOf(second, "serverdb_etl_rows", { ...c, kind: "loaded" })).toBe(0);
  }, 90_000);

  test("run, then aggregate into the same file: run's series stay, and the README's missed-night alert, evaluated on the file, finds them", async () => {
    const file = join(dir, "shared.prom");
    ok("run", await runCli(args("run", ["--metrics-file", file]), { timeoutMs: 120_000 }));
    ok("aggregate", await runCli(args("aggregate", ["--metrics-file", file])));
    const e = parseExposition(readFileSync(file, "utf8"));
    const alert = readmeAlert();
    const now = Date.now() / 1000;
    // regression: aggregate rewrote the file without run's series, so the alert matched nothing and could never fire
    expect(evaluateStalenessAlert(e, alert, now).matched.map((s) => s.labels.command)).toEqual(["run"]);
    expect(evaluateStalenessAlert(e, alert, now).firing).toEqual([]);
    expect(evaluateStalenessAlert(e, alert, now + 27 * 3600).firing.map((s) => s.labels.command)).toEqual(["run"]);
    expect(valueOf(e, "serverdb_etl_rows", { command: "run", kind: "loaded" })).toBe(FLEET);
    expect(valueOf(e, "serverdb_etl_exit_code", { command: "aggregate" })).toBe(0);
    expect(valueOf(e, "serverdb_etl_last_run_timestamp_seconds", { command: "aggregate" })).toBeGreaterThanOrEqual(
      valueOf(e, "serverdb_etl_last_run_timestamp_seconds", { command: "run" }),
    );
  }, 150_000);

  test("a directory that cannot be written: a warning, and the run's own exit code", async () => {
    const r = await runCli(args("etl", ["--metrics-file", join(dir, "missing-dir", "x.prom")]));
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/^\[warn\] \[progress\] could not write --metrics-file .*ENOENT.*; check that its directory exists and is writable\n$/);
  }, 60_000);
});

describe("drawing is cosmetic", () => {
  test("a live view forced onto a stderr that fails every write (/dev/full): the run still loads and exits 0", async () => {
    const home = join(dir, "home");
    const proc = Bun.spawn(
      [process.execPath, "run", join(REPO_ROOT, "src/cli.ts"), ...args("etl", ["--progress", "tty", "--verbose", "INFO", "--batch-size", "100"])],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home }, stdin: "ignore", stdout: "pipe", stderr: Bun.file("/dev/full") },
    );
    const timer = setTimeout(() => proc.kill("SIGKILL"), 120_000);
    const [stdout, exitCode] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    clearTimeout(timer);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(new RegExp(`^etl \\S+ run (\\d+): ok, ${FLEET} extracted, ${FLEET} loaded`));
    const runId = Number(/ run (\d+): /.exec(stdout)![1]);
    const [row] = await withDb(dw, (db) => db.query<{ status: string; n: number }>(
      "SELECT status, (SELECT COUNT(*) FROM server_facts WHERE etl_run_id = ?) AS n FROM etl_runs WHERE id = ?", [runId, runId]));
    expect({ status: row!.status, n: Number(row!.n) }).toEqual({ status: "success", n: FLEET });
  }, 150_000);
});

describe("signals (no terminal)", () => {
  /** The CLI from source, as runCli starts it, but left running so the test can signal it. */
  function spawnEtl(extra: string[]) {
    const proc = Bun.spawn([process.execPath, "run", join(REPO_ROOT, "src/cli.ts"), ...args("etl", extra)], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(dir, "home") },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const stderr = new Response(proc.stderr).text();
    const stdout = new Response(proc.stdout).text();
    return { proc, stderr, stdout };
  }

  /** A transaction holding today's fact rows, so the etl's first REPLACE (or LOAD DATA … REPLACE) waits on it; and the etl's run id. */
  async function blockedEtl(extra: string[] = []) {
    ok("etl", await runCli(args("etl"))); // today's rows exist
    const blocker = await connect(servers().primary, dw);
    await blocker.execute("BEGIN");
    await blocker.query("SELECT id FROM server_facts WHERE report_date = (SELECT MAX(report_date) FROM server_facts) FOR UPDATE");
    const run = spawnEtl(["--batch-size", "100", ...extra]);
    // Until the etl's REPLACE (or LOAD DATA … REPLACE) waits for the rows the blocker holds.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [w] = await withDb("", (db) => db.query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND (INFO LIKE 'REPLACE INTO `server_facts`%' OR INFO LIKE 'LOAD DATA % INTO TABLE `server_facts`%')", [dw]));
      if (Number(w!.n) > 0) break;
      if (Date.now() > deadline || run.proc.exitCode !== null) throw new Error(`the etl never blocked: ${await run.stderr}`);
      await Bun.sleep(50);
    }
    return { blocker, ...run };
  }

  test("SIGINT while a batch is in flight: that batch is finished first, then exit 130 with the run marked 'failed'", async () => {
    const { blocker, proc, stderr, stdout } = await blockedEtl();
    try {
      proc.kill("SIGINT");
      await Bun.sleep(1_000);
      expect(proc.exitCode).toBeNull(); // still finishing its batch
      await blocker.execute("ROLLBACK");
      expect(await proc.exited).toBe(130);
    } finally {
      await blocker.close();
    }
    const err = lines(await stderr);
    expect(err[0]).toBe("[warn] [progress] SIGINT: stopping after the current batch (Ctrl-C again to quit at once)");
    expect(err.at(-1)).toStartWith("serverdb-etl: error: interrupted by SIGINT: stopped between two batches");
    expect(lines(await stdout).at(-1)).toMatch(/^etl \S+: interrupted \(exit 130\) after /);
    const [last] = await withDb(dw, (db) => db.query<{ status: string; error: string; loaded: number }>(
      "SELECT status, error, rows_loaded AS loaded FROM etl_runs ORDER BY id DESC LIMIT 1"));
    expect(last!.status).toBe("failed");
    expect(last!.error).toStartWith("interrupted by SIGINT");
    const [lock] = await withDb("", (db) => db.query<{ holder: number | null }>("SELECT IS_USED_LOCK(?) AS holder", [runLockName(dw)]));
    expect(lock!.holder).toBeNull();
  }, 90_000);

  /** What a stopped etl says it did, in its summary line, in its etl_runs row, in the warehouse, and in its metrics file. */
  async function stoppedRunAccounts(stdout: string, metricsFile: string) {
    const line = lines(stdout).at(-1)!;
    const m = /^etl \S+: interrupted \(exit 130\) after [\d.]+ s; (\d+) extracted, (\d+) loaded, (\d+) removed, warnings (\S+);/.exec(line);
    if (!m) throw new Error(`not a stopped summary: ${line}`);
    const [run] = await withDb(dw, (db) => db.query<{ id: number; extracted: number; loaded: number; removed: number; by: string }>(
      "SELECT id, rows_extracted AS extracted, rows_loaded AS loaded, rows_removed AS removed, warnings_by_column AS `by` FROM etl_runs ORDER BY id DESC LIMIT 1"));
    const [table] = await withDb(dw, (db) => db.query<{ n: number }>("SELECT COUNT(*) AS n FROM server_facts WHERE etl_run_id = ?", [run!.id]));
    const metrics = parseExposition(readFileSync(metricsFile, "utf8"));
    const warningsOf = (text: string) => (text === "none" ? {} : Object.fromEntries(text.split(",").map((kv) => [kv.split("=")[0], Number(kv.split("=")[1])])));
    return {
      summary: { extracted: Number(m[1]), loaded: Number(m[2]), removed: Number(m[3]), warnings: warningsOf(m[4]!) },
      etlRuns: { extracted: Number(run!.extracted), loaded: Number(run!.loaded), removed: Number(run!.removed), warnings: JSON.parse(run!.by ?? "{}") },
      committed: Number(table!.n),
      metricsLoaded: valueOf(metrics, "serverdb_etl_rows", { command: "etl", kind: "loaded" }),
    };
  }

  test("SIGINT while a batch waits on a row lock: the summary, etl_runs, the metrics and the table all say the committed rows", async () => {
    const file = join(dir, "sigint-lock.prom");
    const { blocker, proc, stdout } = await blockedEtl(["--metrics-file", file]);
    try {
      proc.kill("SIGINT");
      await Bun.sleep(300);
      await blocker.execute("ROLLBACK");
      expect(await proc.exited).toBe(130);
    } finally {
      await blocker.close();
    }
    const a = await stoppedRunAccounts(await stdout, file);
    expect(a.committed).toBeGreaterThan(0);
    // regression: the summary said 100 loaded, etl_runs 0 loaded and no warnings
    expect(a.etlRuns).toEqual(a.summary);
    expect(a.summary.loaded).toBe(a.committed);
    expect(a.metricsLoaded).toBe(a.committed);
  }, 90_000);

  test("SIGINT while a committed batch waits for a replica that stopped applying: it is counted everywhere", async () => {
    const { replica } = servers();
    const file = join(dir, "sigint-replica.prom");
    ok("etl", await runCli(args("etl"))); // the replica has everything before it stops
    const [{ last }] = await withDb(dw, (db) => db.query<{ last: number }>("SELECT MAX(id) AS last FROM etl_runs"));
    await withDb("", (db) => db.execute("STOP SLAVE SQL_THREAD"), replica);
    let stdout: Promise<string>;
    try {
      const run = spawnEtl(["--batch-size", "100", "--metrics-file", file]);
      stdout = run.stdout;
      // Batch 1 is committed and waits for the replica; batch 2 is committed, then write() waits for batch 1's wait.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [row] = await withDb(dw, (db) => db.query<{ n: number }>(
          "SELECT COUNT(*) AS n FROM server_facts WHERE etl_run_id = (SELECT MAX(id) FROM etl_runs WHERE id > ?)", [last]));
        if (Number(row!.n) >= 200) break;
        if (Date.now() > deadline || run.proc.exitCode !== null) throw new Error(`the etl never waited for the replica: ${await run.stderr}`);
        await Bun.sleep(50);
      }
      await Bun.sleep(300); // no third batch comes while batch 1's wait blocks
      run.proc.kill("SIGINT");
      expect(await run.proc.exited).toBe(130);
    } finally {
      await withDb("", (db) => db.execute("START SLAVE SQL_THREAD"), replica);
    }
    const a = await stoppedRunAccounts(await stdout, file);
    expect(a.committed).toBe(200);
    // regression: the second batch was committed, but counted nowhere (summary 100, etl_runs 0)
    expect(a.summary.loaded).toBe(200);
    expect(a.etlRuns).toEqual(a.summary);
    expect(a.metricsLoaded).toBe(200);
    await waitForReplica();
  }, 90_000);

  test("a second SIGTERM while the first waits: exit 130 at once; the server frees the lock, the run stays 'running'", async () => {
    const { blocker, proc, stderr } = await blockedEtl();
    let seconds: number;
    try {
      proc.kill("SIGTERM");
      await Bun.sleep(500);
      expect(proc.exitCode).toBeNull();
      const started = performance.now();
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(130);
      seconds = (performance.now() - started) / 1000;
    } finally {
      await blocker.execute("ROLLBACK").catch(() => {});
      await blocker.close();
    }
    expect(seconds).toBeLessThan(3);
    expect(await stderr).toContain("serverdb-etl: SIGTERM: stopped at once; a run in progress stays 'running' in etl_runs");
    const [last] = await withDb(dw, (db) => db.query<{ status: string }>("SELECT status FROM etl_runs ORDER BY id DESC LIMIT 1"));
    expect(last!.status).toBe("running");
    const deadline = Date.now() + 15_000;
    for (;;) {
      const [lock] = await withDb("", (db) => db.query<{ holder: number | null }>("SELECT IS_USED_LOCK(?) AS holder", [runLockName(dw)]));
      if (lock!.holder === null) break;
      if (Date.now() > deadline) throw new Error("the lock was not released after the process exited");
      await Bun.sleep(50);
    }
    // The next run replaces the day.
    ok("etl after", await runCli(args("etl")));
  }, 90_000);
});
