// mac_address normalization and ip_address cleanup (docs/data-contract.md "server_facts" and "MAC addresses"): one row per case.
import { describe, expect, test } from "bun:test";
import { cleanIp, normalizeMac } from "../../../src/transform/network.ts";
import type { Warnings } from "../../../src/transform/types.ts";

describe("normalizeMac", () => {
  // [raw, expected mac, expected warning count on mac_address]
  const cases: [raw: string | null, expected: string | null, warned: number][] = [
    ["aa:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff", 0],
    ["AA:BB:CC:DD:EE:FF", "aa:bb:cc:dd:ee:ff", 0], // upper case
    ["Aa:bB:cC:Dd:eE:Ff", "aa:bb:cc:dd:ee:ff", 0], // mixed case
    ["aa-bb-cc-dd-ee-ff", "aa:bb:cc:dd:ee:ff", 0], // Windows style
    ["0:1b:2:c:d:e", "00:1b:02:0c:0d:0e", 0], // 1-digit groups are zero-padded
    ["a-b-c-d-e-f", "0a:0b:0c:0d:0e:0f", 0],
    ["001b21abcdef", "00:1b:21:ab:cd:ef", 0], // 12 bare hex digits
    ["001B21ABCDEF", "00:1b:21:ab:cd:ef", 0],
    ["001b.21ab.cdef", "00:1b:21:ab:cd:ef", 0], // Cisco dotted
    ["001B.21AB.CDEF", "00:1b:21:ab:cd:ef", 0],
    ["  aa:bb:cc:dd:ee:ff  ", "aa:bb:cc:dd:ee:ff", 0], // surrounding blanks ignored
    ["\taa-bb-cc-dd-ee-ff\n", "aa:bb:cc:dd:ee:ff", 0], // tabs and newlines are blanks too
    [null, null, 0], // NULL in the source: NULL, no warning
    ["", null, 1], // empty is not a MAC
    ["   ", null, 1],
    ["N/A", null, 1],
    ["aa:bb:cc:dd:ee", null, 1], // five groups
    ["aa:bb:cc:dd:ee:ff:00", null, 1], // seven groups
    ["aa:bb:cc:dd:ee:fg", null, 1], // not hex
    ["aaa:bb:cc:dd:ee:ff", null, 1], // a 3-digit group
    ["aa:bb:cc:dd:ee:", null, 1], // an empty group
    ["aa:bb-cc:dd-ee:ff", null, 1], // mixed separators: a typo, not a MAC
    ["aa.bb.cc.dd.ee.ff", null, 1], // '.' separates only the dotted 3×4 form
    ["aa bb cc dd ee ff", null, 1], // blanks inside
    ["001b21abcde", null, 1], // 11 bare digits
    ["001b21abcdef0", null, 1], // 13 bare digits
    ["01b.21ab.cdef", null, 1], // dotted groups are exactly 4 digits
    ["001b:21ab:cdef", null, 1], // 3×4 with colons is not a format we accept
  ];
  test.each(cases)("%p → %p (%p warnings)", (raw, expected, warned) => {
    const warnings: Warnings = {};
    expect(normalizeMac(raw, warnings)).toBe(expected);
    expect(warnings.mac_address ?? 0).toBe(warned);
    expect(Object.keys(warnings).filter((k) => k !== "mac_address")).toEqual([]);
  });

  test("warnings accumulate per call on the caller's object", () => {
    const warnings: Warnings = {};
    normalizeMac("bad", warnings);
    normalizeMac("worse", warnings);
    normalizeMac("aa:bb:cc:dd:ee:ff", warnings);
    expect(warnings).toEqual({ mac_address: 2 });
  });
});

describe("cleanIp", () => {
  const cases: [raw: string | null, expected: string | null][] = [
    ["10.0.0.1", "10.0.0.1"],
    [" 10.0.0.1 ", "10.0.0.1"], // char(39) in the source may carry blanks
    ["\t2001:db8::1\n", "2001:db8::1"],
    ["2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"], // kept as written
    ["", null],
    ["    ", null],
    [null, null],
  ];
  test.each(cases)("%p → %p", (raw, expected) => {
    expect(cleanIp(raw)).toBe(expected);
  });
});
