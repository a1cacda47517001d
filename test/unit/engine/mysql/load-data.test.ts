// The LOAD DATA row encoder (src/engine/mysql/load-data.ts): each value's text, the row and line framing,
// and the statement text whose FIELDS/LINES/ESCAPED clauses that text is written for.
import { describe, expect, test } from "bun:test";
import { loadDataSql, LOAD_FILE_NAME } from "../../../../src/engine/mysql/load-data.ts";
import { encodeField, encodeRows } from "../../../../src/engine/bulk-rows.ts";

const FIELDS: [string, unknown, string][] = [
  ["NULL", null, "\\N"],
  ["undefined (an absent value binds as NULL too)", undefined, "\\N"],
  ["plain text", "web-01", "web-01"],
  ["empty string (not NULL)", "", ""],
  ["tab", "a\tb", "a\\tb"],
  ["newline", "a\nb", "a\\nb"],
  ["carriage return", "a\r\nb", "a\\r\\nb"],
  ["backslash", "C:\\temp", "C:\\\\temp"],
  ["NUL", "a\0b", "a\\0b"],
  ["the text \\N (not NULL)", "\\N", "\\\\N"],
  ["the word NULL (no ENCLOSED BY: stays text)", "NULL", "NULL"],
  ["quotes pass as they are", `it's "x"`, `it's "x"`],
  ["emoji", "db 🐬 ☃", "db 🐬 ☃"],
  ["trailing spaces kept", "web ", "web "],
  ["integer", 42, "42"],
  ["zero", 0, "0"],
  ["negative", -7, "-7"],
  ["largest safe integer", 2 ** 53 - 1, "9007199254740991"],
  ["id above 2^53 (a decimal string)", "18446744073709551615", "18446744073709551615"],
  ["bigint", 9007199254740993n, "9007199254740993"],
  ["boolean", true, "1"],
];

describe("encodeField", () => {
  for (const [what, value, text] of FIELDS) test(what, () => expect(encodeField(value)).toBe(text));

  test("values the REPLACE path would not bind as text or a number are refused", () => {
    expect(() => encodeField(Number.NaN)).toThrow(/NaN/);
    expect(() => encodeField(Number.POSITIVE_INFINITY)).toThrow(/Infinity/);
    expect(() => encodeField({ a: 1 })).toThrow(/object/);
  });
});

describe("encodeRows", () => {
  test("fields joined by tabs, every row ended by a newline, UTF-8", () => {
    const bytes = encodeRows([
      [1, "a\tb", null],
      ["18446744073709551615", "🐬", "\\N"],
    ]);
    expect(bytes.toString("utf8")).toBe("1\ta\\tb\t\\N\n18446744073709551615\t🐬\t\\\\N\n");
    // 🐬 is 4 bytes in UTF-8: the buffer is bytes, not UTF-16 units.
    expect(bytes.length).toBe(Buffer.byteLength("1\ta\\tb\t\\N\n18446744073709551615\t🐬\t\\\\N\n", "utf8"));
  });

  test("a value's escapes never leave a raw tab, newline or lone backslash in the bytes", () => {
    const nasty = "\\\t\n\r\0\\N\\t";
    const line = encodeRows([[nasty, nasty]]).toString("utf8");
    expect(line.split("\n")).toEqual([`${encodeField(nasty)}\t${encodeField(nasty)}`, ""]);
    expect(encodeField(nasty)).not.toMatch(/[\t\n\r\0]/);
    // Every backslash starts a pair: strip the pairs and none is left.
    expect(encodeField(nasty).replace(/\\[\\tnr0N]/g, "")).not.toContain("\\");
  });

  test("no rows, no bytes", () => expect(encodeRows([]).length).toBe(0));
});

describe("loadDataSql", () => {
  test("names the constant file, REPLACE, utf8mb4, the framing encodeRows writes, and the columns quoted", () => {
    expect(loadDataSql("server_facts", ["id", "report_date"])).toBe(
      `LOAD DATA LOCAL INFILE '${LOAD_FILE_NAME}' REPLACE INTO TABLE \`server_facts\` CHARACTER SET utf8mb4 ` +
        "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (`id`, `report_date`)",
    );
  });
});
