// The live progress view in a real terminal: the compiled dist/serverdb-etl (npm test builds it
// first) runs inside a 60×20 tmux pane against the test bed; the test reads the screen as a
// person would (tmux capture-pane, wrapped lines joined) during the load and after it: the
// phases and counts, a replica that holds the run up, the collapsed results, the summary, no
// stray escape codes, nothing wider than the pane. Ctrl-C stops the run cleanly: exit 130, the
// cursor back, the lock released, the run marked failed, and the next run succeeds.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLockName } from "../../src/engine/mysql/advisory-lock.ts";
import type { MysqlDb } from "../../src/engine/mysql/mysql-db.ts";
import { connect, dsn, freshDatabase, runCli, servers, waitForReplica, withDb } from "../support/servers.ts";

const BIN = join(import.meta.dir, "../../dist/serverdb-etl");
const FLEET = 20_000;
const WIDTH = 60;
const dir = mkdtempSync(join(tmpdir(), "serverdb-etl-tty-"));
const socket = `serverdb-etl-e2e-${process.pid}`;

function tmux(...args: string[]): string {
  const r = Bun.spawnSync(["tmux", "-L", socket, ...args], { env: { ...process.env, LANG: "C.UTF-8" } });
  if (r.exitCode !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

let panes = 0;

/** Start the binary with `args` in a new 60×20 pane; its exit code lands in a file, the pane stays. */
function start(args: string[]): { name: string; exitFile: string } {
  const name = `run${++panes}`;
  const exitFile = join(dir, `${name}.exit`);
  const script = join(dir, `${name}.sh`);
  const quoted = [BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  writeFileSync(
    script,
    [
      "#!/bin/sh",
      // The shell survives Ctrl-C (a handler, not an ignore, so the binary gets the default) to record the exit code.
      "trap : INT",
      `env -i PATH=/usr/bin:/bin HOME='${dir}' LANG=C.UTF-8 TERM="$TERM" ${quoted}`,
      `echo $? > '${exitFile}'`,
      "sleep 600",
      "",
    ].join("\n"),
  );
  tmux("new-session", "-d", "-s", name, "-x", String(WIDTH), "-y", "20", `sh '${script}'`);
  return { name, exitFile };
}

/** The screen as text, lines the terminal wrapped joined back (so a too-long line shows as one). */
function screen(name: string): string[] {
  return tmux("capture-pane", "-p", "-J", "-t", name)
    .split("\n")
    .map((l) => l.trimEnd());
}

async function until<T>(what: string, ms: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await Bun.sleep(40);
  }
}

async function exitCode(p: { name: string; exitFile: string }, ms = 120_000): Promise<number> {
  return until(`${p.name} to exit`, ms, () => (existsSync(p.exitFile) && readFileSync(p.exitFile, "utf8").trim() !== "" ? Number(readFileSync(p.exitFile, "utf8")) : undefined));
}

/** What a person sees must be clean: no escape sequences or their remains, nothing wider than the pane. */
function expectClean(lines: string[]): void {
  for (const l of lines) {
    expect(l).not.toMatch(/[\x00-\x1f\x7f]/);
    expect(l).not.toMatch(/\[\??\d*(;\d+)*[ABCDHJKlhm]/);
    expect(l.length).toBeLessThanOrEqual(WIDTH);
  }
}

let source: string;
let dw: string;
const etlArgs = (extra: string[] = []) => {
  const { primary, replica } = servers();
  return ["etl", "--source", dsn(primary, source), "--target", dsn(primary, dw), "--replica", dsn(replica, dw, "ro"), "--batch-size", "200", ...extra];
};

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`bun run build.ts\` (npm test does) before this suite`);
  if (Bun.spawnSync(["sh", "-c", "command -v tmux"]).exitCode !== 0) throw new Error("tmux is missing: run scripts/ensure-test-tools.sh (as root)");
  const { primary } = servers();
  source = await freshDatabase("tty_src");
  const g = await runCli(["generate", "--source", dsn(primary, source), "--servers", String(FLEET), "--seed", "3"], { timeoutMs: 240_000 });
  if (g.exitCode !== 0) throw new Error(`generate: ${g.stderr}`);
  dw = await freshDatabase("tty_dw");
  const i = await runCli(["init", "--target", dsn(primary, dw)]);
  if (i.exitCode !== 0) throw new Error(`init: ${i.stderr}`);
}, 300_000);

afterAll(() => {
  Bun.spawnSync(["tmux", "-L", socket, "kill-server"]);
  rmSync(dir, { recursive: true, force: true });
});

