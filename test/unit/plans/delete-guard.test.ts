// expire's large-delete guard (plans/delete-guard.ts) and its options: which deletes need
// --allow-large-delete, the one line that refuses one, and --max-delete-share / config precedence.
import { describe, expect, test } from "bun:test";
import { DEFAULT_DELETE_LIMIT, describeDelete, isLargeDelete, largeDeleteMessage } from "../../../src/plans/delete-guard.ts";
import { deleteLimitFrom } from "../../../src/settings/run-options.ts";
import { UsageError } from "../../../src/errors.ts";

describe("isLargeDelete", () => {
  const limit = DEFAULT_DELETE_LIMIT;
  // [days deleted, days present, max share %, allowed flag, large?]
  const cases: Array<[number, number, number, boolean, boolean]> = [
    [1, 91, 10, false, false], // an ordinary night: the day that left the window
    [1, 2, 10, false, false], // one day always goes, even out of two
    [0, 0, 10, false, false],
    [10, 100, 10, false, false], // exactly the share
    [11, 100, 10, false, true],
    [2, 9, 10, false, true], // small warehouses are protected too: 22%
    // Regression (issue 13): a keep_daily of 9 for 90 deleted 76 of 93 days without a word.
    [76, 93, 10, false, true],
    [76, 93, 100, false, false],
    [76, 93, 10, true, false], // --allow-large-delete
    [30, 100, 25, false, true],
  ];
  test.each(cases)("%i of %i days, --max-delete-share %i, allowed %p → large %p", (doomed, present, maxSharePercent, allow, large) => {
    expect(isLargeDelete(doomed, present, { ...limit, maxSharePercent, allow })).toBe(large);
  });
});

test("the refusal is one line: what would have gone (days, span, rows), the limit, and the two ways on", () => {
  const size = { days: ["2026-06-02", "2026-07-01", "2026-09-03"], present: 4, factRows: 570, roleRows: 900 };
  expect(describeDelete(size)).toBe("3 of 4 days (75%; 2026-06-02 … 2026-09-03): 570 fact rows, 900 bridge rows");
  const message = largeDeleteMessage(size, DEFAULT_DELETE_LIMIT, { keepDaily: 9, keepWeekday: 1 });
  expect(message).toBe(
    "expire would delete 3 of 4 days (75%; 2026-06-02 … 2026-09-03): 570 fact rows, 900 bridge rows, more than --max-delete-share 10% " +
      "of the days in one run, so nothing was deleted: check the policy (every day of the last 9, then one monday a week; " +
      "expire --dry-run lists each day), or pass --allow-large-delete",
  );
  expect(message).not.toContain("\n");
});

describe("deleteLimitFrom: --max-delete-share > config [expire] max_delete_share > 10; --allow-large-delete", () => {
  test("defaults, config, flag", () => {
    expect(deleteLimitFrom({}, {})).toEqual({ maxSharePercent: 10, allow: false });
    expect(deleteLimitFrom({}, { expire: { max_delete_share: 30 } })).toEqual({ maxSharePercent: 30, allow: false });
    expect(deleteLimitFrom({ "max-delete-share": "2.5", "allow-large-delete": true }, { expire: { max_delete_share: 30 } })).toEqual({
      maxSharePercent: 2.5,
      allow: true,
    });
  });
  // [args, config, message]
  const bad: Array<[Record<string, unknown>, Record<string, unknown>, RegExp]> = [
    [{ "max-delete-share": "0" }, {}, /--max-delete-share must be a positive number, got "0"/],
    [{ "max-delete-share": "10%" }, {}, /--max-delete-share must be a positive number, got "10%"/],
    [{ "max-delete-share": "150" }, {}, /--max-delete-share is a percentage of the days present, 100 at most; got 150/],
    [{}, { expire: { max_delete_share: "ten" } }, /config: \[expire\] max_delete_share must be a positive number/],
  ];
  test.each(bad)("%j %j is a usage error", (args, config, message) => {
    expect(() => deleteLimitFrom(args, config)).toThrow(UsageError);
    expect(() => deleteLimitFrom(args, config)).toThrow(message);
  });
});
