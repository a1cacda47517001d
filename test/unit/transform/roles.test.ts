// Roles: the extract's JSON body → role_ids, role_names, puppet_services, the server's team
// and the bridge rows. One row per case; the body is written as MariaDB's json_array prints it.
import { describe, expect, test } from "bun:test";
import { transformRoles } from "../../../src/transform/roles.ts";
import type { Warnings } from "../../../src/transform/types.ts";

type Fact = { role_ids: string; role_names: string; puppet_services: string; wou_id: number; wou_name: string };
const NONE: Fact = { role_ids: "", role_names: "", puppet_services: "", wou_id: -1, wou_name: "<unknown>" };

describe("transformRoles: fact columns", () => {
  const cases: [label: string, body: string | null, expected: Fact, warnings: Warnings][] = [
    ["no roles (NULL)", null, NONE, {}],
    ["no roles ('')", "", NONE, {}],
    [
      "one role with a team",
      '[3, "web", "nginx", 100, "Web Team"]',
      { role_ids: "3", role_names: "web", puppet_services: "nginx", wou_id: 100, wou_name: "Web Team" },
      {},
    ],
    [
      "ids ascending numerically, not as text",
      '[2, "b", null, null, null],[10, "a", null, null, null],[9, "c", null, null, null]',
      { role_ids: "2,9,10", role_names: "a,b,c", puppet_services: "", wou_id: -1, wou_name: "<unknown>" },
      {},
    ],
    [
      // Regression: the join repeats a role once per matching row; each id counts once.
      "duplicates removed",
      '[1, "db", "mysql", 7, "DBA"],[1, "db", "mysql", 7, "DBA"],[2, "db", "mysql", 7, "DBA"]',
      { role_ids: "1,2", role_names: "db", puppet_services: "mysql", wou_id: 7, wou_name: "DBA" },
      {},
    ],
    [
      // utf8mb4_general_ci would fold these into one; the data contract wants exact values in binary order.
      "names distinct by exact value, code-point order",
      '[1, "web", "Web", null, null],[2, "Web", "web ", null, null],[3, "web ", "web", null, null],[4, "Éclair", "zeta", null, null]',
      { role_ids: "1,2,3,4", role_names: "Web,web,web ,Éclair", puppet_services: "Web,web,web ,zeta", wou_id: -1, wou_name: "<unknown>" },
      {},
    ],
    [
      "astral characters sort after the rest of the BMP (code points, not UTF-16 units)",
      '[1, "😀", "😀", null, null],[2, "～", "～", null, null]',
      { role_ids: "1,2", role_names: "～,😀", puppet_services: "～,😀", wou_id: -1, wou_name: "<unknown>" },
      {},
    ],
    [
      "NULL puppet services left out",
      '[1, "a", null, null, null],[2, "b", "svc", null, null]',
      { role_ids: "1,2", role_names: "a,b", puppet_services: "svc", wou_id: -1, wou_name: "<unknown>" },
      {},
    ],
    [
      "'' puppet service left out of the list like NULL",
      '[1, "a", "", null, null]',
      { role_ids: "1", role_names: "a", puppet_services: "", wou_id: -1, wou_name: "<unknown>" },
      {},
    ],
    [
      "team of the lowest-id role that has one",
      '[5, "a", null, null, null],[6, "b", null, 60, "Six"],[7, "c", null, 40, "Four"]',
      { role_ids: "5,6,7", role_names: "a,b,c", puppet_services: "", wou_id: 60, wou_name: "Six" },
      {},
    ],
    [
      "lowest id wins even when the input is not in id order",
      '[7, "c", null, 40, "Four"],[6, "b", null, 60, "Six"]',
      { role_ids: "6,7", role_names: "b,c", puppet_services: "", wou_id: 60, wou_name: "Six" },
      {},
    ],
    [
      // A team without an org unit is still the team: wou_id unknown, its name kept, and it
      // wins over a higher-id role whose team has an org unit.
      "team with NULL org_unit_id",
      '[1, "a", null, null, "Nomads"],[2, "b", null, 20, "Twenty"]',
      { role_ids: "1,2", role_names: "a,b", puppet_services: "", wou_id: -1, wou_name: "Nomads" },
      {},
    ],
    [
      "ids above 2^53 stay exact and sort as integers",
      '[9007199254740993, "big", null, null, null],[18446744073709551615, "max", null, null, null],[42, "small", null, null, null]',
      { role_ids: "42,9007199254740993,18446744073709551615", role_names: "big,max,small", puppet_services: "", wou_id: -1, wou_name: "<unknown>" },
      {},
    ],
    [
      "ids as strings (a CAST in the extract) work the same",
      '["10", "a", null, null, null],["9", "b", null, null, null]',
      { role_ids: "9,10", role_names: "a,b", puppet_services: "", wou_id: -1, wou_name: "<unknown>" },
      {},
    ],
    [
      "org unit as a string is read as a number",
      '[1, "a", null, "12", "Team"]',
      { role_ids: "1", role_names: "a", puppet_services: "", wou_id: 12, wou_name: "Team" },
      {},
    ],
    [
      // Regression guard: group_concat truncated at group_concat_max_len gives broken JSON.
      "unparsable body: no roles and a warning",
      '[1, "a", null, null, null],[2, "b", nu',
      NONE,
      { role_ids: 1 },
    ],
    [
      "a bad entry is skipped with a warning, the rest kept",
      '[1, "a", null, null, null],["x", "bad", null, null, null],{"not":"an array"},[2.5, "frac", null, null, null]',
      { role_ids: "1", role_names: "a", puppet_services: "", wou_id: -1, wou_name: "<unknown>" },
      { role_ids: 3 },
    ],
    [
      "a garbled org unit keeps the team's name, org unit unknown",
      '[1, "a", null, "twelve", "Team"]',
      { role_ids: "1", role_names: "a", puppet_services: "", wou_id: -1, wou_name: "Team" },
      { wou_id: 1 },
    ],
  ];
  test.each(cases)("%s", (_label, body, expected, expectedWarnings) => {
    const warnings: Warnings = {};
    const { roles: _rows, ...fact } = transformRoles(1, body, warnings);
    expect(fact).toEqual(expected);
    expect(warnings).toEqual(expectedWarnings);
  });
});

