// What the benchmarks that time the CLI share: run it as it ships and measure it.
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const REPO = resolve(import.meta.dir, "..");
const BINARY = resolve(REPO, "dist/serverdb-etl");

export interface Timed {
  stdout: string;
  stderr: string;
  seconds: number;
  maxRssMb: number;
}

/**
 * Run the CLI (the built binary when present: what ships) under /usr/bin/time for peak RSS, in
 * an environment without the caller's HOME (no ~/.my.cnf). Throws when it exits non-zero.
 */
export async function cli(args: string[]): Promise<Timed> {
  const cmd = existsSync(BINARY) ? [BINARY] : [process.execPath, "run", resolve(REPO, "src/cli.ts")];
  const started = performance.now();
  const proc = Bun.spawn(["/usr/bin/time", "-f", "__RSS_KB=%M", ...cmd, ...args], {
    cwd: REPO,
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent" },
  });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const seconds = (performance.now() - started) / 1000;
  if (exitCode !== 0) throw new Error(`serverdb-etl ${args.join(" ")} exited ${exitCode}:\n${stderr}`);
  return { stdout, stderr, seconds, maxRssMb: Number(/__RSS_KB=(\d+)/.exec(stderr)?.[1] ?? 0) / 1024 };
}
