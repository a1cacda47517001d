// [report] config and --metered parsing: the README's example reads as it says, and every bad
// entry is one UsageError naming the key and the fix.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readReportConfig, parsePowerCatalog } from "../../../src/report/report-config.ts";
import { parseMetered } from "../../../src/report/metered.ts";
import { refreshYears } from "../../../src/report/refresh-rule.ts";
import { isVirtual, modelKey } from "../../../src/report/names.ts";
import { configProblems } from "../../../src/settings/config-schema.ts";
import { UsageError } from "../../../src/errors.ts";

const readme = readFileSync(join(import.meta.dir, "../../../README.md"), "utf8");
const example = [...readme.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes("[report]"))!;

describe("the README's [report] example", () => {
  const config = Bun.TOML.parse(example) as Record<string, unknown>;
  const rc = readReportConfig(config);

  test("has only keys the schema lists", () => {
    expect(configProblems(config)).toEqual([]);
  });

  test("refresh rules: model beats manufacturer beats asset type beats the default", () => {
    expect(refreshYears(rc, "Dell Inc.", "PowerEdge R640", "blade")).toBe(6);
    expect(refreshYears(rc, "Supermicro", "SYS-1029P-WTR", "blade")).toBe(4);
    expect(refreshYears(rc, "Lenovo", "ThinkSystem SR650", "blade")).toBe(4);
    expect(refreshYears(rc, "Lenovo", "ThinkSystem SR650", "server")).toBe(5);
  });

  test("aliases: defaults plus the config's; virtual list replaced", () => {
    expect(modelKey(rc.names, "HP", "ProLiant DL360 Gen10")).toBe("HPE ProLiant DL360 Gen10");
    expect(modelKey(rc.names, "hewlett packard enterprise", "ProLiant DL360 Gen10")).toBe("HPE ProLiant DL360 Gen10");
    expect(modelKey(rc.names, "SMCI", "PowerEdge R640 (EMEA)")).toBe("Supermicro PowerEdge R640");
    expect([isVirtual(rc.names, "VMware, Inc."), isVirtual(rc.names, "Xen"), isVirtual(rc.names, "Dell Inc.")]).toEqual([true, false, false]);
  });

  test("power: a pair and a typical figure", () => {
    expect(rc.power).toEqual([
      { model: "Dell PowerEdge R640", idleWatts: 110, loadedWatts: 420 },
      { model: "HPE ProLiant DL360 Gen10", idleWatts: 300, loadedWatts: 300 },
    ]);
  });
});

describe("bad [report] entries: one UsageError each", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ["a refresh age of 0", { report: { default_refresh_years: 0 } }, /default_refresh_years = 0: give a refresh age in years between 0 and 30/],
    ["a refresh table that is a number", { report: { refresh_years_by_model: 5 } }, /refresh_years_by_model must be a table of name = years/],
    ["an alias to nothing", { report: { manufacturer_aliases: { HP: "" } } }, /manufacturer_aliases\."HP" must be a non-empty name/],
    ["virtual vendors not a list", { report: { virtual_manufacturers: "VMware" } }, /virtual_manufacturers must be a list of vendor names/],
  ];
  for (const [what, config, message] of cases) {
    test(what, () => expect(() => readReportConfig(config as Record<string, unknown>)).toThrow(message));
  }
  const power: Array<[string, unknown, RegExp]> = [
    ["not a list", { model: "x", watts: 1 }, /power must be a list of tables/],
    ["no model", [{ watts: 300 }], /entry 1 needs model = /],
    ["watts and a pair", [{ model: "A B", watts: 300, idle_watts: 100, loaded_watts: 400 }], /give either watts .* or both idle_watts and loaded_watts/],
    ["only idle", [{ model: "A B", idle_watts: 100 }], /idle_watts and loaded_watts/],
    ["idle above loaded", [{ model: "A B", idle_watts: 500, loaded_watts: 400 }], /idle_watts 500 is above loaded_watts 400; swap them/],
    ["negative watts", [{ model: "A B", watts: -3 }], /watts = -3: give watts as a number between 0 and 20000/],
    ["an unknown key", [{ model: "A B", wats: 3 }], /unknown key wats; the keys are model, watts, idle_watts, loaded_watts/],
    ["a model twice", [{ model: "A B", watts: 3 }, { model: "a b", watts: 4 }], /model "a b" is listed twice/],
  ];
  for (const [what, v, message] of power) {
    test(`power catalog: ${what}`, () => {
      expect(() => parsePowerCatalog(v)).toThrow(UsageError);
      expect(() => parsePowerCatalog(v)).toThrow(message);
    });
  }
});

describe("--metered CSV", () => {
  test("header optional, quotes, feeds of one rack add up, comments and blank lines skipped", () => {
    expect(parseMetered('site,rack,watts\n# PDU export\nFRA1,"R 1",100\r\nFRA1,R 1,50.5\n\nAMS1,,7\n', "m.csv")).toEqual([
      { site: "FRA1", rack: "R 1", watts: 150.5 },
      { site: "AMS1", rack: "", watts: 7 },
    ]);
  });
  const bad: Array<[string, string, RegExp]> = [
    ["two fields", "FRA1,100\n", /m\.csv line 1: expected 3 fields site,rack,watts, found 2/],
    ["no number", "FRA1,R1,\n", /line 1: watts "" is not a number of watts/],
    ["negative", "FRA1,R1,10\nFRA1,R2,-1\n", /line 2: watts "-1" is not a number/],
    ["no site", ",R1,10\n", /line 1: the site is empty/],
    ["nothing", "site,rack,watts\n", /holds no readings/],
  ];
  for (const [what, text, message] of bad) test(what, () => expect(() => parseMetered(text, "m.csv")).toThrow(message));
});
