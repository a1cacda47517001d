// MySQL option files: parsing checked against MariaDB's own my_print_defaults (the mysys parser
// every mysql/mariadb client uses), then group precedence, includes and --defaults-file.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../../src/errors.ts";
import { parseOptionFile, readClientOptions } from "../../../src/settings/option-files.ts";

const dir = mkdtempSync(join(tmpdir(), "option-files-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCounter = 0;

/** Write `text` to a new file (or to `name` under a new dir) and return its path. */
function write(text: string, name?: string): string {
  const path = name ? join(dir, name) : join(dir, `f${++fileCounter}.cnf`);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const MY_PRINT_DEFAULTS = Bun.which("my_print_defaults") ?? "/usr/bin/my_print_defaults";

/** What the mysql client would read from `file` for `groups`, last value per key winning. */
function oracle(file: string, groups: string[]): Map<string, string> {
  const run = Bun.spawnSync([MY_PRINT_DEFAULTS, `--defaults-file=${file}`, ...groups]);
  if (run.exitCode !== 0) throw new Error(`my_print_defaults failed: ${run.stderr.toString()}`);
  const out = new Map<string, string>();
  for (const line of run.stdout.toString().split("\n").filter(Boolean)) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(line)!;
    out.set(m[1].replace(/_/g, "-"), m[2] ?? "");
  }
  return out;
}

function ours(file: string, groups: string[]): Map<string, string> {
  const parsed = parseOptionFile(require("node:fs").readFileSync(file, "utf8"), file);
  const out = new Map<string, string>();
  for (const g of groups) for (const [k, v] of parsed.get(g) ?? []) out.set(k, v);
  return out;
}

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

describe("parseOptionFile reads values like my_print_defaults", () => {
  for (const [body, why] of SYNTAX_CASES) {
    test(`${JSON.stringify(body)}: ${why}`, () => {
      const file = write(`[client]\n${body}\n`);
      expect(ours(file, ["client"])).toEqual(oracle(file, ["client"]));
    });
  }

  test("group headers: repeated groups merge, a comment after ] is ignored, other groups are separate", () => {
    const file = write("[mysqld]\nuser = mysql\n[client] # main\nuser = etl\n[mysql]\nuser = other\n[client]\npassword = pw\n");
    expect(ours(file, ["client"])).toEqual(oracle(file, ["client"]));
    expect(ours(file, ["client"]).get("user")).toBe("etl");
  });

  test("escape sequences that my_print_defaults cannot print on one line", () => {
    const file = write('[client]\npassword = "a\\nb\\rc\\bd"\n');
    expect(ours(file, ["client"]).get("password")).toBe("a\nb\rc\bd");
  });

  test("lines before any group are ignored", () => {
    const file = write("user = stray\n[client]\npassword = pw\n");
    expect(ours(file, ["client"])).toEqual(new Map([["password", "pw"]]));
  });
});

describe("readClientOptions", () => {
  function home(myCnf?: string): string {
    const h = mkdtempSync(join(dir, "home-"));
    if (myCnf !== undefined) writeFileSync(join(h, ".my.cnf"), myCnf);
    return h;
  }

  test("reads user, password, ssl-ca and port from [client] of ~/.my.cnf", () => {
    const opts = readClientOptions({ home: home("[client]\nuser = etl\npassword = 's3 cret'\nssl-ca = /etc/ssl/dw.pem\nport = 3307\n") });
    expect(opts).toMatchObject({ user: "etl", password: "s3 cret", sslCa: "/etc/ssl/dw.pem", port: 3307 });
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

  test("[client<suffix>] overrides [client] even when it comes first in the file", () => {
    const h = home("[client_dw]\npassword = dw-only\n[client]\nuser = etl\npassword = common\n");
    expect(readClientOptions({ home: h, groupSuffix: "_dw" })).toMatchObject({ user: "etl", password: "dw-only" });
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
    expect(new Map([...oracle(main, ["client"])].filter(([k]) => k !== "ssl-ca"))).toEqual(
      new Map([["user", "included"], ["password", "from-20"]]),
    );
  });

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
