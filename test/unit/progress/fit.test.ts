// Fitting live lines to the terminal width and wrapping permanent ones.
import { describe, expect, test } from "bun:test";
import { fitParts, truncate, width, wrap, type Part } from "../../../src/progress/fit.ts";

const parts: Part[] = [
  { text: "12000/20000 rows", drop: 0 },
  { text: "60%", drop: 4 },
  { text: "6400/s", drop: 3 },
  { text: "1.9 s", drop: 6 },
  { text: "ETA 1.3 s", drop: 2 },
];
const head = "  load     ";

describe("fitParts", () => {
  test("everything when it fits", () => {
    expect(fitParts(head, parts, 80)).toBe("  load       12000/20000 rows  60%  6400/s  1.9 s  ETA 1.3 s");
  });

  test("narrower: the least useful parts go first (elapsed, then %, then rate), the count stays", () => {
    expect(fitParts(head, parts, 55)).toBe("  load       12000/20000 rows  60%  6400/s  ETA 1.3 s");
    expect(fitParts(head, parts, 48)).toBe("  load       12000/20000 rows  6400/s  ETA 1.3 s");
    expect(fitParts(head, parts, 40)).toBe("  load       12000/20000 rows  ETA 1.3 s");
    expect(fitParts(head, parts, 30)).toBe("  load       12000/20000 rows");
  });

  test("no line is ever wider than asked, down to absurd widths", () => {
    for (let w = 1; w <= 90; w++) expect(width(fitParts(head, parts, w))).toBeLessThanOrEqual(w);
  });

  test("a last resort cut ends in an ellipsis", () => {
    expect(fitParts(head, parts, 20)).toBe("  load       12000/…");
    expect(fitParts(head, parts, 20, "  ", "...")).toBe("  load       1200...");
  });
});

describe("truncate", () => {
  test("counts code points, not UTF-16 units", () => {
    expect(truncate("✓ load done", 11)).toBe("✓ load done");
    expect(truncate("✓ load done", 6)).toBe("✓ loa…");
    expect(truncate("abc", 0)).toBe("");
  });
});

describe("wrap", () => {
  test("at spaces, continuation lines indented, none wider than asked", () => {
    const text = "etl 2026-11-27 run 7: ok, 20000 extracted, 20000 loaded, 0 removed, warnings mac_address=397,name=215; load 3.7 s, total 3.7 s";
    const lines = wrap(text, 40);
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(width(l)).toBeLessThanOrEqual(40);
    expect(lines.slice(1).every((l) => l.startsWith("  "))).toBe(true);
    expect(lines.map((l) => l.trim()).join(" ")).toBe(text);
  });

  test("a number stays with its unit ('3.7 s' is never split)", () => {
    const lines = wrap("load 3.7 s, sweep 0.0 s, replica wait 0.0 s, total 3.7 s", 22);
    for (const l of lines) expect(l.trim()).not.toMatch(/^s\b/);
  });

  test("a word longer than the line is cut, not left to overflow", () => {
    const lines = wrap(`x ${"a".repeat(50)} y`, 20);
    for (const l of lines) expect(width(l)).toBeLessThanOrEqual(20);
    expect(lines.join("").replace(/\s/g, "")).toBe(`x${"a".repeat(50)}y`);
  });

  test("short text is one line", () => {
    expect(wrap("ok", 60)).toEqual(["ok"]);
  });
});
