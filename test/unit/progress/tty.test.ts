// The live view on a virtual terminal: what a person sees at 60 and 30 columns, log lines above
// the live area, finished phases collapsed, a clean stop, the redraw rate, and that a broken
// terminal never reaches the run.
import { describe, expect, test } from "bun:test";
import { Board } from "../../../src/progress/board.ts";
import { guardProgress, teeProgress } from "../../../src/progress/progress.ts";
import { TtyRenderer } from "../../../src/progress/tty.ts";
import { VirtualTerminal } from "../../support/virtual-terminal.ts";

/** A board on a hand-driven clock, a renderer on a virtual terminal, timers driven by the test. */
function setup(columns: number, utf8 = true) {
  const clock = { now: 0 };
  const board = new Board(() => clock.now);
  const vt = new VirtualTerminal(columns);
  const tty = new TtyRenderer(
    board,
    { write: (t) => vt.write(t), columns: () => columns, utf8 },
    { setInterval: () => ({}), clearInterval: () => {} },
  );
  const progress = teeProgress(board, tty);
  tty.start();
  return { clock, board, vt, tty, progress };
}

function loadHalfway(s: ReturnType<typeof setup>) {
  s.progress.phaseStart("extract", 20_000);
  s.progress.phaseStart("load", 20_000);
  for (let i = 1; i <= 12; i++) {
    s.clock.now = i * 250;
    s.progress.phaseProgress("extract", i * 1_000 + 200);
    s.progress.phaseProgress("load", i * 1_000);
  }
  s.tty.tick();
}

