// --metrics-file: valid exposition text (parsed by a strict small parser), the figures of the run,
// last success kept on failure, and an atomic write (no temp file left, never a half file).
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { previousLastSuccess, renderMetrics, writeMetricsFile } from "../../../src/progress/metrics.ts";
import type { RunFigures } from "../../../src/progress/run-summary.ts";
import { has, parseExposition, valueOf } from "../../support/prometheus.ts";

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
    // Only the file itself: the temp file was renamed into place.
    expect(readdirSync(dir)).toEqual(["serverdb_etl.prom"]);
  });

  test("another command's file does not lend its success time", () => {
    const path = join(dir, "other.prom");
    writeMetricsFile(path, figures({ command: "aggregate" }), 1_000);
    writeMetricsFile(path, figures({ exitCode: 1, result: "failed" }), 2_000);
    expect(has(parseExposition(readFileSync(path, "utf8")), "serverdb_etl_last_success_timestamp_seconds")).toBe(false);
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
