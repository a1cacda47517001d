// The help layout: descriptions reflowed or kept as rows, a command's one-line summary in the
// root's list, and every line within the width asked for.
import { describe, expect, test } from "bun:test";
import { firstSentence, layoutText, renderHelp } from "../../../src/cli/help.ts";
import { root, subCommands } from "../../../src/cli.ts";

describe("firstSentence", () => {
  const cases: Array<[string, string, string]> = [
    ["one sentence", "Delete the rows. Then more.", "Delete the rows."],
    // regression: "e.g. the" is not the end of a sentence
    ["an abbreviation", "Names its fix, e.g. the GRANT to run. More.", "Names its fix, e.g. the GRANT to run."],
    ["a clause before a semicolon", "Check every endpoint; print one row per check.", "Check every endpoint."],
    ["punctuation inside parentheses", "Create tables (a database must exist; a file is created) then compare. More.", "Create tables (a database must exist; a file is created) then compare."],
    ["hard line breaks", "Check that every\nendpoint is ready: now.", "Check that every endpoint is ready."],
    ["no end", "just words", "just words"],
  ];
  test.each(cases)("%s", (_what, text, sentence) => {
    expect(firstSentence(text)).toBe(sentence);
  });
});

describe("layoutText", () => {
  test("unindented lines are one paragraph; an indented row wraps under its text column", () => {
    const text = ["First line of a paragraph", "and its second line.", "", "  name     a description long enough to need a second line here"].join("\n");
    expect(layoutText(text, 40)).toEqual([
      "First line of a paragraph and its second",
      "line.",
      "",
      "  name     a description long enough to",
      "           need a second line here",
    ]);
  });
});

describe("renderHelp", () => {
  test.each([60, 80])("every command's help fits %i columns", async (width) => {
    for (const cmd of [root, ...(await Promise.all(Object.values(subCommands).map((load) => load())))]) {
      const text = await renderHelp(cmd, cmd === root ? undefined : root, width);
      const wide = text.split("\n").filter((l) => [...l].length > width || /\s$/.test(l));
      expect(wide).toEqual([]);
    }
  });
});