describe("the live view", () => {
  test("one line per running phase with count/total, %, rate, ETA; fitted to 60 columns; cursor hidden", () => {
    const s = setup(60);
    loadHalfway(s);
    // 4,000 rows/s over the last seconds; the elapsed time is the first thing 60 columns cannot hold.
    expect(s.vt.screen()).toEqual([
      "  extract    12200/20000 rows  61%  4000/s  ETA 1.9 s",
      "  load       12000/20000 rows  60%  4000/s  ETA 2.0 s",
    ]);
    expect(s.vt.cursorVisible).toBe(false);
    expect(s.vt.wrapped).toBe(0);
  });

  test("at 30 columns it drops figures instead of wrapping: the count stays", () => {
    const s = setup(30);
    loadHalfway(s);
    const screen = s.vt.screen();
    expect(screen).toEqual(["  extract    12200/20000 rows", "  load       12000/20000 rows"]);
    for (const line of screen) expect(line.length).toBeLessThan(30);
    expect(s.vt.wrapped).toBe(0);
  });

  test("redraws replace the live area in place (no stale copies left behind)", () => {
    const s = setup(60);
    loadHalfway(s);
    for (let i = 0; i < 20; i++) {
      s.clock.now += 100;
      s.progress.phaseProgress("load", 12_000 + i * 100);
      s.tty.tick();
    }
    const screen = s.vt.screen();
    expect(screen).toHaveLength(2);
    expect(screen[1]).toStartWith("  load       13900/20000 rows");
  });

  test("a finished phase collapses to one line above; log lines go above the live area, never through it", () => {
    const s = setup(60);
    loadHalfway(s);
    s.clock.now = 4_000;
    s.progress.phaseProgress("extract", 20_000);
    s.progress.phaseEnd("extract", "20000 servers read in 4.0 s");
    s.tty.above("[warn] [replica] something a person should read, even when it is longer than the terminal is wide");
    s.tty.tick();
    const screen = s.vt.screen();
    expect(screen[0]).toBe("✓ extract    20000 servers read in 4.0 s");
    expect(screen[1]).toBe("[warn] [replica] something a person should read, even when");
    expect(screen[2]).toBe("  it is longer than the terminal is wide");
    expect(screen[3]).toStartWith("  load       12000/20000 rows");
    expect(screen).toHaveLength(4);
    expect(s.vt.wrapped).toBe(0);
  });

  test("someone else's output (a table, SQL) passes above the live area with its lines as they are", () => {
    const s = setup(40);
    loadHalfway(s);
    const sql = "ALTER TABLE `server_facts` ADD COLUMN `memory` bigint NOT NULL DEFAULT -1;";
    s.tty.above(sql, false, false);
    for (let i = 0; i < 3; i++) {
      s.clock.now += 100;
      s.tty.tick();
    }
    const screen = s.vt.screen();
    // The terminal folded the long line itself (one soft wrap), and redraws did not eat into it.
    expect(s.vt.wrapped).toBe(1);
    expect(screen.slice(0, 2).join("")).toBe(sql);
    expect(screen.slice(2).map((l) => l.trim().split(/\s+/)[0])).toEqual(["extract", "load"]);
  });

  test("while blocked on a replica: which one and why, ticking; afterwards the time waited in all", () => {
    const s = setup(60);
    s.progress.phaseStart("load", 100);
    s.clock.now = 1_000;
    s.progress.replicaWait({ replica: "mysql://ro@db-dw-2:3306/serverdb_dw", reason: "gtid 0-1-4711", waitedMs: 0, target: "0-1-4711" });
    s.clock.now = 2_300;
    s.tty.tick();
    expect(s.vt.screen()[1]).toBe("  replica    waiting for db-dw-2:3306: gtid 0-1-4711, 1.3 s");
    // Narrower: the reason is shortened, never the replica or the time.
    for (const [columns, line] of [
      [60, "  replica    waiting for db-dw-2:3306: has not appl…, 2.0 s"],
      [50, "  replica    waiting for db-dw-2:3306, 2.0 s"],
    ] as const) {
      const narrow = setup(columns);
      narrow.progress.replicaWait({ replica: "mysql://ro@db-dw-2:3306/serverdb_dw", reason: "has not applied 0-1-4711 yet", waitedMs: 2_000 });
      narrow.tty.tick();
      expect(narrow.vt.screen()[0]).toBe(line);
    }
    // Wider, the whole line (with the time) shows.
    const wide = setup(80);
    wide.progress.phaseStart("load", 100);
    wide.clock.now = 1_000;
    wide.progress.replicaWait({ replica: "mysql://ro@db-dw-2:3306/serverdb_dw", reason: "gtid 0-1-4711", waitedMs: 0 });
    wide.clock.now = 2_300;
    wide.tty.tick();
    expect(wide.vt.screen()[1]).toBe("  replica    waiting for db-dw-2:3306: gtid 0-1-4711, 1.3 s");
    wide.progress.replicaWaitEnd(1_300);
    wide.tty.tick();
    expect(wide.vt.screen()[1]).toBe("  replica    1.3 s in all, 1 wait");
  });

  test("stop: unfinished phases say where they stopped, the replica total stays, the cursor is back", () => {
    const s = setup(60, false);
    loadHalfway(s);
    s.progress.replicaWaitEnd(400);
    s.tty.notice("SIGINT: stopping after the current batch (Ctrl-C again to quit at once)");
    s.tty.tick();
    expect(s.vt.screen().at(-1)).toBe("SIGINT: stopping after the current batch (Ctrl-C again t...");
    s.tty.stop();
    expect(s.vt.screen()).toEqual([
      "! extract    stopped at 12200/20000 rows after 3.0 s",
      "! load       stopped at 12000/20000 rows after 3.0 s",
      "* replica    0.4 s in all, 1 wait",
    ]);
    expect(s.vt.cursorVisible).toBe(true);
  });

  test("redraws at most about 10 times a second, however often events come", async () => {
    const board = new Board();
    const vt = new VirtualTerminal(60);
    const tty = new TtyRenderer(board, { write: (t) => vt.write(t), columns: () => 60, utf8: true });
    const progress = teeProgress(board, tty);
    tty.start();
    progress.phaseStart("load", 1_000_000);
    const started = performance.now();
    let events = 0;
    while (performance.now() - started < 1_000) {
      for (let i = 0; i < 500; i++) progress.phaseProgress("load", ++events);
      await Bun.sleep(1);
    }
    tty.stop();
    expect(events).toBeGreaterThan(10_000);
    // start (hide cursor) + at most ~11 frames + stop (final frame, show cursor).
    expect(vt.writes).toBeLessThanOrEqual(14);
    expect(vt.writes).toBeGreaterThanOrEqual(5);
  });
});

describe("drawing is cosmetic", () => {
  test("a terminal whose writes fail: every event and timer tick still returns, the view switches itself off", () => {
    const board = new Board();
    const failures: unknown[] = [];
    const tty = new TtyRenderer(
      board,
      {
        write: () => {
          throw Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
        },
        columns: () => 60,
        utf8: true,
      },
      { setInterval: () => ({}), clearInterval: () => {}, onError: (err) => failures.push(err) },
    );
    const progress = teeProgress(board, guardProgress(tty, (err) => failures.push(err)));
    // Starting already writes (hide the cursor): the guard is what a session relies on.
    expect(() => tty.start()).toThrow("EPIPE");
    // What a run does: every kind of event, many times, and the frame timer in between.
    for (let i = 1; i <= 1_000; i++) {
      progress.phaseStart("load", 1_000);
      progress.phaseProgress("load", i);
      progress.replicaWait({ replica: "r", reason: "gtid 0-1-1", waitedMs: 0 });
      progress.replicaWaitEnd(1);
      progress.warnings({ name: 1 });
      progress.phaseEnd("load", "done");
      tty.tick();
    }
    // The board (the summary's figures) kept counting while the view failed.
    expect(board.warningsByColumn).toEqual({ name: 1_000 });
    expect(board.replica.waits).toBe(1_000);
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures.length).toBeLessThanOrEqual(2);
  });
});
