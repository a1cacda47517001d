// Every command that writes the warehouse ends its summary line with the target it wrote to (text
// and JSON), so a night sent to the wrong warehouse shows in the journal (the line of a run that
// stopped part-way: test/unit/progress/run-summary.test.ts). One generated SQLite ServerDB, a
// SQLite and a MariaDB warehouse.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dsn, freshDatabase, ok, runCli, servers } from "../../support/servers.ts";

const dir = mkdtempSync(join(tmpdir(), "serverdb-etl-summary-target-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const today = new Date().toISOString().slice(0, 10);
const source = `sqlite:${join(dir, "serverdb.sqlite")}`;

beforeAll(async () => {
  ok("generate", await runCli(["generate", "--source", source, "--servers", "50", "--seed", "2", "--history-days", "20", "--end-date", today]));
});

/** The last line of stdout: the command's summary. */
const lastLine = (stdout: string) => stdout.trimEnd().split("\n").pop()!;

describe("summary lines name the target", () => {
  for (const kind of ["sqlite", "mariadb"] as const) {
    test(`${kind}: etl, aggregate, expire, run and backfill each end with "; target <the warehouse>", also as JSON`, async () => {
      const target = kind === "sqlite" ? `sqlite:${join(dir, "dw.sqlite")}` : dsn(servers().primary, await freshDatabase("summary_dw"));
      ok("init", await runCli(["init", "--target", target]));
      const commands: string[][] = [
        ["etl", "--source", source, "--target", target, "--timezone", "UTC"],
        ["aggregate", "--target", target],
        ["expire", "--target", target, "--timezone", "UTC"],
        ["run", "--source", source, "--target", target, "--timezone", "UTC"],
        ["backfill", "--source", source, "--target", target, "--from", "2026-01-01", "--to", today, "--timezone", "UTC"],
      ];
      for (const args of commands) {
        const text = ok(args[0]!, await runCli(args));
        expect([args[0], lastLine(text.stdout)]).toEqual([args[0], expect.stringMatching(new RegExp(`^${args[0]}\\b.*; target ${target.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`))]);
        const json = ok(`${args[0]} json`, await runCli([...args, "--log-format", "json"]));
        const summary = json.stdout.trim().split("\n").map((l) => JSON.parse(l)).find((l) => l.event === "summary");
        expect([args[0], summary?.target]).toEqual([args[0], target]);
      }
    }, 120_000);
  }
});
