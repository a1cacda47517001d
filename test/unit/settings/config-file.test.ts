// The config file against its schema: every unknown section or key is refused with the file, the
// line and the nearest valid key; every config the README and contrib/ show is accepted.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfigFile } from "../../../src/settings/config-file.ts";
import { CONFIG_SECTIONS, TOP_LEVEL_KEYS } from "../../../src/settings/config-schema.ts";
import { tomlKeyLine } from "../../../src/settings/toml-lines.ts";
import { UsageError } from "../../../src/errors.ts";
import { setLogSink } from "../../../src/log.ts";

const dir = mkdtempSync(join(tmpdir(), "config-file-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function file(text: string, mode = 0o600): string {
  const path = join(dir, `c${++n}.toml`);
  writeFileSync(path, text);
  chmodSync(path, mode); // explicitly: the umask must not decide
  return path;
}

function refusal(text: string): string {
  const path = file(text);
  let caught: unknown;
  try {
    loadConfigFile(path);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(UsageError);
  expect((caught as UsageError).exitCode).toBe(2);
  const message = (caught as Error).message;
  expect(message).not.toContain("\n");
  expect(message).toStartWith(`config file ${path}, line `);
  return message.slice(`config file ${path}, `.length);
}

const REFUSED: Array<{ why: string; text: string; says: string }> = [
  // Regression: `dns` for `dsn` left the target unset, and init/run wrote into ./serverdb_dw.sqlite.
  { why: "a swapped pair of letters in a key", text: '[source]\ndsn = "mysql://h/s"\n\n[target]\ndns = "mysql://h/dw"\n', says: "line 5: unknown key dns in [target]; did you mean dsn?" },
  // Regression: `keep_dayly` was ignored and retention kept the default 90 days.
  { why: "a misspelt retention key", text: "[expire]\nkeep_dayly = 30\n", says: "line 2: unknown key keep_dayly in [expire]; did you mean keep_daily?" },
  { why: "a misspelt section", text: '[sorce]\ndsn = "mysql://h/s"\n', says: "line 1: unknown section [sorce]; did you mean [source]?" },
  { why: "a key in the wrong section", text: "[expire]\nkeep_daily = 30\nbatch_size = 500\n", says: "line 3: unknown key batch_size in [expire]; did you mean [etl] batch_size?" },
  { why: "a key outside any section", text: 'dsn = "mysql://h/s"\n[etl]\nbatch_size = 1\n', says: "line 1: key dsn is outside any section; did you mean [source] dsn or [target] dsn or [replica] dsns?" },
  { why: "a key with no near spelling lists the section's keys", text: "[ssl]\nverify = true\n", says: "line 2: unknown key verify in [ssl]; the keys of [ssl] are mode, ca" },
  { why: "a section with no near spelling lists the sections", text: "[logging]\nlevel = 1\n", says: "line 1: unknown section [logging]; the sections are [source], [target], [replica], [client], [ssl], [etl], [expire]" },
  { why: "a dotted key at the top level", text: 'target.dns = "mysql://h/dw"\n', says: "line 1: unknown key dns in [target]; did you mean dsn?" },
  { why: "an inline table", text: '[etl]\nbatch_size = 5\n\nsource = { dns = "mysql://h/s" }\n', says: "line 4: unknown key source in [etl]" },
  { why: "a sub-table of a section", text: '[source]\ndsn = "mysql://h/s"\n[source.tls]\nca = "x"\n', says: "line 3: unknown key tls in [source]" },
  { why: "a quoted key", text: '[target]\n"dns" = "mysql://h/dw"\n', says: "line 2: unknown key dns in [target]; did you mean dsn?" },
  { why: "the key's line, not a value that looks like it", text: '[etl]\ncpu_drop_words = [\n  "keep_dayly = 3",\n]\n\n[expire]\nkeep_dayly = 3\n', says: "line 7: unknown key keep_dayly" },
  { why: "not fooled by a multi-line string", text: '[source]\npassword = """\ndns = x\n"""\ndns = "mysql://h/s"\n', says: "line 5: unknown key dns in [source]" },
  { why: "the first problem in the file, and how many more", text: "[expire]\nkeep_dayly = 3\nkeep_weekdya = \"mon\"\n[etl]\nbatchsize = 1\n", says: "line 2: unknown key keep_dayly in [expire]; did you mean keep_daily? (and 2 more: expire.keep_weekdya, etl.batchsize)" },
  { why: "a section that is a plain value", text: 'source = "mysql://h/s"\n', says: "line 1: [source] must be a table" },
  { why: "an array of tables where a table belongs", text: '[[target]]\ndsn = "mysql://h/dw"\n', says: "line 1: [target] must be a table" },
];

describe("unknown sections and keys are refused", () => {
  for (const { why, text, says } of REFUSED) {
    test(why, () => {
      expect(refusal(text)).toContain(says);
    });
  }

  test("a password given under a misspelt key is never echoed", () => {
    expect(refusal('[source]\npasword = "s3cret"\n')).not.toContain("s3cret");
  });
});

describe("accepted", () => {
  test("every key of every section", () => {
    const text = Object.entries(CONFIG_SECTIONS)
      .map(([section, keys]) => `[${section}]\n${keys.map((k) => `${k} = "x"`).join("\n")}\n`)
      .join("\n");
    expect(Object.keys(loadConfigFile(file(text)).config)).toEqual(Object.keys(CONFIG_SECTIONS));
  });

  test("the top-level replicas list", () => {
    expect(loadConfigFile(file('replicas = ["mysql://r/dw"]\n')).config).toEqual({ replicas: ["mysql://r/dw"] });
  });

  test("contrib/config.example.toml and every TOML block of the README", () => {
    const root = join(import.meta.dir, "../../..");
    const blocks = [...readFileSync(join(root, "README.md"), "utf8").matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    for (const text of [readFileSync(join(root, "contrib/config.example.toml"), "utf8"), ...blocks]) {
      expect(() => loadConfigFile(file(text))).not.toThrow();
    }
  });
});

describe("who may read and write the config file", () => {
  const PASSWORD = '[source]\ndsn = "mysql://etl@h/s"\npassword = "s3cret"\n';
  const CASES: Array<{ why: string; text: string; mode: number; warns?: string }> = [
    // Regression: a password readable by every user passed without a word (ssh refuses such a key).
    { why: "a [source] password readable by everyone", text: PASSWORD, mode: 0o644, warns: "readable by every user (mode 0644)" },
    { why: "a password in a DSN readable by the group", text: '[target]\ndsn = "mysql://etl:s3cret@h/dw"\n', mode: 0o640, warns: "readable by its group (mode 0640)" },
    { why: "a password in a replica DSN", text: 'replicas = ["mysql://m:s3cret@r/dw"]\n', mode: 0o644, warns: "readable by every user (mode 0644)" },
    { why: "a password kept private", text: PASSWORD, mode: 0o600 },
    { why: "no password: anyone may read it", text: '[source]\ndsn = "mysql://etl@h:3306/s"\n', mode: 0o644 },
  ];
  for (const { why, text, mode, warns } of CASES) {
    test(`${why}: ${warns ? "a warning" : "no warning"}`, () => {
      const lines: string[] = [];
      setLogSink((line) => lines.push(line));
      const path = file(text, mode);
      try {
        loadConfigFile(path);
      } finally {
        setLogSink(undefined);
      }
      if (!warns) return expect(lines).toEqual([]);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(`[warn] [config] config file ${path} holds a password and is ${warns}; chmod 600 ${path}`);
      expect(lines[0]).not.toContain("s3cret");
    });
  }

  test("a config file anyone may write is refused: it decides where the night and its passwords go", () => {
    const path = file('[source]\ndsn = "mysql://etl@h/s"\n', 0o666);
    expect(() => loadConfigFile(path)).toThrow(`config file ${path} is writable by every user (mode 0666)`);
    expect(() => loadConfigFile(path)).toThrow(`chmod o-w ${path}`);
  });
});

test("the README lists every section and key of the schema, and no other", () => {
  const readme = readFileSync(join(import.meta.dir, "../../../README.md"), "utf8");
  const list = readme.slice(readme.indexOf("A config file holds only these sections and keys")).split("\n\n")[1]!;
  const listed: Record<string, string[]> = {};
  for (const line of list.split("\n")) {
    const [sections, keys] = line.replace(/^- /, "").split(": ");
    const names = [...keys!.matchAll(/^`([a-z_]+)`|, `([a-z_]+)`/g)].map((m) => m[1] ?? m[2]!);
    for (const s of sections!.matchAll(/`\[([a-z]+)\]`/g)) listed[s[1]!] = names;
    if (sections === "top level") listed["(top level)"] = names;
  }
  expect(listed).toEqual({ ...Object.fromEntries(Object.entries(CONFIG_SECTIONS).map(([s, k]) => [s, [...k]])), "(top level)": [...TOP_LEVEL_KEYS] });
});

describe("tomlKeyLine", () => {
  const TEXT = [
    "# comment [target]", // 1
    "[source] # the ServerDB", // 2
    'dsn = "mysql://h/s"', // 3
    "", // 4
    "[ 'target' ]", // 5
    'user = "w"', // 6
    'ssl.mode = "x"', // 7
    "[etl]", // 8
    "cpu_drop_words = [", // 9
    '  "user = no",', // 10
    "]", // 11
    "batch_size = 3 # user = no", // 12
  ].join("\n");
  const CASES: Array<[string[], number | undefined]> = [
    [["source"], 2],
    [["source", "dsn"], 3],
    [["target"], 5], // quoted header with spaces
    [["target", "user"], 6],
    [["target", "ssl"], 7], // the first key under a dotted path
    [["target", "ssl", "mode"], 7],
    [["etl", "batch_size"], 12], // not line 10, inside the array
    [["etl", "user"], 8], // not written as such: the line of the table that would hold it
    [["expire"], undefined],
  ];
  for (const [path, line] of CASES) {
    test(`${path.join(".")} → ${line}`, () => {
      expect(tomlKeyLine(TEXT, path)).toBe(line);
    });
  }
});
