// MySQL option files: parsing, group order, the files read and the files refused, each checked
// against MariaDB's own my_print_defaults (the mysys parser every mysql/mariadb client uses):
// it prints, in the order the client applies them (the last one wins), the options it would use.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../../src/errors.ts";
import { setLogSink } from "../../../src/log.ts";
import { readOptionFile } from "../../../src/settings/option-file-parser.ts";
import { groupsFor, readClientOptions, readOptionLines } from "../../../src/settings/option-files.ts";

const dir = mkdtempSync(join(tmpdir(), "option-files-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCounter = 0;

/** Write `text` to a new file (or to `name` under a new dir) and return its path. */
function write(text: string, name?: string, mode = 0o600): string {
  const path = name ? join(dir, name) : join(dir, `f${++fileCounter}.cnf`);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode); // explicitly: the umask must not decide a world-writable test
  return path;
}

const warnings: string[] = [];
setLogSink((line) => warnings.push(line));
afterEach(() => void warnings.splice(0));
afterAll(() => setLogSink(undefined));

const MY_PRINT_DEFAULTS = Bun.which("my_print_defaults") ?? "/usr/bin/my_print_defaults";

/** The client's option parser sees `_` as `-` and drops `loose-`; compare in its terms. */
const optionName = (raw: string) => raw.toLowerCase().replace(/_/g, "-").replace(/^loose-/, "");

interface Oracle {
  exitCode: number;
  /** [option, value] in the order the client applies them. */
  options: Array<[string, string | undefined]>;
  stderr: string;
}

/** What the mysql client would read: my_print_defaults with these arguments and environment. */
function oracle(args: string[], env: Record<string, string> = {}): Oracle {
  const run = Bun.spawnSync([MY_PRINT_DEFAULTS, ...args], { env: { PATH: process.env.PATH ?? "", HOME: join(dir, "no-home"), ...env } });
  const options = run.stdout
    .toString()
    .split("\n")
    .filter(Boolean)
    .map((line): [string, string | undefined] => {
      const m = /^--([^=]+)(?:=(.*))?$/.exec(line)!;
      return [optionName(m[1]!), m[2]];
    });
  return { exitCode: run.exitCode ?? -1, options, stderr: run.stderr.toString() };
}

/** Ours, in the same terms: the lines of `groups`, in order. */
function ours(lines: ReturnType<typeof readOptionLines>, groups: string[]): Array<[string, string | undefined]> {
  return lines.filter((l) => groups.includes(l.group)).map((l) => [l.key, l.value]);
}

const fromFile = (file: string, groups: string[]) => ours(readOptionFile(file), groups);

/** Each case is the body of a [client] group; the expected values come from my_print_defaults. */
const SYNTAX_CASES: Array<[string, string]> = [
  ["user = etl", "spaces around ="],
  ["user=etl", "no spaces"],
  ["user = etl   \t", "trailing whitespace"],
  ["  user = etl", "leading whitespace"],
  ["password = a#b", "# without a space before it starts a comment"],
  ["password = secret # the DW password", "comment after an unquoted value"],
  ['password = "se#cret"', "# inside double quotes is part of the value"],
  ["password = 'se#cret'", "# inside single quotes is part of the value"],
  ['password = "secret" # comment', "comment after a quoted value"],
  ['password = "with spaces inside"', "quoted spaces kept"],
  ['password = "tail\\"q"', "escaped double quote inside double quotes"],
  ["password = ab\\\\cd", "escaped backslash in an unquoted value"],
  ["password = a\\sb\\tc", "\\s is a space, \\t a tab"],
  ["password = a\\qb", "unknown escape kept as written"],
  ['password = "mis\'matched', "unbalanced quotes kept"],
  ['password = x"y', "quote in the middle kept"],
  ["password =", "empty value"],
  ["password", "key without value"],
  ["ssl_ca = /etc/ssl/ca.pem", "underscore and dash are the same in keys"],
  ["user = first\nuser = second", "the last value wins"],
  ["# user = commented\nuser = real", "full-line # comment"],
  ["; user = commented\nuser = real", "full-line ; comment"],
  ["password = p=ss", "= inside the value"],
];

describe("option lines read like my_print_defaults", () => {
  for (const [body, why] of SYNTAX_CASES) {
    test(`${JSON.stringify(body)}: ${why}`, () => {
      const file = write(`[client]\n${body}\n`);
      expect(fromFile(file, ["client"])).toEqual(oracle([`--defaults-file=${file}`, "client"]).options);
    });
  }

  const GROUP_CASES: Array<[string, string]> = [
    ["[mysqld]\nuser = mysql\n[client] # main\nuser = etl\n[mysql]\nuser = other\n[client]\npassword = pw\n", "repeated groups merge, a comment after ] is ignored, other groups are separate"],
    ["[CLIENT]\nuser = upper\n", "group names match whatever their case"],
    // Regression: we trimmed both ends, so `[ client]` counted as [client]; mysys trims only the end.
    ["[ client]\nuser = leading\n[client  ]\nuser = trailing\n", "a leading blank makes another group, a trailing one does not"],
    ["[client]]x\nuser = first-bracket\n", "the group ends at the first ]"],
    ["[client]\r\nuser = crlf\r\npassword = \"p w\"\r\n", "CRLF line ends"],
    ["[client]\nloose-user = lu\nloose_ssl_ca = /ca.pem\n", "loose- prefixed options are the options themselves"],
  ];
  for (const [text, why] of GROUP_CASES) {
    test(`groups: ${why}`, () => {
      const file = write(text);
      expect(fromFile(file, ["client"])).toEqual(oracle([`--defaults-file=${file}`, "client"]).options);
    });
  }

  test("escape sequences that my_print_defaults cannot print on one line", () => {
    const file = write('[client]\npassword = "a\\nb\\rc\\bd"\n');
    expect(fromFile(file, ["client"])).toEqual([["password", "a\nb\rc\bd"]]);
  });
});

describe("files the client refuses are refused; parts it skips are skipped", () => {
  // Each text makes my_print_defaults abort (exit 2, "Fatal error in defaults handling").
  const FATAL: Array<[string, string, string]> = [
    // Regression: these lines were silently dropped, so their user and password were not used.
    ["user = stray\n[client]\npassword = pw\n", "line 1: an option before any [group]", "an option before any group"],
    ["[client\nuser = u\n", "line 1: a group header without its closing ]", "an unclosed group header"],
    ["[client]\nuser = u\n!include\n", "line 3: !include without a path", "!include without a path"],
    ["[client]\n!includedir /nonexistent-dir-b\n", "line 2: !includedir /nonexistent-dir-b: no such directory", "!includedir of a missing directory"],
  ];
  for (const [text, says, why] of FATAL) {
    test(`fatal: ${why}`, () => {
      const file = write(text);
      expect(oracle([`--defaults-file=${file}`, "client"]).exitCode).toBe(2);
      let caught: unknown;
      try {
        readOptionLines({ defaultsFile: file });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(UsageError);
      expect((caught as Error).message).toStartWith(`option file ${file} ${says}`);
    });
  }

  test("an error inside an included file ends that file only, with a warning (the client says error and goes on)", () => {
    const inc = write("password = before-group\n[client]\nuser = not-read\n", "broken/inc.cnf");
    const main = write(`[client]\nuser = main\n!include ${inc}\nport = 1\n`, "broken/main.cnf");
    const expected = oracle([`--defaults-file=${main}`, "client"]);
    expect(expected.exitCode).toBe(0);
    expect(fromFile(main, ["client"])).toEqual(expected.options);
    expect(warnings.join("\n")).toContain(`option file ${inc} line 1: an option before any [group]`);
  });

  test("unknown ! directives are ignored, and a missing !include is read as empty (with a warning)", () => {
    const main = write("[client]\nuser = u\n!foo bar\n!include /nonexistent-b.cnf\nport = 1\n");
    expect(fromFile(main, ["client"])).toEqual(oracle([`--defaults-file=${main}`, "client"]).options);
    expect(warnings.join("\n")).toContain("!include /nonexistent-b.cnf: no such file");
  });

  // Regression: a world-writable file was used; the client ignores it with this very warning.
  const WORLD_WRITABLE: Array<[string, (ww: string) => string[]]> = [
    ["as --defaults-file", (ww) => [`--defaults-file=${ww}`]],
    ["when included", (ww) => [`--defaults-file=${write(`[client]\nuser = main\n!include ${ww}\n`)}`]],
  ];
  for (const [why, args] of WORLD_WRITABLE) {
    test(`a world-writable file is ignored with the client's warning, ${why}`, () => {
      const ww = write("[client]\npassword = anyone-could-have-written-this\n", undefined, 0o666);
      const argv = args(ww);
      const expected = oracle([...argv, "client"]);
      expect(expected.stderr).toContain(`World-writable config file '${ww}' is ignored`);
      expect(ours(readOptionLines({ defaultsFile: argv[0]!.slice("--defaults-file=".length) }), ["client"])).toEqual(expected.options);
      expect(warnings.join("\n")).toContain(`World-writable config file '${ww}' is ignored`);
    });
  }

  test("a world-writable ~/.my.cnf is ignored too", () => {
    const home = mkdtempSync(join(dir, "ww-home-"));
    write("[client]\nuser = from-ww-home\n", join(home.slice(dir.length + 1), ".my.cnf"), 0o666);
    expect(readClientOptions({ home, env: {} }).user).not.toBe("from-ww-home");
  });
});

describe("groups and files, in the client's order", () => {
  // Regression: [client-server] and [client-mariadb] were not read, so credentials kept there
  // were missed and the connection went out as the login user.
  const ORDER_FILE = [
    "[client-mariadb_dw]", "user = cm-dw",
    "[client]", "user = c", "password = c-pw",
    "[serverdb-etl-target]", "user = t",
    "[client-server]", "user = cs", "ssl-ca = /cs.pem",
    "[mysql]", "user = the-mysql-cli-only",
    "[serverdb-etl]", "password = tool-pw",
    "[client_dw]", "user = c-dw",
    "[serverdb-etl-source_dw]", "user = s-dw",
    "[client-mariadb]", "user = cm", "password = cm-pw",
    "[serverdb-etl-source]", "user = s", "password = s-pw",
    "[client-server_dw]", "user = cs-dw",
    "[serverdb-etl-replica]", "user = r",
    "[mysqld]", "user = mysql",
    "",
  ].join("\n");

  for (const role of [undefined, "source", "target", "replica"] as const) {
    for (const suffix of [undefined, "_dw"]) {
      test(`${role ?? "no role"}${suffix ? `, suffix ${suffix}` : ""}: the groups ${groupsFor(role, suffix).join(", ")}, in file order`, () => {
        const file = write(ORDER_FILE);
        const expected = oracle([`--defaults-file=${file}`, ...(suffix ? [`--defaults-group-suffix=${suffix}`] : []), ...groupsFor(role)]);
        expect(ours(readOptionLines({ defaultsFile: file }), groupsFor(role, suffix))).toEqual(expected.options);
        // And the fold takes the last of each, as the client does.
        const last = (key: string) => expected.options.filter(([k]) => k === key).at(-1)?.[1];
        expect(readClientOptions({ defaultsFile: file, groupSuffix: suffix, role })).toMatchObject({ user: last("user"), password: last("password"), sslCa: last("ssl-ca") });
      });
    }
  }

  test("a role's own line overridden by a later shared one is warned about, naming both lines", () => {
    const file = write("[serverdb-etl-target]\nuser = etl_writer\n[client]\nuser = dba\n");
    expect(readClientOptions({ defaultsFile: file, role: "target" }).user).toBe("dba"); // as the client would
    expect(warnings.join("\n")).toContain(
      `option file ${file} line 4: [client] user overrides [serverdb-etl-target] user of ${file} line 2 (the last line wins, as in the mysql client); move [serverdb-etl-target] below [client]`,
    );
  });

  // Regression: /etc/my.cnf and $MARIADB_HOME/$MYSQL_HOME were not read. (/etc is the machine's
  // own: both sides read the same /etc/my.cnf and /etc/mysql/my.cnf.)
  const HOMES: Array<[string, (a: string, b: string) => Record<string, string>]> = [
    ["$MYSQL_HOME/my.cnf before ~/.my.cnf", (a) => ({ MYSQL_HOME: a })],
    ["$MARIADB_HOME wins over $MYSQL_HOME", (a, b) => ({ MARIADB_HOME: a, MYSQL_HOME: b })],
    ["neither", () => ({})],
  ];
  for (const [why, envOf] of HOMES) {
    test(`the default files: ${why}`, () => {
      const home = mkdtempSync(join(dir, "home-"));
      writeFileSync(join(home, ".my.cnf"), "[client]\nuser = from-home\n");
      const a = mkdtempSync(join(dir, "a-"));
      const b = mkdtempSync(join(dir, "b-"));
      writeFileSync(join(a, "my.cnf"), "[client]\nuser = from-a\npassword = a-pw\n");
      writeFileSync(join(b, "my.cnf"), "[client]\nuser = from-b\n");
      const env = envOf(a, b);
      const groups = groupsFor(undefined);
      expect(ours(readOptionLines({ home, env }), groups)).toEqual(oracle(groups, { ...env, HOME: home }).options);
    });
  }
});


describe("this tool's own groups", () => {
  // Regression: anything in [serverdb-etl-…] that is not user, password or ssl-ca was dropped
  // without a word, a misspelt `usr` as much as a `host` the DSN silently overrides.
  const REFUSED: Array<[string, string]> = [
    ["[serverdb-etl-target]\nusr = etl_writer\n", "line 2: [serverdb-etl-target] usr is not read by serverdb-etl (only user, password, ssl-ca are); did you mean user?"],
    ["[serverdb-etl]\nhost = dw-db1\n", "line 2: [serverdb-etl] host is not read by serverdb-etl (only user, password, ssl-ca are); host, port and database go in the DSN"],
    ["[client]\nuser = u\n[serverdb-etl-source_dw]\nssl_cert = /c.pem\n", "line 4: [serverdb-etl-source_dw] ssl-cert is not read by serverdb-etl"],
  ];
  for (const [text, says] of REFUSED) {
    test(says.slice(0, 60), () => {
      const file = write(text);
      expect(() => readOptionLines({ defaultsFile: file })).toThrow(`option file ${file} ${says}`);
    });
  }

  test("[client] and other shared groups may hold anything (other clients read them)", () => {
    const file = write("[client]\nhost = h\nsocket = /s\n[client-server]\nport = 1\n[serverdb-etl-target]\nuser = w\nloose-ssl-ca = /ca.pem\n");
    expect(readClientOptions({ defaultsFile: file, role: "target" })).toMatchObject({ user: "w", sslCa: "/ca.pem" });
  });

  test("a group that looks like a misspelt role group is said at WARN", () => {
    const file = write("[client]\nuser = u\n[serverdb-etl-targt]\nuser = w\n[serverdb-etl-prod]\nuser = p\n");
    expect(readClientOptions({ defaultsFile: file, role: "target" }).user).toBe("u");
    expect(warnings).toEqual([`[warn] [option-files] option file ${file} line 3: group [serverdb-etl-targt] is read by no role; did you mean [serverdb-etl-target]?`]);
  });
});

describe("readClientOptions", () => {
  function home(myCnf?: string): string {
    const h = mkdtempSync(join(dir, "home-"));
    if (myCnf !== undefined) writeFileSync(join(h, ".my.cnf"), myCnf);
    return h;
  }

  test("reads user, password and ssl-ca from [client] of ~/.my.cnf", () => {
    const opts = readClientOptions({ home: home("[client]\nuser = etl\npassword = 's3 cret'\nssl-ca = /etc/ssl/dw.pem\nport = 3307\n") });
    expect(opts).toMatchObject({ user: "etl", password: "s3 cret", sslCa: "/etc/ssl/dw.pem" });
  });

  test("no ~/.my.cnf: no user or password", () => {
    const opts = readClientOptions({ home: home() });
    expect(opts.user).toBeUndefined();
    expect(opts.password).toBeUndefined();
  });

  const SUFFIX_FILE = "[client]\nuser = etl\npassword = common\n[client_dw]\npassword = dw-only\n[client_other]\nuser = nobody\n";

  test("[client<suffix>] overrides [client] when the suffix is given", () => {
    expect(readClientOptions({ home: home(SUFFIX_FILE), groupSuffix: "_dw" })).toMatchObject({ user: "etl", password: "dw-only" });
  });

  // Regression: we let the suffixed group win wherever it stood; the client takes the last line,
  // whatever its group (my_print_defaults prints [client_dw] first here), so [client]'s wins.
  test("the last line wins, whatever its group: a [client_dw] written before [client] loses to it (with a warning)", () => {
    const h = home("[client_dw]\npassword = dw-only\n[client]\nuser = etl\npassword = common\n");
    expect(readClientOptions({ home: h, groupSuffix: "_dw" })).toMatchObject({ user: "etl", password: "common" });
    expect(warnings.join("\n")).toContain("[client] password overrides [client_dw] password");
  });

  test("without the suffix only [client] counts", () => {
    expect(readClientOptions({ home: home(SUFFIX_FILE) })).toMatchObject({ user: "etl", password: "common" });
  });

  test("--defaults-file replaces ~/.my.cnf entirely", () => {
    const file = write("[client]\npassword = from-defaults-file\n");
    const opts = readClientOptions({ home: home("[client]\nuser = from-home\npassword = from-home\n"), defaultsFile: file });
    expect(opts.password).toBe("from-defaults-file");
    expect(opts.user).toBeUndefined();
  });

  test("--defaults-file that does not exist is a usage error naming it", () => {
    const missing = join(dir, "no-such.cnf");
    expect(() => readClientOptions({ defaultsFile: missing })).toThrow(UsageError);
    expect(() => readClientOptions({ defaultsFile: missing })).toThrow(`--defaults-file ${missing} does not exist`);
  });

  test("--defaults-file that cannot be read (a directory) is a usage error", () => {
    expect(() => readClientOptions({ defaultsFile: dir })).toThrow(/cannot read --defaults-file .*EISDIR/);
  });

  test("!include and !includedir (*.cnf only, in name order) are followed", () => {
    const creds = write("[client]\nuser = included\n", "inc/creds.txt");
    write("[client]\npassword = from-10\nssl-ca = /ca-10.pem\n", "inc/conf.d/10-first.cnf");
    write("[client]\npassword = from-20\n", "inc/conf.d/20-second.cnf");
    write("[client]\npassword = not-a-cnf\n", "inc/conf.d/30-ignored.bak");
    const main = write(`[client]\nuser = main\n!include ${creds}\n!includedir ${join(dir, "inc/conf.d")}\n`, "inc/main.cnf");
    const opts = readClientOptions({ defaultsFile: main });
    expect(opts).toMatchObject({ user: "included", password: "from-20", sslCa: "/ca-10.pem" });
    // The client library agrees on what the includes contribute.
    expect(fromFile(main, ["client"])).toEqual(oracle([`--defaults-file=${main}`, "client"]).options);
  });

  // Not as the client: it takes relative includes from its working directory (/ for a service),
  // which nobody writing `!include creds.cnf` means. The README says to write absolute paths.
  test("relative !include paths are resolved next to the including file, not the working directory", () => {
    write("[client]\nuser = beside\n", "rel/creds.cnf");
    write("[client]\npassword = from-dir\n", "rel/conf.d/a.cnf");
    const main = write("[client]\n!include creds.cnf\n!includedir conf.d\n", "rel/main.cnf");
    expect(readClientOptions({ defaultsFile: main })).toMatchObject({ user: "beside", password: "from-dir" });
  });

  test("an !include cycle stops instead of recursing for ever", () => {
    const a = write("[client]\nuser = a\n!include loop-b.cnf\n", "loop/loop-a.cnf");
    write("[client]\npassword = b\n!include loop-a.cnf\n", "loop/loop-b.cnf");
    expect(readClientOptions({ defaultsFile: a })).toMatchObject({ password: "b" });
  });
});