describe("the live view in a 60-column terminal", () => {
  test("during the load: a line per phase with count/total; after: the collapsed phases and the summary", async () => {
    const p = start(etlArgs());
    const during = await until("a load line with a count", 120_000, () => {
      const s = screen(p.name);
      const line = s.find((l) => /^ {2}load +\d+\/20000 rows/.test(l));
      const done = line ? Number(/(\d+)\/20000/.exec(line)![1]) : 0;
      return line && done > 0 && done < FLEET ? s : undefined;
    });
    expectClean(during);
    expect(during.some((l) => /^ {2}extract +\d+\/20000 rows/.test(l))).toBe(true);
    expect(during.find((l) => /^ {2}load /.test(l))).toMatch(/^ {2}load +\d+\/20000 rows( +\d+%)?( +\d+\/s)?/);

    expect(await exitCode(p)).toBe(0);
    const after = screen(p.name).filter((l) => l !== "");
    expectClean(after);
    expect(after.find((l) => l.startsWith("✓ extract"))).toMatch(/^✓ extract +20000 servers read in [\d.]+ s$/);
    expect(after.find((l) => l.startsWith("✓ load"))).toMatch(/^✓ load +20000 servers, \d+ role rows in [\d.]+ s$/);
    expect(after.find((l) => l.startsWith("✓ sweep"))).toMatch(/^✓ sweep +0 stale servers/);
    // No live line is left behind: nothing is running any more.
    expect(after.some((l) => /^ {2}(extract|load|sweep) /.test(l))).toBe(false);
    // The summary, wrapped at the pane's width, starts its own line after the phases.
    const summaryAt = after.findIndex((l) => /^etl \d{4}-\d{2}-\d{2} run \d+: ok, 20000/.test(l));
    expect(summaryAt).toBeGreaterThan(after.findIndex((l) => l.startsWith("✓ sweep")));
    const summary = after.slice(summaryAt).join(" ").replace(/\s+/g, " ");
    expect(summary).toMatch(/20000 extracted, 20000 loaded, 0 removed, warnings \S+; load [\d.]+ s, sweep [\d.]+ s, replica wait [\d.]+ s, total [\d.]+ s; target mysql:\/\/\S+$/);
    expect(tmux("display", "-p", "-t", p.name, "#{cursor_flag}").trim()).toBe("1");
  }, 180_000);

  test("a replica that holds the run up: which one and why, while it lasts; the time waited in all afterwards", async () => {
    const { replica } = servers();
    await withDb("", (db) => db.execute("STOP SLAVE SQL_THREAD"), replica);
    let p: { name: string; exitFile: string };
    let waiting: string | undefined;
    try {
      p = start(etlArgs());
      waiting = await until("the replica line", 60_000, () => screen(p.name).find((l) => l.includes(`waiting for 127.0.0.1:${replica.port}`)));
      await Bun.sleep(1_200); // the seconds tick while it waits
      const later = screen(p.name).find((l) => l.includes(`waiting for 127.0.0.1:${replica.port}`));
      expect(later).toBeDefined();
      const seconds = (l: string) => Number(/, ([\d.]+) s$/.exec(l)?.[1] ?? NaN);
      expect(seconds(later!)).toBeGreaterThan(seconds(waiting));
      expectClean(screen(p.name));
    } finally {
      await withDb("", (db) => db.execute("START SLAVE SQL_THREAD"), replica);
    }
    // At 60 columns the reason is what gets shortened (the replica and the time always show).
    expect(waiting).toMatch(/^ {2}replica +waiting for 127\.0\.0\.1:\d+: (gtid|has not)[^,]*, [\d.]+ s$/);
    expect(await exitCode(p!)).toBe(0);
    await waitForReplica();
    const after = screen(p!.name).filter((l) => l !== "");
    expectClean(after);
    expect(after.find((l) => l.startsWith("✓ replica"))).toMatch(/^✓ replica +[\d.]+ s in all, \d+ waits?$/);
    expect(after.some((l) => l.includes("waiting for"))).toBe(false);
  }, 180_000);
});

describe("Ctrl-C", () => {
  test("stops between batches: exit 130, a clean summary, the cursor back, the lock released, the run 'failed'; the next run succeeds", async () => {
    const p = start(etlArgs());
    await until("the load to be under way", 120_000, () => {
      const line = screen(p.name).find((l) => /^ {2}load +\d+\/20000 rows/.test(l));
      const done = line ? Number(/(\d+)\/20000/.exec(line)![1]) : 0;
      return done >= 1000 && done < FLEET - 4000 ? true : undefined;
    });
    tmux("send-keys", "-t", p.name, "C-c");
    expect(await exitCode(p, 60_000)).toBe(130);
    const after = screen(p.name).filter((l) => l !== "");
    expectClean(after);
    expect(after.find((l) => l.startsWith("! load"))).toMatch(/^! load +stopped at \d+\/20000 rows after [\d.]+ s$/);
    const text = after.join(" ").replace(/\s+/g, " ");
    expect(text).toContain("serverdb-etl: error: interrupted by SIGINT: stopped between two batches");
    expect(text).toMatch(/etl \d{4}-\d{2}-\d{2}: interrupted \(exit 130\) after [\d.]+ s; \d+ extracted, \d+ loaded/);
    expect(tmux("display", "-p", "-t", p.name, "#{cursor_flag}").trim()).toBe("1");

    // The lock went with the process's connections; the run is marked, not left 'running'.
    const [lock] = await withDb("", (db) => db.query<{ holder: number | null }>("SELECT IS_USED_LOCK(?) AS holder", [runLockName(dw)]));
    expect(lock!.holder).toBeNull();
    const [last] = await withDb(dw, (db) => db.query<{ status: string; error: string }>("SELECT status, error FROM etl_runs ORDER BY id DESC LIMIT 1"));
    expect(last!.status).toBe("failed");
    expect(last!.error).toStartWith("interrupted by SIGINT");

    const next = Bun.spawnSync(["env", "-i", "PATH=/usr/bin:/bin", `HOME=${dir}`, BIN, ...etlArgs(["--progress", "none"])]);
    expect({ exitCode: next.exitCode, stderr: next.stderr.toString() }).toEqual({ exitCode: 0, stderr: "" });
    expect(next.stdout.toString()).toMatch(/: ok, 20000 extracted, 20000 loaded/);
  }, 180_000);
});