describe("transformRoles: bridge rows", () => {
  test("one row per distinct role id, ascending, with that role's own team", () => {
    const body =
      '[4, "web", "nginx", 100, "Web Team"],[2, "db", null, null, null],[4, "web", "nginx", 100, "Web Team"],[9, "cache", "redis", null, "Nomads"]';
    expect(transformRoles(77, body, {}).roles).toEqual([
      { id: 77, role_id: 2, role_name: "db", puppet_service: "", wou_id: -1, wou_name: "<unknown>" },
      { id: 77, role_id: 4, role_name: "web", puppet_service: "nginx", wou_id: 100, wou_name: "Web Team" },
      { id: 77, role_id: 9, role_name: "cache", puppet_service: "redis", wou_id: -1, wou_name: "Nomads" },
    ]);
  });

  test("big ids are kept as exact decimal text, safe ids as numbers", () => {
    const rows = transformRoles("18446744073709551615", '[18446744073709551614, "a", null, null, null],[1, "b", null, null, null]', {}).roles;
    expect(rows.map((r) => [r.id, r.role_id])).toEqual([
      ["18446744073709551615", 1],
      ["18446744073709551615", "18446744073709551614"],
    ]);
  });

  test("no roles → no bridge rows, and a fresh array each time", () => {
    const a = transformRoles(1, null, {}).roles;
    const b = transformRoles(2, null, {}).roles;
    expect(a).toEqual([]);
    expect(a).not.toBe(b);
  });
});
