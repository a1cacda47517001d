// --metrics-file: valid exposition text (parsed by a strict small parser), the figures of the run,
// last success kept on failure, an atomic write (no temp file left, never a half file), the
// series of other commands kept (the README's alert still finds `run`'s after `aggregate` wrote
// the file), concurrent writers that lose nothing, and a file node_exporter can read.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { previousLastSuccess, renderMetrics } from "../../../src/progress/metrics.ts";
import { writeMetricsFile } from "../../../src/progress/metrics-file.ts";
import type { RunFigures } from "../../../src/progress/run-summary.ts";
import { evaluateStalenessAlert, has, parseExposition, readmeAlert, valueOf } from "../../support/prometheus.ts";

const REPO = join(import.meta.dir, "../../..");

const dir = mkdtempSync(join(tmpdir(), "serverdb-etl-metrics-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function figures(over: Partial<RunFigures> = {}): RunFigures {
  return {
    command: "etl",
    reportDate: "2026-11-20",
    result: "ok",
    exitCode: 0,
    durationS: 12.5,
    phases: [
      { phase: "extract", seconds: 10.1, done: 20_000, unit: "rows", total: 20_000, finished: true },
      { phase: "load", seconds: 10.4, done: 20_000, unit: "rows", total: 20_000, finished: true },
      { phase: "sweep", seconds: 0.3, done: 12, unit: "rows", finished: true },
    ],
    extracted: 20_000,
    loaded: 20_000,
    removed: 12,
    warnings: { mac_address: 3, 'odd "column"\\': 1 },
    replicaWaitS: 1.7,
    ...over,
  };
}

describe("renderMetrics", () => {
  test("parses, and carries every figure with a command label", () => {
    const e = parseExposition(renderMetrics(figures(), 1_795_000_000, 1_795_000_000));
    const c = { command: "etl" };
    expect(valueOf(e, "serverdb_etl_last_run_timestamp_seconds", c)).toBe(1_795_000_000);
    expect(valueOf(e, "serverdb_etl_last_success_timestamp_seconds", c)).toBe(1_795_000_000);
    expect(valueOf(e, "serverdb_etl_exit_code", c)).toBe(0);
    expect(valueOf(e, "serverdb_etl_run_duration_seconds", c)).toBe(12.5);
    expect(valueOf(e, "serverdb_etl_phase_duration_seconds", { ...c, phase: "load" })).toBe(10.4);
    expect(valueOf(e, "serverdb_etl_phase_duration_seconds", { ...c, phase: "sweep" })).toBe(0.3);
    expect(valueOf(e, "serverdb_etl_rows", { ...c, kind: "extracted" })).toBe(20_000);
    expect(valueOf(e, "serverdb_etl_rows", { ...c, kind: "removed" })).toBe(12);
    expect(valueOf(e, "serverdb_etl_warnings", { ...c, column: "mac_address" })).toBe(3);
    // Label values are escaped, and come back intact.
    expect(valueOf(e, "serverdb_etl_warnings", { ...c, column: 'odd "column"\\' })).toBe(1);
    expect(valueOf(e, "serverdb_etl_replica_wait_seconds", c)).toBe(1.7);
    for (const s of e.samples) expect(e.types.get(s.name)).toBe("gauge");
  });

  test("no last success yet: the metric is absent, not 0 (0 would read as 1970)", () => {
    const e = parseExposition(renderMetrics(figures({ exitCode: 1, result: "failed" }), 1_795_000_000, undefined));
    expect(has(e, "serverdb_etl_last_success_timestamp_seconds")).toBe(false);
    expect(valueOf(e, "serverdb_etl_exit_code")).toBe(1);
  });
});

describe("writeMetricsFile", () => {
  test("success, then failure: the failure keeps the earlier success time and records its exit code", () => {
    const path = join(dir, "serverdb_etl.prom");
    writeMetricsFile(path, figures(), 1_000);
    writeMetricsFile(path, figures({ exitCode: 75, result: "failed" }), 2_000);
    const e = parseExposition(readFileSync(path, "utf8"));
    expect(valueOf(e, "serverdb_etl_last_success_timestamp_seconds")).toBe(1_000);
    expect(valueOf(e, "serverdb_etl_last_run_timestamp_seconds")).toBe(2_000);
    expect(valueOf(e, "serverdb_etl_exit_code")).toBe(75);
    writeMetricsFile(path, figures(), 3_000);
    expect(valueOf(parseExposition(readFileSync(path, "utf8")), "serverdb_etl_last_success_timestamp_seconds")).toBe(3_000);
    // Only the file itself: the temp file was renamed into place, the lock file removed.
    expect(readdirSync(dir)).toEqual(["serverdb_etl.prom"]);
  });

  test("another command's file does not lend its success time", () => {
    const path = join(dir, "other.prom");
    writeMetricsFile(path, figures({ command: "aggregate" }), 1_000);
    writeMetricsFile(path, figures({ exitCode: 1, result: "failed" }), 2_000);
    expect(has(parseExposition(readFileSync(path, "utf8")), "serverdb_etl_last_success_timestamp_seconds", { command: "etl" })).toBe(false);
  });

  test("a directory that does not exist: an error for the caller to report, and no file", () => {
    const path = join(dir, "missing", "x.prom");
    expect(() => writeMetricsFile(path, figures())).toThrow(/ENOENT/);
    expect(existsSync(path)).toBe(false);
  });

  test("previousLastSuccess ignores other commands and garbage", () => {
    const text = 'serverdb_etl_last_success_timestamp_seconds{command="run"} 5\nserverdb_etl_last_success_timestamp_seconds{command="etl"} 7\n';
    expect(previousLastSuccess(text, "etl")).toBe(7);
    expect(previousLastSuccess(text, "expire")).toBeUndefined();
    expect(previousLastSuccess("garbage", "etl")).toBeUndefined();
    writeFileSync(join(dir, "junk.prom"), "not metrics at all");
    writeMetricsFile(join(dir, "junk.prom"), figures({ exitCode: 1, result: "failed" }), 9);
    expect(has(parseExposition(readFileSync(join(dir, "junk.prom"), "utf8")), "serverdb_etl_last_success_timestamp_seconds")).toBe(false);
  });
});

describe("one file, several commands", () => {
  test("aggregate after run keeps run's series, and the README's missed-night alert finds it", () => {
    const path = join(dir, "shared.prom");
    writeMetricsFile(path, figures({ command: "run" }), 1_000);
    writeMetricsFile(path, figures({ command: "aggregate", phases: [], warnings: {} }), 2_000);
    const e = parseExposition(readFileSync(path, "utf8"));
    // regression: aggregate rewrote the file with its own series only
    expect(valueOf(e, "serverdb_etl_last_success_timestamp_seconds", { command: "run" })).toBe(1_000);
    expect(valueOf(e, "serverdb_etl_last_success_timestamp_seconds", { command: "aggregate" })).toBe(2_000);
    expect(valueOf(e, "serverdb_etl_rows", { command: "run", kind: "loaded" })).toBe(20_000);
    const alert = readmeAlert();
    expect(evaluateStalenessAlert(e, alert, 2_000).matched).toHaveLength(1);
    expect(evaluateStalenessAlert(e, alert, 2_000).firing).toHaveLength(0);
    // 27 hours without a successful run: it fires, whatever aggregate did meanwhile.
    writeMetricsFile(path, figures({ command: "aggregate" }), 1_000 + 26 * 3600);
    const later = parseExposition(readFileSync(path, "utf8"));
    expect(evaluateStalenessAlert(later, alert, 1_000 + 27 * 3600).firing.map((s) => s.labels.command)).toEqual(["run"]);
  });

  test("a command's own earlier series are replaced: a column without warnings this time has no sample", () => {
    const path = join(dir, "replace.prom");
    writeMetricsFile(path, figures({ command: "etl", warnings: { mac_address: 3, name: 2 } }), 1_000);
    writeMetricsFile(path, figures({ command: "etl", warnings: { name: 1 } }), 2_000);
    const e = parseExposition(readFileSync(path, "utf8"));
    expect(e.samples.filter((s) => s.name === "serverdb_etl_warnings").map((s) => [s.labels.column, s.value])).toEqual([["name", 1]]);
    expect(valueOf(e, "serverdb_etl_last_run_timestamp_seconds", { command: "etl" })).toBe(2_000);
  });

  test("lines of other exporters and label values with quotes survive a rewrite unchanged", () => {
    const path = join(dir, "foreign.prom");
    const foreign = [
      "# HELP backup_last_success_timestamp_seconds Last good backup.",
      "# TYPE backup_last_success_timestamp_seconds gauge",
      'backup_last_success_timestamp_seconds{host="db1",note="a \\"quoted\\" \\\\ value"} 1700000000.5',
      "",
    ].join("\n");
    writeFileSync(path, foreign);
    writeMetricsFile(path, figures({ command: "etl" }), 1_000);
    writeMetricsFile(path, figures({ command: "run" }), 2_000);
    const text = readFileSync(path, "utf8");
    for (const line of foreign.trimEnd().split("\n")) expect(text).toContain(line);
    const e = parseExposition(text);
    expect(valueOf(e, "backup_last_success_timestamp_seconds", { note: 'a "quoted" \\ value' })).toBe(1_700_000_000.5);
    expect(valueOf(e, "serverdb_etl_exit_code", { command: "etl" })).toBe(0);
    expect(valueOf(e, "serverdb_etl_exit_code", { command: "run" })).toBe(0);
  });

  test("readable by node_exporter (another user) under systemd's UMask=0077", () => {
    const path = join(dir, "umask.prom");
    const before = process.umask(0o077);
    try {
      writeMetricsFile(path, figures(), 1_000);
    } finally {
      process.umask(before);
    }
    // regression: 0600, which the collector's user cannot read, so the metrics were never seen
    expect(statSync(path).mode & 0o777).toBe(0o644);
  });

  test("a lock file left by a killed writer is broken once stale; a fresh one is waited for", () => {
    const path = join(dir, "locked.prom");
    const lock = join(dir, ".locked.prom.lock");
    writeFileSync(lock, "12345\n");
    const old = Date.now() / 1000 - 60;
    utimesSync(lock, old, old);
    writeMetricsFile(path, figures(), 1_000);
    expect(existsSync(lock)).toBe(false);
    expect(valueOf(parseExposition(readFileSync(path, "utf8")), "serverdb_etl_last_run_timestamp_seconds")).toBe(1_000);

    // A live writer's lock: released by it 0.3 s later (another process, as this one waits synchronously).
    writeFileSync(lock, "12345\n");
    const holder = Bun.spawn(["sh", "-c", `sleep 0.3; rm -f '${lock}'`]);
    const started = performance.now();
    writeMetricsFile(path, figures(), 2_000);
    expect(performance.now() - started).toBeGreaterThan(250);
    expect(valueOf(parseExposition(readFileSync(path, "utf8")), "serverdb_etl_last_run_timestamp_seconds")).toBe(2_000);
    return holder.exited;
  });

  test("writers finishing at the same moment: every file parses, and each command's last write is what stays", async () => {
    const path = join(dir, "concurrent.prom");
    const WRITERS = 4;
    const WRITES = 40;
    const script = `
      import { writeMetricsFile } from ${JSON.stringify(join(REPO, "src/progress/metrics-file.ts"))};
      const [path, command, writes] = process.argv.slice(1); // bun -e: no script path in argv
      const figures = { command, result: "ok", exitCode: 0, phases: [], extracted: 1, loaded: 1, removed: 0, warnings: {}, replicaWaitS: 0 };
      for (let i = 1; i <= Number(writes); i++) writeMetricsFile(path, { ...figures, durationS: i }, 1000 + i);
    `;
    const procs = Array.from({ length: WRITERS }, (_, k) =>
      Bun.spawn([process.execPath, "-e", script, path, `writer${k}`, String(WRITES)], { stdout: "pipe", stderr: "pipe" }),
    );
    // Meanwhile the collector's view: never half a file.
    let reads = 0;
    const reading = (async () => {
      while (procs.some((p) => p.exitCode === null)) {
        if (existsSync(path)) {
          parseExposition(readFileSync(path, "utf8"));
          reads++;
        }
        await Bun.sleep(1);
      }
    })();
    const codes = await Promise.all(procs.map((p) => p.exited));
    await reading;
    for (const [k, p] of procs.entries()) expect({ k, code: codes[k], stderr: await new Response(p.stderr).text() }).toEqual({ k, code: 0, stderr: "" });
    expect(reads).toBeGreaterThan(0);
    const e = parseExposition(readFileSync(path, "utf8"));
    // Without the lock a writer merges into a file read before another's last write, and puts that one's older value back.
    for (let k = 0; k < WRITERS; k++) expect(valueOf(e, "serverdb_etl_run_duration_seconds", { command: `writer${k}` })).toBe(WRITES);
    expect(readdirSync(dir).filter((f) => f.startsWith(".concurrent"))).toEqual([]);
  }, 60_000);
});
