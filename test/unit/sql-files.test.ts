// sql/ and src/sql.ts agree: every SQL file is imported (so `bun build --compile` embeds it),
// every listed file exists, each import is the file's text, and no other module imports sql/.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { SQL, SQL_FILES } from "../../src/sql.ts";

const ROOT = join(import.meta.dir, "../..");
const SQL_DIR = join(ROOT, "sql");

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const onDisk = walk(SQL_DIR)
  .map((f) => relative(SQL_DIR, f))
  .sort();
const listed: string[] = [...SQL_FILES].sort();
const sqlTs = readFileSync(join(ROOT, "src/sql.ts"), "utf8");
const imported = [...sqlTs.matchAll(/from\s+"\.\.\/sql\/([^"]+)"\s+with\s*\{\s*type:\s*"text"\s*\}/g)].map((m) => m[1]).sort();

describe("sql/ and src/sql.ts", () => {
  test("sql/ holds only .sql files", () => {
    expect(onDisk.filter((f) => !f.endsWith(".sql"))).toEqual([]);
  });

  test("every file under sql/ is listed in SQL_FILES, and every listed file exists", () => {
    expect(listed).toEqual(onDisk);
  });

  test("SQL_FILES lists exactly the files src/sql.ts imports as text", () => {
    expect(imported).toEqual(listed);
  });

  test("no file is listed twice", () => {
    expect(new Set(SQL_FILES).size).toBe(SQL_FILES.length);
  });

  for (const file of SQL_FILES) {
    test(`${file} reaches SQL as its own text`, () => {
      const text = readFileSync(join(SQL_DIR, file), "utf8");
      expect(Object.values(SQL)).toContain(text);
    });
  }

  for (const [name, text] of Object.entries(SQL)) {
    test(`SQL.${name} is not empty`, () => {
      expect(typeof text).toBe("string");
      // Comments alone are not a statement.
      const code = (text as string).replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, "").trim();
      expect(code.length).toBeGreaterThan(0);
    });
  }

  test("SQL has one entry per file", () => {
    expect(Object.keys(SQL).length).toBe(SQL_FILES.length);
  });

  test("no module other than src/sql.ts imports from sql/", () => {
    const offenders = walk(join(ROOT, "src"))
      .filter((f) => f.endsWith(".ts") && !f.endsWith("/src/sql.ts"))
      .filter((f) => /from\s+["'][^"']*\.sql["']|import\(\s*["'][^"']*\.sql["']/.test(readFileSync(f, "utf8")))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
