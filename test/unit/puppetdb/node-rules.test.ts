// The pure rules the client applies per node: the match key by each rule, whether a fact's value
// fits its declared column (the load's own rules), and the PQL it sends.
import { describe, expect, test } from "bun:test";
import { factExtrasFrom } from "../../../src/extras/declare.ts";
import type { MatchRule } from "../../../src/puppetdb/declare.ts";
import { factValueFit } from "../../../src/puppetdb/fact-value.ts";
import { matchKey } from "../../../src/puppetdb/match-key.ts";
import { TIMESTAMPS_PQL, inventoryPql } from "../../../src/puppetdb/pql.ts";

describe("matchKey", () => {
  const serial = (v: unknown) => new Map([["dmi.product.serial_number", v]]);
  const none = new Map<string, unknown>();
  const fqdn: MatchRule = { rule: "fqdn", domain: "dc1.example.com" };
  const CASES: [string, MatchRule, string, ReadonlyMap<string, unknown>, string | undefined][] = [
    ["name: the certname as is", { rule: "name" }, "web1.dc1.example.com", none, "web1.dc1.example.com"],
    ["fqdn: the domain stripped", fqdn, "web1.dc1.example.com", none, "web1"],
    ["fqdn: a host name with dots of its own keeps them", fqdn, "a.b.dc1.example.com", none, "a.b"],
    // Regression guard: a suffix match without the dot would strip "xdc1.example.com" to "web1.".
    ["fqdn: another domain ending in the same letters is outside", fqdn, "web1.xdc1.example.com", none, undefined],
    ["fqdn: outside the domain", fqdn, "web1.dc2.example.com", none, undefined],
    ["fqdn: the domain itself is no host", fqdn, "dc1.example.com", none, undefined],
    ["fqdn: the domain alone with a dot is no host", fqdn, ".dc1.example.com", none, undefined],
    ["fqdn: upper case in the certname still matches", fqdn, "Web1.DC1.example.com", none, "Web1"],
    ["serial: the fact, trimmed", { rule: "serial" }, "web1", serial(" SN123 "), "SN123"],
    ["serial: none", { rule: "serial" }, "web1", serial(null), undefined],
    ["serial: blank", { rule: "serial" }, "web1", serial("  "), undefined],
    ["serial: not a string", { rule: "serial" }, "web1", serial(12345), undefined],
  ];
  for (const [why, rule, certname, facts, key] of CASES) {
    test(why, () => {
      expect(matchKey(rule, certname, facts)).toBe(key);
    });
  }
});

describe("factValueFit", () => {
  const config = {
    puppetdb: { url: "http://127.0.0.1:1", match: "name" },
    facts: {
      columns: [
        { name: "cpus", type: "int", default: -1, puppetdb: "processors.count" },
        { name: "mem", type: "bigint", default: -1, puppetdb: "memory.system.total_bytes" },
        { name: "rel", type: "varchar(8)", default: "", puppetdb: "os.release.full" },
        { name: "virt", type: "bool", default: false, puppetdb: "is_virtual" },
        { name: "load", type: "decimal(5,2)", default: 0, puppetdb: "load_averages.1m" },
        { name: "booted", type: "date", puppetdb: "boot_day" },
      ],
    },
  };
  const col = Object.fromEntries(factExtrasFrom(config).columns.map((c) => [c.name, c]));
  const CASES: [string, string, unknown, ReturnType<typeof factValueFit>][] = [
    ["int", "cpus", 16, "ok"],
    ["int from a numeric string (what the load accepts too)", "cpus", "16", "ok"],
    ["int: a fraction", "cpus", 2.5, "wrong-type"],
    ["int: text", "cpus", "four", "wrong-type"],
    ["int: out of range", "cpus", 2 ** 31, "wrong-type"],
    ["int: a structured fact", "cpus", { count: 4 }, "wrong-type"],
    ["int: a boolean", "cpus", true, "wrong-type"],
    ["missing: null", "cpus", null, "missing"],
    ["missing: absent", "cpus", undefined, "missing"],
    ["bigint: 64 GiB in bytes", "mem", 68719476736, "ok"],
    ["varchar", "rel", "12.5", "ok"],
    ["varchar: longer than the column is cut by the load, not a wrong type", "rel", "12.5.0-long-release", "ok"],
    ["varchar: a number", "rel", 12, "ok"],
    ["varchar: a boolean", "rel", false, "wrong-type"],
    ["varchar: an array", "rel", ["12"], "wrong-type"],
    ["bool", "virt", true, "ok"],
    ["bool: false", "virt", false, "ok"],
    // Facter 2 sent is_virtual as the string "true"; the load takes only true/false/1/0.
    ["bool: the string \"true\"", "virt", "true", "wrong-type"],
    ["decimal", "load", 1.25, "ok"],
    ["decimal: more decimals than the scale are rounded by the load", "load", 1.255, "ok"],
    ["decimal: too large for decimal(5,2)", "load", 1234.5, "wrong-type"],
    ["date", "booted", "2026-12-01", "ok"],
    ["date: not a date", "booted", "yesterday", "wrong-type"],
  ];
  for (const [why, column, value, fit] of CASES) {
    test(why, () => {
      expect(factValueFit(col[column]!, value)).toBe(fit);
    });
  }
});

describe("pql", () => {
  test("inventory: certname and exactly the mapped facts, active nodes, certname order", () => {
    expect(inventoryPql(["processors.count", "os.release.full"])).toBe(
      'inventory[certname, facts.processors.count, facts.os.release.full] { node_state = "active" order by certname }',
    );
  });
  test("timestamps: factsets without their facts", () => {
    expect(TIMESTAMPS_PQL).toBe('factsets[certname, producer_timestamp] { node_state = "active" order by certname }');
  });
});
