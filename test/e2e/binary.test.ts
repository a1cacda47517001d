// The compiled dist/serverdb-etl (npm test builds it first) as a host without Bun or Node runs
// it: copied out of the repo, started with `env -i PATH=/usr/bin:/bin`, ignoring any .env or
// bunfig.toml where it happens to run, with its SQL and mysql2 inside.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { subCommands } from "../../src/cli.ts";
import { dsn, freshDatabase, servers } from "../support/servers.ts";

const BUILT = join(import.meta.dir, "../../dist/serverdb-etl");
let dir = "";
let bin = "";

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`bun run build.ts\` (npm test does) before this suite`);
  dir = mkdtempSync(join(tmpdir(), "serverdb-etl-e2e-"));
  bin = join(dir, "serverdb-etl");
  copyFileSync(BUILT, bin);
  // Traps a Bun-run script would fall into; the compiled binary must ignore both.
  writeFileSync(join(dir, ".env"), "SERVERDB_ETL_CONFIG=/nonexistent/from-dotenv.toml\n");
  writeFileSync(join(dir, "bunfig.toml"), 'preload = ["./boom.ts"]\n');
  writeFileSync(join(dir, "boom.ts"), 'console.log("BOOM: bunfig.toml was read");\n');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Run the copied binary from its temp dir with an empty environment but PATH. */
async function run(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(["env", "-i", "PATH=/usr/bin:/bin", bin, ...args], { cwd: dir, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { exitCode, stdout, stderr };
}

describe("dist/serverdb-etl", () => {
  test("is a standalone executable", () => {
    expect(statSync(bin).mode & 0o111).not.toBe(0);
  });

  test("--version prints package.json's version", async () => {
    expect(await run(["--version"])).toEqual({ exitCode: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  test("--help lists every command", async () => {
    const res = await run(["--help"]);
    expect(res.exitCode).toBe(0);
    expect(res.stderr).toBe("");
    for (const name of Object.keys(subCommands)) expect(res.stdout).toMatch(new RegExp(`^\\s+${name}\\s`, "m"));
  });

  test("every command's --help works (each is bundled)", async () => {
    for (const name of Object.keys(subCommands)) {
      const res = await run([name, "--help"]);
      expect({ name, exitCode: res.exitCode }).toEqual({ name, exitCode: 0 });
      expect(res.stdout).toContain(`USAGE serverdb-etl ${name}`);
    }
  });

  const USAGE_ERRORS: Array<[string[], RegExp]> = [
    [["frobnicate"], /unknown command "frobnicate"/],
    [["--verbose", "BOGUS", "doctor"], /--verbose BOGUS/],
    [["doctor", "--no-such-option"], /--no-such-option/],
    [["doctor", "--source", "mysql://etl:s3cret@192.0.2.1/serverdb2"], /visible to every user in ps/],
  ];
  for (const [argv, says] of USAGE_ERRORS) {
    test(`${argv.join(" ")}: exit 2, one line on stderr`, async () => {
      const res = await run(argv);
      expect(res.exitCode).toBe(2);
      expect(res.stdout).toBe("");
      expect(res.stderr).toMatch(/^serverdb-etl: [^\n]*\n$/);
      expect(res.stderr).toMatch(says);
      expect(res.stderr).not.toContain("s3cret");
    });
  }

  test("no command: usage and exit 2", async () => {
    const res = await run([]);
    expect(res.exitCode).toBe(2);
    expect(res.stdout).toContain("USAGE serverdb-etl");
  });

  test("neither .env nor bunfig.toml in the working directory is read", async () => {
    const res = await run(["doctor", "--no-such-option"]);
    expect(res.stdout + res.stderr).not.toContain("BOOM");
    const doctor = await run(["doctor"]);
    expect(doctor.stderr).not.toContain("from-dotenv");
    expect(doctor.stdout).not.toContain("BOOM");
  });

  test("talks to MariaDB with its bundled driver (doctor against the test bed)", async () => {
    const { primary } = servers();
    const db = await freshDatabase("e2e");
    const res = await run(["doctor", "--json", "--source", dsn(primary, db), "--target", dsn(primary, db)]);
    // The checks may pass or fail (4) on an empty database; a crash (1) or usage error (2) may not.
    expect([0, 4]).toContain(res.exitCode);
    const report = JSON.parse(res.stdout) as { checks: Array<{ role: string; check: string; result: string }> };
    const connects = report.checks.filter((c) => c.check === "connect").map((c) => [c.role, c.result]);
    expect(connects).toEqual([
      ["source", "ok"],
      ["target", "ok"],
    ]);
  });
});
