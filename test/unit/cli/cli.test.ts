// The CLI's contract with a shell or a scheduler: --version/--help, exit codes, one-line errors
// on stderr, root options before the command. Runs src/cli.ts as a child (runCli), as cron would.
import { describe, expect, test } from "bun:test";
import type { ArgsDef, CommandDef } from "citty";
import { subCommands } from "../../../src/cli.ts";
import { runCli } from "../../support/servers.ts";

const COMMANDS = Object.keys(subCommands);

/** A usage error: exit 2, nothing on stdout, exactly one line on stderr, no stack trace. */
function expectUsageError(res: { exitCode: number; stdout: string; stderr: string }, says: RegExp): void {
  expect(res.exitCode).toBe(2);
  expect(res.stdout).toBe("");
  expect(res.stderr).toMatch(/^serverdb-etl: [^\n]*\n$/);
  expect(res.stderr).toMatch(says);
}

describe("version and help", () => {
  for (const flag of ["--version", "-V"]) {
    test(`${flag} prints the version alone and exits 0`, async () => {
      // From source the version is "dev"; the built binary's is checked in test/e2e.
      expect(await runCli([flag])).toEqual({ exitCode: 0, stdout: "dev\n", stderr: "" });
    });
  }

  for (const flag of ["--help", "-h"]) {
    test(`${flag} lists every command and exits 0`, async () => {
      const res = await runCli([flag]);
      expect(res.exitCode).toBe(0);
      expect(res.stderr).toBe("");
      expect(res.stdout).toContain("USAGE serverdb-etl");
      for (const name of COMMANDS) expect(res.stdout).toMatch(new RegExp(`^\\s+${name}\\s`, "m"));
      // Not a terminal: no colour codes in what a script captures.
      expect(res.stdout).not.toContain("\x1b[");
    });
  }

  test("no command: the usage, exit 2 (a cron line missing its command must not look like success)", async () => {
    const res = await runCli([]);
    expect(res.exitCode).toBe(2);
    expect(res.stdout).toContain("USAGE serverdb-etl");
  });
});

describe("help fits a terminal", () => {
  /** The lines of `text` that break the 80-column rule: too wide, or padded with trailing blanks. */
  const badLines = (text: string) =>
    text.split("\n").flatMap((line, i) => ([...line].length > 80 || /\s$/.test(line) ? [`${i + 1}: ${[...line].length} columns: ${JSON.stringify(line.slice(0, 60))}…`] : []));

  // regression: citty padded every option line to the longest description, 2,221 columns for the root
  for (const argv of [["--help"], ...COMMANDS.map((name) => [name, "--help"])]) {
    test(`${argv.join(" ")}: every line at most 80 columns, none padded`, async () => {
      const res = await runCli(argv, { env: { COLUMNS: "200" } });
      expect(res.exitCode).toBe(0);
      expect(res.stdout.split("\n").length).toBeGreaterThan(5);
      expect(badLines(res.stdout)).toEqual([]);
    });
  }
});

describe("every command", () => {
  for (const name of COMMANDS) {
    test(`${name} --help describes it and exits 0`, async () => {
      const res = await runCli([name, "--help"]);
      expect(res.exitCode).toBe(0);
      expect(res.stdout).toContain(`USAGE serverdb-etl ${name}`);
      expect(res.stderr).toBe("");
    });

    test(`${name} --no-such-option is a one-line usage error`, async () => {
      expectUsageError(await runCli([name, "--no-such-option"]), /--no-such-option/);
    });

    test(`${name}: a description on the command and on every option (the house rule)`, async () => {
      const cmd = (await subCommands[name]()) as CommandDef<ArgsDef>;
      const meta = typeof cmd.meta === "function" ? await cmd.meta() : await cmd.meta;
      expect(meta?.description?.length ?? 0).toBeGreaterThan(20);
      const args = ((typeof cmd.args === "function" ? await cmd.args() : cmd.args) ?? {}) as ArgsDef;
      const undocumented = Object.entries(args)
        .filter(([, def]) => !(def as { description?: string }).description)
        .map(([arg]) => arg);
      expect(undocumented).toEqual([]);
    });
  }
});

describe("usage errors", () => {
  test("an unknown command: exit 2, one line naming it", async () => {
    expectUsageError(await runCli(["frobnicate"]), /unknown command "frobnicate"/);
  });

  const BAD_VERBOSE: string[][] = [
    ["--verbose", "BOGUS", "doctor"],
    ["-v", "BOGUS", "doctor"],
    ["--verbose=bogus", "doctor"],
    ["doctor", "--verbose", "BOGUS"],
    ["doctor", "--verbose"],
  ];
  for (const argv of BAD_VERBOSE) {
    test(`${argv.join(" ")}: exit 2, one line listing the levels`, async () => {
      expectUsageError(await runCli(argv), /DEBUG, INFO, WARNING, ERROR, CRITICAL/);
    });
  }

  test("a password in --source is refused before anything connects, and not echoed", async () => {
    const res = await runCli(["doctor", "--source", "mysql://etl:s3cret@192.0.2.1/serverdb2"]);
    expectUsageError(res, /visible to every user in ps/);
    expect(res.stderr).not.toContain("s3cret");
  });

  test("at --verbose DEBUG a usage error also prints its stack, still without the password", async () => {
    const res = await runCli(["-v", "DEBUG", "doctor", "--source", "mysql://etl:s3cret@192.0.2.1/serverdb2"]);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/\n\s+at /);
    expect(res.stderr).not.toContain("s3cret");
  });
});

describe("root options before the command", () => {
  const OK: string[][] = [
    ["-v", "DEBUG", "doctor", "--help"],
    ["--verbose", "info", "doctor", "--help"],
    ["--verbose=WARNING", "doctor", "--help"],
    ["--config", "/nonexistent/config.toml", "doctor", "--help"],
    ["doctor", "-v", "DEBUG", "--help"],
  ];
  for (const argv of OK) {
    test(`${argv.join(" ")}: the command's help, exit 0`, async () => {
      const res = await runCli(argv);
      expect(res.exitCode).toBe(0);
      expect(res.stdout).toContain("USAGE serverdb-etl doctor");
    });
  }

  test("--config before the command is the command's --config", async () => {
    const res = await runCli(["--config", "/nonexistent/config.toml", "doctor"]);
    expectUsageError(res, /cannot read config file \/nonexistent\/config\.toml \(ENOENT\)/);
  });
});
