// The exit codes are one table: src/errors.ts's header, the README's "Exit codes" table and the
// root --help must agree, and each class carries the code its row says.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as errors from "../../src/errors.ts";
import { root } from "../../src/cli.ts";

const ROOT = join(import.meta.dir, "../..");

/** code → class names, from the `// | code | class | meaning |` comment table of errors.ts. */
function errorsTable(): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const line of readFileSync(join(ROOT, "src/errors.ts"), "utf8").split("\n")) {
    const m = /^\/\/ \| (\d+)\s*\| ([^|]+)\|/.exec(line);
    if (!m) continue;
    const code = Number(m[1]);
    out.set(code, [...(out.get(code) ?? []), m[2]!.trim()]);
  }
  return out;
}

/** The codes of the README's table under "## Exit codes". */
function readmeCodes(): number[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## Exit codes"));
  const end = section.indexOf("\n## ", 5);
  const codes: number[] = [];
  for (const line of section.slice(0, end < 0 ? undefined : end).split("\n")) {
    const m = /^\| (\d+) \|/.exec(line);
    if (m) codes.push(Number(m[1]));
  }
  return codes;
}

describe("exit codes", () => {
  test("errors.ts has the codes the issue names, all below 256", () => {
    const codes = [...errorsTable().keys()];
    for (const c of [0, 1, 2, 75, 130]) expect(codes).toContain(c);
    for (const c of codes) expect(c).toBeLessThan(256);
  });

  test("every class in the table exists and exits with its row's code", () => {
    for (const [code, classes] of errorsTable()) {
      for (const name of classes) {
        if (name === "—" || name.startsWith("(")) continue;
        const Cls = (errors as Record<string, unknown>)[name] as new (m: string) => Error;
        expect(typeof Cls).toBe("function");
        expect(errors.exitCodeOf(new Cls("x"))).toBe(code);
      }
    }
  });

  test("the README's table lists exactly the same codes, in order", () => {
    expect(readmeCodes()).toEqual([...errorsTable().keys()]);
  });

  test("the root --help names each code", () => {
    const description = String(root.meta && "description" in root.meta ? root.meta.description : "");
    for (const code of errorsTable().keys()) expect(description).toMatch(new RegExp(`\\b${code} `));
  });

  test("every error class names itself as it is exported (the JSON error_class; the build minifies class names)", () => {
    for (const [name, value] of Object.entries(errors)) {
      if (typeof value !== "function" || !(value.prototype instanceof Error)) continue;
      const instance = name === "TransientDbError" ? new errors.TransientDbError("x", "ER_X") : new (value as new (m: string) => Error)("x");
      expect(instance.name).toBe(name);
    }
  });
});
