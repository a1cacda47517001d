// validateIdent / quoteIdent: the one gate identifiers pass before they reach SQL text.
import { describe, expect, test } from "bun:test";
import { quoteIdent, validateIdent } from "../../../src/engine/ident.ts";
import { UsageError } from "../../../src/errors.ts";

const VALID: Array<[string, string]> = [
  ["serverdb2", "plain name"],
  ["serverdb_dw", "underscore"],
  ["SERVERDB", "upper case"],
  ["1", "single digit (MySQL allows names that start with a digit)"],
  ["2024_facts", "leading digits"],
  ["_", "single underscore"],
  ["a".repeat(64), "64 characters, MySQL's limit"],
];

const INVALID: Array<[string, string]> = [
  ["", "empty"],
  ["a".repeat(65), "65 characters: one over MySQL's limit"],
  ["server`db", "backtick: would end the quoted identifier"],
  ["serverdb2.servers_asset", "dot: a qualified name is two identifiers"],
  ["server db", "space"],
  [" serverdb", "leading space"],
  ["serverdb\n", "trailing newline"],
  ["server-db", "dash"],
  ["sérverdb", "non-ASCII letter"],
  ["серверы", "Cyrillic"],
  ["db;DROP", "semicolon"],
  ["db'x", "single quote"],
  ["db\0", "NUL"],
];

describe("validateIdent", () => {
  for (const [name, why] of VALID) {
    test(`accepts ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…(${name.length})` : name)}: ${why}`, () => {
      expect(validateIdent(name)).toBe(name);
      expect(quoteIdent(name)).toBe("`" + name + "`");
    });
  }

  for (const [name, why] of INVALID) {
    test(`rejects ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…(${name.length})` : name)}: ${why}`, () => {
      expect(() => validateIdent(name)).toThrow(UsageError);
      expect(() => quoteIdent(name)).toThrow(UsageError);
    });
  }

  test("the error names what was being validated and the rule, in one line, with exit code 2", () => {
    let caught: unknown;
    try {
      quoteIdent("bad name", "database name in --target");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    const err = caught as UsageError;
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain("database name in --target");
    expect(err.message).toContain('"bad name"');
    expect(err.message).toContain("1-64");
    expect(err.message).not.toContain("\n");
  });
});
