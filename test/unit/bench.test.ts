// package.json's scripts run what they name: `npm run bench` lists every benchmark in bench/ with
// how to run it, and `npm run bench -- <name>` runs one.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };

const REPO = join(import.meta.dir, "../..");

async function npm(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(["npm", "run", "--silent", ...args], { cwd: REPO, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { exitCode, stdout, stderr };
}

describe("package.json scripts", () => {
  // regression: "bench" ran bench/index.ts, which did not exist
  test.each(Object.entries(pkg.scripts))("%s: every file it runs exists", (_name, script) => {
    for (const m of script.matchAll(/\bbun run (\S+\.ts)\b/g)) expect(existsSync(join(REPO, m[1]!))).toBe(true);
  });
});

describe("npm run bench", () => {
  /** The benches, found independently: files of bench/ whose header has a Usage line. */
  const benches = readdirSync(join(REPO, "bench"))
    .filter((f) => f.endsWith(".ts") && /^\/\/ Usage: bun run bench\//m.test(readFileSync(join(REPO, "bench", f), "utf8")))
    .map((f) => f.replace(/\.ts$/, ""))
    .sort();

  test("without a name: lists every benchmark with its usage, exit 0", async () => {
    const r = await npm(["bench"]);
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(benches.length).toBeGreaterThanOrEqual(5);
    for (const name of benches) {
      expect(r.stdout).toMatch(new RegExp(`^${name}: \\S.*\\.$`, "m"));
      expect(r.stdout).toMatch(new RegExp(`^ {4}bun run bench/${name}\\.ts`, "m"));
    }
    expect(r.stdout).not.toMatch(/^support:/m);
  });

  test("with a name and options: runs that benchmark (transform, the one that needs no server)", async () => {
    const r = await npm(["bench", "--", "transform", "2000"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^transform: 2000 rows in [\d.]+ s = \d+ rows\/s/m);
  }, 60_000);

  test("an unknown name: exit 2, one line naming the benchmarks", async () => {
    const r = await npm(["bench", "--", "nosuch"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`bench: no benchmark named "nosuch"; choose one of ${benches.join(", ")} (npm run bench lists them)\n`);
  });
});
