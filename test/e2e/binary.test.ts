// The compiled dist/serverdb-etl (npm test builds it first) as a host without Bun or Node runs
// it: copied out of the repo, started with `env -i PATH=/usr/bin:/bin`, ignoring any .env or
// bunfig.toml where it happens to run, with its SQL and mysql2 inside; its JSON error lines name
// the error by message and class (the build minifies class names).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { subCommands } from "../../src/cli.ts";
import { runLockName } from "../../src/engine/mysql/advisory-lock.ts";
import { connect, dsn, freshDatabase, servers } from "../support/servers.ts";

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
      expect(res.stdout.split("\n").filter((l) => [...l].length > 80 || /\s$/.test(l))).toEqual([]);
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

/** A port on which nothing listens (bound once by us, then closed). */
function closedPort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

describe("dist/serverdb-etl --log-format json: an error line carries the error's message, class and exit code", () => {
  interface Case {
    what: string;
    argv: () => Promise<string[]>;
    exitCode: number;
    errorClass: string;
    error: RegExp;
    /** Hold the warehouse lock of this database while the binary runs. */
    holdLockOf?: string;
  }
  let dw = "";
  const CASES: Case[] = [
    // regression: `"error":"m"`, the minified name of UsageError
    { what: "an impossible date", argv: async () => ["etl", "--report-date", "2026-02-30", "--log-format", "json"], exitCode: 2, errorClass: "UsageError", error: /^invalid --report-date "2026-02-30": write a calendar date as YYYY-MM-DD/ },
    // regression: printed as text, the format was only read once the steps were known
    { what: "an unknown command", argv: async () => ["--log-format", "json", "frobnicate"], exitCode: 2, errorClass: "UsageError", error: /^unknown command "frobnicate"; run serverdb-etl --help/ },
    // regression: `"error":"b"`, the minified name of EtlError
    { what: "a refused connection", argv: async () => ["init", "--target", `mysql://root@127.0.0.1:${closedPort()}/serverdb_dw`, "--log-format", "json"], exitCode: 1, errorClass: "EtlError", error: /ECONNREFUSED.*nothing listens there/ },
    // regression: the minified name of LockHeldError
    { what: "the lock held by another run", argv: async () => ["expire", "--target", dsn(servers().primary, dw), "--log-format", "json"], exitCode: 75, errorClass: "LockHeldError", error: /another serverdb-etl run holds the lock/, holdLockOf: "dw" },
  ];
  beforeAll(async () => {
    dw = await freshDatabase("e2e_json");
    const init = await run(["init", "--target", dsn(servers().primary, dw)]);
    expect(init.exitCode).toBe(0);
  });

  for (const c of CASES) {
    test(`${c.what}: exit ${c.exitCode}, error_class ${c.errorClass}, the message in \`error\``, async () => {
      const argv = await c.argv();
      const holder = c.holdLockOf ? await connect(servers().primary) : undefined;
      let res;
      try {
        if (holder) await holder.query("SELECT GET_LOCK(?, 0)", [runLockName(dw)]);
        res = await run(argv);
      } finally {
        await holder?.close();
      }
      expect(res.exitCode).toBe(c.exitCode);
      const lines = res.stderr.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      const last = lines.at(-1)!;
      expect(last).toMatchObject({ level: "error", exit_code: c.exitCode, error_class: c.errorClass });
      expect(last.error).toMatch(c.error);
      expect(last.message).toBe(`serverdb-etl: error: ${last.error}`);
    });
  }

  test("a warning about an error (an unwritable --metrics-file) carries it the same way", async () => {
    const res = await run(["etl", "--report-date", "2026-02-30", "--log-format", "json", "--metrics-file", join(dir, "no-such-dir", "x.prom")]);
    expect(res.exitCode).toBe(2);
    const warning = res.stderr.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r.level === "warning");
    expect(warning).toMatchObject({ level: "warning", logger: "progress", error_class: "Error", code: "ENOENT" });
    expect(warning!.error).toMatch(/^ENOENT: no such file or directory/);
    expect(warning!.message).toStartWith(`could not write --metrics-file ${join(dir, "no-such-dir", "x.prom")}: ENOENT`);
  });
});
