// The house rules of docs/architecture.md, checked on the source tree: no import circles in src/,
// engine knowledge only inside src/engine/ (no driver import, no branch on an engine's name), and
// every module opens with its one-line contract.
import { describe, expect, test } from "bun:test";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const SRC = join(ROOT, "src");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const FILES = walk(SRC).filter((f) => !f.endsWith(".d.ts"));
const TEXT = new Map(FILES.map((f) => [f, readFileSync(f, "utf8")]));
const rel = (f: string) => relative(ROOT, f);

/** Relative imports of a module (static, type-only and dynamic alike), as absolute paths. */
function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const m of TEXT.get(file)!.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+\.ts)"/g)) out.push(resolve(dirname(file), m[1]!));
  return out;
}

/** Strongly connected components of more than one module (or a module importing itself): the circles. */
function circles(): string[][] {
  const graph = new Map(FILES.map((f) => [f, importsOf(f).filter((t) => TEXT.has(t))]));
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(rel(w));
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)!.includes(v)) found.push(scc.sort());
    }
  };
  for (const f of FILES) if (!idx.has(f)) visit(f);
  return found;
}

/**
 * Outside src/engine/, only settings/ may know the engines' names: it parses the DSN schemes and
 * applies the mysql client's option files to server endpoints.
 */
const outsideEngine = FILES.filter((f) => !rel(f).startsWith("src/engine/") && !rel(f).startsWith("src/settings/"));

describe("architecture", () => {
  test("src/ has no import circles", () => {
    expect(circles()).toEqual([]);
  });

  test("no module outside src/engine/ imports a driver or an engine's own folder", () => {
    const bad = outsideEngine.flatMap((f) => {
      const drivers = [...TEXT.get(f)!.matchAll(/from\s+"(mysql2[^"]*|bun:sqlite)"|import\("(mysql2[^"]*)"\)/g)].map((m) => m[1] ?? m[2]);
      const engineParts = importsOf(f).filter((t) => /src\/engine\/(mysql|sqlite)\//.test(t)).map(rel);
      return [...drivers, ...engineParts].map((what) => `${rel(f)} imports ${what}`);
    });
    expect(bad).toEqual([]);
  });

  test("no module outside src/engine/ branches on an engine's name", () => {
    const branch = /\b(kind|engine|dialect)\s*[!=]==?\s*["'](mysql|sqlite|mariadb)["']|["'](mysql|sqlite|mariadb)["']\s*[!=]==?\s*\w*\.?(kind|engine)\b|case\s+["'](mysql|sqlite)["']/;
    const bad = outsideEngine.flatMap((f) =>
      TEXT.get(f)!
        .split("\n")
        .flatMap((line, i) => (branch.test(line) && !line.trimStart().startsWith("//") ? [`${rel(f)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(bad).toEqual([]);
  });

  test("every module opens with a comment saying what it is for", () => {
    const bare = FILES.filter((f) => !/^(#![^\n]*\n)?\/\/ \S/.test(TEXT.get(f)!)).map(rel);
    expect(bare).toEqual([]);
  });

  test("the checks see the whole tree (a vacuous pass would prove nothing)", () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(outsideEngine.length).toBeGreaterThan(60);
    expect(FILES.some((f) => rel(f).startsWith("src/engine/mysql/"))).toBe(true);
  });
});
