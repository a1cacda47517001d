// Benchmark of the server-less path: `generate --source sqlite:PATH` (wall time, servers/s, rows,
// file size, peak RSS per --history-days) and `demo` end to end, each a fresh CLI process
// writing into a temp dir that is removed afterwards.
// Usage: bun run bench/sqlite.ts [--servers 5000,100000] [--history-days 0,365] [--demo-servers 5000] [--runs 3]
//        [--bin dist/serverdb-etl]   (default: from source, bun run src/cli.ts)
// Prints two markdown tables (the ones in BENCHMARKS.md).
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values: opts } = parseArgs({
  options: {
    servers: { type: "string", default: "5000,100000" },
    "history-days": { type: "string", default: "0,365" },
    "demo-servers": { type: "string", default: "5000" },
    runs: { type: "string", default: "3" },
    seed: { type: "string", default: "7" },
    bin: { type: "string" },
  },
});
const REPO = resolve(import.meta.dir, "..");
const cli = opts.bin ? [resolve(opts.bin)] : [process.execPath, "run", join(REPO, "src/cli.ts")];
const list = (s: string) => s.split(",").map(Number);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function timedRun(args: string[]): Promise<{ seconds: number; rssMiB: number; stdout: string }> {
  const started = performance.now();
  const proc = Bun.spawn([...cli, ...args], { cwd: REPO, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${args.join(" ")} exited ${code}: ${stderr}`);
  return { seconds, rssMiB: (proc.resourceUsage()?.maxRSS ?? NaN) / 2 ** 20, stdout };
}

function countRows(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'servers\\_%' ESCAPE '\\'").all() as { name: string }[];
    return tables.reduce((sum, { name }) => sum + (db.query(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n, 0);
  } finally {
    db.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), "serverdb-etl-bench-sqlite-"));
try {
  const gen = [
    `generate into SQLite, seed ${opts.seed}, ${opts.bin ? `binary ${opts.bin}` : "from source (bun run src/cli.ts)"}, file under ${tmpdir()}:`,
    "",
    "| --servers | --history-days | wall time | servers/s | rows written | history rows | file | peak RSS |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const servers of list(opts.servers!)) {
    for (const days of list(opts["history-days"]!)) {
      const file = join(dir, `gen-${servers}-${days}.sqlite`);
      const r = await timedRun(["generate", "--source", `sqlite:${file}`, "--servers", String(servers), "--seed", opts.seed!,
        "--end-date", "2026-06-30", "--history-days", String(days)]);
      const history = Number(r.stdout.match(/(\d+) history rows/)?.[1] ?? NaN);
      gen.push(
        `| ${fmt(servers)} | ${days} | ${r.seconds.toFixed(1)} s | ${fmt(servers / r.seconds)} | ${fmt(countRows(file))} | ${fmt(history)} | ` +
          `${(statSync(file).size / 2 ** 20).toFixed(0)} MiB | ${fmt(r.rssMiB)} MiB |`,
      );
      rmSync(file, { force: true });
      process.stderr.write(`generate ${servers}/${days}: ${r.stdout.trim()}\n`);
    }
  }

  const demoServers = Number(opts["demo-servers"]);
  const demo = [`demo --servers ${fmt(demoServers)} (whole process: generate, init, the nightly run, the example queries), ${opts.runs} runs:`, "", "| run | wall time | generate | etl | peak RSS |", "|---:|---:|---:|---:|---:|"];
  for (let i = 1; i <= Number(opts.runs); i++) {
    const r = await timedRun(["demo", "--dir", join(dir, `demo-${i}`), "--servers", String(demoServers), "--seed", opts.seed!]);
    const step = (name: string) => r.stdout.match(new RegExp(`^ {2}${name} +(\\d+\\.\\d) s`, "m"))?.[1] ?? "?";
    demo.push(`| ${i} | ${r.seconds.toFixed(1)} s | ${step("generate")} s | ${step("run: etl")} s | ${fmt(r.rssMiB)} MiB |`);
  }
  process.stdout.write([...gen, "", ...demo].join("\n") + "\n");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
