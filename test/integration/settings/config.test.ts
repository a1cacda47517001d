// The config file as the CLI reads it: a typo in a key stops the command before anything is
// written (no ./serverdb_dw.sqlite appears), and a production setup that falls back to the
// embedded default target says so at WARN.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dsn, runCli, servers } from "../../support/servers.ts";

const dir = mkdtempSync(join(tmpdir(), "config-cli-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A fresh working directory and a config file in it. */
function workdir(configText?: string): { cwd: string; config: string } {
  const cwd = join(dir, `w${++n}`);
  require("node:fs").mkdirSync(cwd);
  const config = join(cwd, "config.toml");
  if (configText !== undefined) writeFileSync(config, configText, { mode: 0o600 });
  return { cwd, config };
}

const sourceDsn = () => dsn(servers().primary, "serverdb2");

describe("a typo in the config file", () => {
  test("init with [target] dns = … is exit 2 naming file, line and key, and creates no SQLite file", async () => {
    const { cwd, config } = workdir(`[source]\ndsn = "${sourceDsn()}"\n\n[target]\ndns = "mysql://etl@dw-db1/serverdb_dw"\n`);
    const r = await runCli(["init", "--config", config], { cwd });
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEndWith(`config file ${config}, line 5: unknown key dns in [target]; did you mean dsn?`);
    expect(existsSync(join(cwd, "serverdb_dw.sqlite"))).toBe(false);
  });

  test("run with [expire] keep_dayly is exit 2 before it connects anywhere", async () => {
    const { cwd, config } = workdir(`[source]\ndsn = "${sourceDsn()}"\n[target]\ndsn = "sqlite:./dw.sqlite"\n[expire]\nkeep_dayly = 30\n`);
    const r = await runCli(["run", "--config", config], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`config file ${config}, line 6: unknown key keep_dayly in [expire]; did you mean keep_daily?`);
    expect(existsSync(join(cwd, "dw.sqlite"))).toBe(false);
  });
});

describe("falling back to the embedded default target", () => {
  const WARNING = "no target configured, yet";
  const CASES: Array<{ why: string; config?: string; env?: Record<string, string>; warns: boolean }> = [
    { why: "a config file without [target] warns", config: `[source]\ndsn = "${"SOURCE"}"\n`, warns: true },
    { why: "a MySQL source from the environment warns", env: { SERVERDB_ETL_SOURCE: "SOURCE" }, warns: true },
    { why: "nothing configured at all (a first try on a laptop) does not", warns: false },
  ];
  for (const { why, config, env, warns } of CASES) {
    test(why, async () => {
      const { cwd, config: path } = workdir(config?.replace("SOURCE", sourceDsn()));
      const args = config !== undefined ? ["init", "--config", path] : ["init"];
      const r = await runCli(args, { cwd, env: env && Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace("SOURCE", sourceDsn())])) });
      expect(r.exitCode).toBe(0);
      expect(existsSync(join(cwd, "serverdb_dw.sqlite"))).toBe(true);
      if (warns) {
        const line = r.stderr.split("\n").find((l) => l.includes(WARNING));
        expect(line).toStartWith("[warn]");
        expect(line).toContain(`sqlite:./serverdb_dw.sqlite (${join(cwd, "serverdb_dw.sqlite")})`);
        if (config !== undefined) expect(line).toContain(`config file ${path} is in use`);
      } else {
        expect(r.stderr).not.toContain(WARNING);
      }
    });
  }
});
