// Progress as log lines (systemd, cron): start and end of each phase, periodic lines for phases
// still running, a replica wait in progress, the total wait at the end; and the JSON log format
// those lines take with --log-format json.
import { afterEach, describe, expect, test } from "bun:test";
import { Board } from "../../../src/progress/board.ts";
import { LogRenderer } from "../../../src/progress/log.ts";
import { replicaWaitText } from "../../../src/progress/describe.ts";
import { teeProgress } from "../../../src/progress/progress.ts";
import { logger, setLogFloor, setLogFormat, setLogLevel, setLogSink } from "../../../src/log.ts";

function setup() {
  const clock = { now: 0 };
  const board = new Board(() => clock.now);
  const lines: Array<{ message: string; fields: Record<string, unknown> }> = [];
  let tick: () => void = () => {};
  const r = new LogRenderer(board, (message, fields) => lines.push({ message, fields }), {
    intervalS: 30,
    setInterval: (fn, ms) => {
      expect(ms).toBe(30_000);
      tick = fn;
      return {};
    },
    clearInterval: () => {},
  });
  r.start();
  return { clock, board, lines, progress: teeProgress(board, r), renderer: r, tick: () => tick() };
}

describe("LogRenderer", () => {
  test("start, periodic and end lines carry the same figures as fields", () => {
    const s = setup();
    s.progress.phaseStart("load", 20_000);
    s.clock.now = 30_000;
    s.progress.phaseProgress("load", 12_000);
    s.tick();
    s.clock.now = 50_000;
    s.progress.phaseProgress("load", 20_000);
    s.progress.phaseEnd("load", "20000 servers, 31000 role rows in 50.0 s");
    s.tick(); // nothing is running: no periodic line
    expect(s.lines.map((l) => l.message)).toEqual([
      "load: started, 20000 rows to go",
      "load: 12000/20000 rows (60%), 400 rows/s, 30.0 s elapsed, ETA 20.0 s",
      "load: done, 20000 servers, 31000 role rows in 50.0 s (400 rows/s)",
    ]);
    expect(s.lines[1]!.fields).toEqual({
      event: "progress",
      phase: "load",
      rows: 12_000,
      total: 20_000,
      percent: 60,
      rows_per_s: 400,
      elapsed_s: 30,
      eta_s: 20,
    });
    expect(s.lines[2]!.fields).toMatchObject({ event: "end", phase: "load", rows: 20_000, rows_per_s: 400, elapsed_s: 50 });
  });

  test("a Galera node waited on is called one, in the log line and on the tty", () => {
    const s = setup();
    s.progress.phaseStart("load", 10);
    s.clock.now = 1_000;
    s.progress.replicaWait({ replica: "mysql://etl@dw-g2:3306/dw", reason: "has not applied 0-1-19 yet", waitedMs: 0, target: "0-1-19", noun: "Galera node" });
    s.clock.now = 6_000;
    s.tick();
    expect(s.lines.find((l) => l.fields.phase === "replica wait")!.message).toBe("replica wait: waiting for Galera node dw-g2:3306: has not applied 0-1-19 yet, 5.0 s");
    const board = new Board(() => s.clock.now);
    board.replicaWait({ replica: "mysql://etl@dw-g2:3306/dw", reason: "has not applied 0-1-19 yet", waitedMs: 0, noun: "Galera node" });
    expect(replicaWaitText(board)).toBe("waiting for Galera node dw-g2:3306: has not applied 0-1-19 yet, 0.0 s");
    board.replicaWait({ replica: "mysql://ro@db-dw-2:3306/dw", reason: "lag", waitedMs: 0, noun: "replica" });
    expect(replicaWaitText(board)).toBe("waiting for db-dw-2:3306: lag, 0.0 s");
  });

  test("a replica wait in progress gets its own periodic line; the total comes at the end", () => {
    const s = setup();
    s.progress.phaseStart("load", 10);
    s.clock.now = 1_000;
    s.progress.replicaWait({ replica: "mysql://ro@db-dw-2:3306/dw", reason: "has not applied 0-1-4711 yet", waitedMs: 0, target: "0-1-4711" });
    s.clock.now = 31_000;
    s.tick();
    const wait = s.lines.find((l) => l.fields.phase === "replica wait")!;
    expect(wait.message).toBe("replica wait: waiting for replica db-dw-2:3306: has not applied 0-1-4711 yet, 30.0 s");
    expect(wait.fields).toEqual({
      event: "progress",
      phase: "replica wait",
      replica: "mysql://ro@db-dw-2:3306/dw",
      reason: "has not applied 0-1-4711 yet",
      gtid: "0-1-4711",
      waited_s: 30,
    });
    s.progress.replicaWaitEnd(30_500);
    s.renderer.stop();
    expect(s.lines.at(-1)).toEqual({
      message: "replica wait: 30.5 s in all, 1 wait",
      fields: { event: "end", phase: "replica wait", replica_wait_s: 30.5, waits: 1 },
    });
  });

  test("no escape codes in any line", () => {
    const s = setup();
    s.progress.phaseStart("expire");
    s.progress.phaseProgress("expire", 5, "day 1/2 2025-01-07\x1b[2K");
    s.tick();
    s.progress.phaseEnd("expire", "1 day deleted\nsecond line");
    for (const l of s.lines) expect(l.message).not.toMatch(/[\x00-\x1f\x7f]/);
  });
});

describe("log format", () => {
  afterEach(() => {
    setLogFormat("text");
    setLogSink(undefined);
    setLogLevel("WARNING");
    setLogFloor("progress-test", undefined);
  });

  test("json: one parseable object per line with time, level, logger, message and the fields", () => {
    const out: string[] = [];
    setLogSink((line) => out.push(line));
    setLogFormat("json");
    setLogLevel("INFO");
    logger("progress-test").info({ message: "load: 5/10 rows", phase: "load", rows: 5, rows_per_s: 2.5 });
    logger("progress-test").warn("a warning with\na newline", new Error("boom"));
    expect(out).toHaveLength(2);
    const [a, b] = out.map((l) => JSON.parse(l));
    expect(a).toMatchObject({ level: "info", logger: "progress-test", message: "load: 5/10 rows", phase: "load", rows: 5, rows_per_s: 2.5 });
    expect(new Date(a.time).toISOString()).toBe(a.time);
    expect(b).toMatchObject({ level: "warning", message: "a warning with\na newline boom" });
    expect(b.stack).toBeUndefined(); // stacks only at DEBUG
    for (const line of out) expect(line).not.toContain("\n");
  });

  test("text: the familiar [level] [tag] line, fields left out", () => {
    const out: string[] = [];
    setLogSink((line) => out.push(line));
    setLogLevel("INFO");
    logger("progress-test").info({ message: "sweep: started", phase: "sweep" });
    expect(out).toEqual(["[info] [progress-test] sweep: started"]);
  });

  test("a floor lets one logger speak below --verbose (--progress log at the default level)", () => {
    const out: string[] = [];
    setLogSink((line) => out.push(line));
    logger("progress-test").info("hidden at WARNING");
    setLogFloor("progress-test", "INFO");
    logger("progress-test").info("shown");
    logger("other-test").info("still hidden");
    setLogLevel("WARNING"); // a later --verbose keeps the floor
    logger("progress-test").info("still shown");
    expect(out).toEqual(["[info] [progress-test] shown", "[info] [progress-test] still shown"]);
  });
});
