// The key a server is looked up by (src/puppetdb/enrich.ts), per match rule: one row per case.
import { describe, expect, test } from "bun:test";
import { lookupKey, serverKey } from "../../../src/puppetdb/enrich.ts";
import type { MatchRule } from "../../../src/puppetdb/declare.ts";

const name: MatchRule = { rule: "name" };
const fqdn: MatchRule = { rule: "fqdn", domain: "dc1.example.com" };
const serial: MatchRule = { rule: "serial" };

describe("serverKey", () => {
  const cases: [string, MatchRule, string | null, string | null, string | undefined][] = [
    ["name: lower case, trimmed (DNS names have no case)", name, " WEB01 ", "SN1", "web01"],
    ["fqdn: the short name", fqdn, "web01", "SN1", "web01"],
    // regression: ServerDBs hold FQDNs too; such a name is its own certname
    ["fqdn: a name that carries the domain loses it", fqdn, "Web01.DC1.example.com", null, "web01"],
    ["fqdn: another domain is part of the name", fqdn, "web01.dc2.example.com", null, "web01.dc2.example.com"],
    ["fqdn: the domain alone is not stripped to nothing", fqdn, ".dc1.example.com", null, ".dc1.example.com"],
    ["serial: exact, trimmed", serial, "web01", " cz3F581 ", "cz3F581"],
    ["serial: none", serial, "web01", "  ", undefined],
    ["name: none", name, null, "SN1", undefined],
  ];
  for (const [what, rule, n, sn, want] of cases) {
    test(what, () => expect(serverKey(rule, { name: n, serialnumber: sn })).toBe(want));
  }

  test("a node's key meets a server's the same way", () => {
    expect(lookupKey(fqdn, "WEB01")).toBe("web01");
    expect(lookupKey(serial, " AbC ")).toBe("AbC");
  });
});
