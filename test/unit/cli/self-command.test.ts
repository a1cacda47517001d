// How the tool tells a person to run it again: the executable's path unless PATH finds that very
// file by its name (then the name), and bun with the script for a source checkout.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { selfCommand } from "../../../src/cli/self-command.ts";

const dir = mkdtempSync(join(tmpdir(), "self-command-"));
const PATH = process.env.PATH;
afterEach(() => {
  process.env.PATH = PATH;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function executable(path: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, 0o755);
  return path;
}

const built = executable(join(dir, "repo/dist/serverdb-etl"));
const installed = executable(join(dir, "bin/serverdb-etl"));
const bun = executable(join(dir, "tools/bun"));
const COMPILED = "/$bunfs/root/serverdb-etl";

describe("selfCommand", () => {
  const cases: Array<[string, string, string, string, string[]]> = [
    // regression: the demo printed `serverdb-etl run …`, which no shell finds after `npm run build`
    ["compiled, in dist/ only", COMPILED, built, "/usr/bin:/bin", [built]],
    ["compiled, found on PATH by its name", COMPILED, installed, `/usr/bin:${join(dir, "bin")}`, ["serverdb-etl"]],
    ["compiled, another serverdb-etl on PATH", COMPILED, built, join(dir, "bin"), [built]],
    ["from source, bun on PATH", "/repo/src/cli.ts", bun, join(dir, "tools"), ["bun", "run", "/repo/src/cli.ts"]],
    ["from source, bun by its path only", "/repo/src/cli.ts", bun, "/nonexistent", [bun, "run", "/repo/src/cli.ts"]],
  ];
  test.each(cases)("%s", (_what, main, execPath, path, expected) => {
    process.env.PATH = path;
    expect(selfCommand(main, execPath)).toEqual(expected);
  });
});
