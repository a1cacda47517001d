// stateBefore: one server's state on one day of a backfill pass, from its rows (history in
// (history_date, history_id) order, then today's state when the query sends it). One row per case.
import { describe, expect, test } from "bun:test";
import { stateBefore, type PassRow } from "../../../../src/stages/extract/extract-pass.ts";

const h = (at: string, type: string, name: string, source = "history"): PassRow =>
  ({ id: "7", name, asof_part: 0, asof_at: at, asof_type: type, asof_source: source }) as unknown as PassRow;
const now = (createdAt: string): PassRow =>
  ({ id: "7", name: "today", asof_part: "1", asof_at: createdAt, asof_type: null, asof_source: "current" }) as unknown as PassRow;

const END = "2026-03-02 00:00:00.000000";
const cases: [string, PassRow[], string | undefined][] = [
  ["no row at all", [], undefined],
  ["one history row before the instant", [h("2026-03-01 10:00:00.000000", "+", "a")], "a"],
  ["the newest row before the instant wins", [h("2026-02-01 10:00:00.000000", "+", "a"), h("2026-03-01 10:00:00.000000", "~", "b")], "b"],
  ["a row at the instant itself is after it", [h("2026-02-01 10:00:00.000000", "+", "a"), h("2026-03-02 00:00:00.000000", "~", "b")], "a"],
  // a value stored without the fraction (SQLite text): padded before comparing, as the SQL compares
  ["a value without microseconds just before", [h("2026-03-01 23:59:59", "~", "a")], "a"],
  ["equal history_date: the later row (higher history_id) comes last and wins", [h("2026-03-01 10:00:00.000000", "~", "a"), h("2026-03-01 10:00:00.000000", "~", "b")], "b"],
  ["deleted by then: absent", [h("2026-02-01 10:00:00.000000", "+", "a"), h("2026-03-01 10:00:00.000000", "-", "gone")], undefined],
  ["deleted, then the deletion is after the instant: present", [h("2026-02-01 10:00:00.000000", "+", "a"), h("2026-03-05 10:00:00.000000", "-", "gone")], "a"],
  ["no history yet, created before: today's state", [now("2026-01-01 00:00:00.000000")], "today"],
  ["no history yet, created after the instant: absent", [now("2026-03-03 00:00:00.000000")], undefined],
  // the query sends today's state only for servers without history before the pass's first day
  ["first history row after the instant, created before: today's state", [h("2026-03-10 10:00:00.000000", "+", "a"), now("2026-01-01 00:00:00.000000")], "today"],
  ["history before the instant wins over today's state", [h("2026-03-01 10:00:00.000000", "+", "a"), now("2026-01-01 00:00:00.000000")], "a"],
];

describe("stateBefore", () => {
  for (const [what, rows, name] of cases) {
    test(what, () => {
      expect(stateBefore(rows, END)?.name).toBe(name);
    });
  }
});
