// The run's scratch map on disk (src/engine/scratch-map.ts): values as set (the last set wins),
// take marks keys so the untaken ones can be counted, the file lives under the temp dir and is
// gone after close, and a map of 50,000 entries leaves the process's heap as it was.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { openScratchMap } from "../../../src/engine/scratch-map.ts";

const ours = () => readdirSync(tmpdir()).filter((n) => n.startsWith("serverdb-etl-scratch-test-"));

describe("openScratchMap", () => {
  test("get, set (last wins), take, size and untaken", () => {
    const m = openScratchMap("serverdb-etl-scratch-test-");
    try {
      expect(m.get("a")).toBeUndefined();
      m.set("a", "1");
      m.set("b", "2");
      m.set("a", "3");
      m.set("É", "4");
      expect(m.get("a")).toBe("3");
      expect(m.size()).toBe(3);
      expect(m.take("b")).toBe("2");
      expect(m.take("b")).toBe("2"); // taken twice is still one key taken
      expect(m.take("nope")).toBeUndefined();
      expect(m.untaken()).toBe(2);
      expect(m.get("é")).toBeUndefined(); // keys are exact: the caller normalizes them
      expect(m.bytes()).toBeGreaterThan(0);
    } finally {
      m.close();
    }
  });

  test("the file is under the temp dir while open, and gone after close (twice is fine)", () => {
    const before = ours().length;
    const m = openScratchMap("serverdb-etl-scratch-test-");
    expect(ours().length).toBe(before + 1);
    m.set("k", "v");
    m.close();
    m.close();
    expect(ours().length).toBe(before);
  });

  test("50,000 entries stay on disk: the JS heap does not grow with them", () => {
    const m = openScratchMap("serverdb-etl-scratch-test-");
    try {
      Bun.gc(true);
      const heap = process.memoryUsage().heapUsed;
      const value = JSON.stringify({ t: 1765000000000, v: [8, "12.4", true, 68719476736, "2026-12-01 00:00:00"] });
      for (let i = 0; i < 50_000; i++) m.set(`server-${i}.dc1.example.com`, value);
      for (let i = 0; i < 50_000; i += 2) expect(m.take(`server-${i}.dc1.example.com`)).toBe(value);
      expect(m.untaken()).toBe(25_000);
      Bun.gc(true);
      // 50,000 such entries as JS strings in a Map would take ~10 MB of heap.
      expect(process.memoryUsage().heapUsed - heap).toBeLessThan(2 * 2 ** 20);
      expect(m.bytes()).toBeGreaterThan(50_000 * 60);
    } finally {
      m.close();
    }
    expect(existsSync(tmpdir())).toBe(true);
  });
});
