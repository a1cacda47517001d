// "Did you mean": the visible database a mistyped name most likely meant, or none.
import { describe, expect, test } from "bun:test";
import { editDistance, similarName, userDatabases } from "../../../src/doctor/similar-name.ts";

describe("similarName", () => {
  const visible = ["information_schema", "mysql", "performance_schema", "sys", "serverdb2", "serverdb_dw", "dw"];
  const cases: Array<[string, string | undefined]> = [
    ["serverdb3", "serverdb2"], // one replaced character
    ["serverdb", "serverdb2"], // one left out
    ["serverdb_wd", "serverdb_dw"], // a swapped pair is two edits
    ["ServerDB2", "serverdb2"], // case only
    ["serverdb_xyz", undefined], // three edits: not a typo of anything
    ["dx", "dw"], // short names: one edit
    ["ab", undefined],
    ["mysqk", undefined], // the server's own schemas are never suggested
    ["serverdb2", undefined], // the name itself is no suggestion
  ];
  for (const [name, want] of cases) test(`${name} → ${want}`, () => expect(similarName(name, visible)).toBe(want));
  test("the closest wins", () => expect(similarName("abcdef9", ["abcdxx9", "abcdef"])).toBe("abcdef"));
  test("ties go to the first alphabetically", () => expect(similarName("dbx", ["dbz", "dba"])).toBe("dba"));
});

test("userDatabases leaves out the server's own schemas", () => {
  expect(userDatabases(["sys", "b", "information_schema", "a", "mysql", "performance_schema"])).toEqual(["a", "b"]);
});

test("editDistance", () => {
  expect([editDistance("", "abc"), editDistance("kitten", "sitting"), editDistance("same", "same")]).toEqual([3, 3, 0]);
});
