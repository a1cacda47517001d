// The line of a run that stopped part-way, and the summary's JSON fields, name the warehouse the
// run wrote to; a run before any target is known says nothing of one.
import { describe, expect, test } from "bun:test";
import { Board } from "../../../src/progress/board.ts";
import { formatStoppedSummary, runFigures, summaryFields } from "../../../src/progress/run-summary.ts";

function stoppedBoard(): Board {
  let now = 0;
  const board = new Board(() => now);
  board.phaseStart("extract", 1000);
  board.phaseStart("load", 1000);
  now = 1500;
  board.phaseProgress("extract", 400);
  board.phaseProgress("load", 300);
  return board;
}

describe("the target in summaries", () => {
  test("a stopped run's line ends with the target; its JSON fields carry it", () => {
    const f = runFigures(stoppedBoard(), { command: "etl", reportDate: "2026-12-03", target: "mysql://etl@dw:3306/serverdb_dw", exitCode: 130 });
    const line = formatStoppedSummary(f);
    expect(line).toStartWith("etl 2026-12-03: interrupted (exit 130)");
    expect(line).toContain("300 loaded");
    expect(line).toEndWith("; target mysql://etl@dw:3306/serverdb_dw");
    expect(summaryFields(f).target).toBe("mysql://etl@dw:3306/serverdb_dw");
  });

  test("without a known target (it failed before connecting) nothing is claimed", () => {
    const f = runFigures(stoppedBoard(), { command: "etl", exitCode: 1 });
    expect(formatStoppedSummary(f)).not.toContain("target");
    expect("target" in summaryFields(f)).toBe(false);
  });
});
