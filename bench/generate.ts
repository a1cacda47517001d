// Benchmark of `serverdb-etl generate`: wall time, servers/s, rows written and peak RSS of the
// CLI process, for each --history-days value, into a MariaDB you name or a throwaway one.
// Usage: bun run bench/generate.ts [--source DSN] [--servers N] [--history-days 0,365] [--datadir-parent DIR] [--no-binlog]
//   --source DSN   an existing server and a scratch database (it is replaced with --force!)
//   without it     a throwaway mariadbd (--no-defaults: stock InnoDB settings, binlog on as on a
//                  primary) with its datadir under --datadir-parent (default: the OS temp dir, on disk)
// Prints one markdown table (the one in BENCHMARKS.md).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { MysqlDb } from "../src/engine/mysql/mysql-db.ts";
import { parseDsn, type MysqlEndpoint } from "../src/settings/dsn.ts";
import { findMariadb, freePorts, installDataDir, stopServer, waitUntilReady, type RunningServer, type ServerSpec } from "../test/support/mariadb.ts";

const { values: opts } = parseArgs({
  options: {
    source: { type: "string" },
    servers: { type: "string", default: "100000" },
    "history-days": { type: "string", default: "0,365" },
    "datadir-parent": { type: "string", default: tmpdir() },
    seed: { type: "string", default: "7" },
    "no-binlog": { type: "boolean", default: false },
  },
});
const REPO = resolve(import.meta.dir, "..");
const SERVERS = Number(opts.servers);
const DAYS = opts["history-days"]!.split(",").map(Number);

/** A stock mariadbd on a free port; returns its DSN and a stop function. */
async function throwawayServer(): Promise<{ dsn: string; describe: string; stop: () => Promise<void> }> {
  const bin = findMariadb();
  const base = mkdtempSync(join(opts["datadir-parent"]!, "serverdb-etl-bench-"));
  const [port] = await freePorts(1);
  const spec: ServerSpec = {
    name: "primary",
    serverId: 1,
    port,
    dataDir: join(base, "data"),
    socket: join(base, "mariadb.sock"),
    pidFile: join(base, "mariadb.pid"),
    errorLog: join(base, "mariadb.err"),
    extra: [],
  };
  await installDataDir(bin, spec.dataDir);
  const args = [
    bin.mariadbd, "--no-defaults", ...(process.getuid?.() === 0 ? ["--user=root"] : []),
    `--datadir=${spec.dataDir}`, `--port=${port}`, "--bind-address=127.0.0.1", `--socket=${spec.socket}`,
    `--pid-file=${spec.pidFile}`, `--log-error=${spec.errorLog}`, "--server-id=1", "--skip-name-resolve",
    "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
    ...(opts["no-binlog"] ? [] : ["--log-bin=mysql-bin", "--binlog-format=ROW"]),
  ];
  const proc = Bun.spawn(args, { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  const server: RunningServer = { spec, proc };
  await waitUntilReady(server);
  return {
    dsn: `mysql://root@127.0.0.1:${port}/bench_serverdb`,
    describe: `throwaway mariadbd --no-defaults (stock InnoDB: buffer pool 128M, flush_log_at_trx_commit=1), ${opts["no-binlog"] ? "no binlog" : "binlog ROW"}, datadir in ${opts["datadir-parent"]}`,
    stop: async () => {
      await stopServer(server);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

async function countRows(dsn: string): Promise<number> {
  const ep = parseDsn(dsn, "--source") as MysqlEndpoint;
  const db = await MysqlDb.connect(ep);
  try {
    const tables = await db.query<{ t: string }>(
      "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE 'servers\\_%'",
      [ep.database],
    );
    let total = 0;
    for (const { t } of tables) total += Number((await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${t}\``))[0].n);
    return total;
  } finally {
    await db.close();
  }
}

const target = opts.source
  ? { dsn: opts.source, describe: `given server ${opts.source}`, stop: async () => {} }
  : await throwawayServer();
try {
  const lines = [
    `Target: ${target.describe}. ${SERVERS} servers, seed ${opts.seed}, from source (bun run src/cli.ts).`,
    "",
    "| --history-days | wall time | servers/s | rows written | history rows | peak RSS |",
    "|---:|---:|---:|---:|---:|---:|",
  ];
  for (const days of DAYS) {
    const started = performance.now();
    const proc = Bun.spawn(
      [process.execPath, "run", join(REPO, "src/cli.ts"), "generate", "--source", target.dsn, "--servers", String(SERVERS),
        "--seed", opts.seed!, "--end-date", "2026-06-30", "--history-days", String(days), "--force"],
      { cwd: REPO, stdout: "pipe", stderr: "pipe" },
    );
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`generate exited ${code}: ${err}`);
    const rss = proc.resourceUsage()?.maxRSS ?? NaN;
    const rows = await countRows(target.dsn);
    const history = out.match(/(\d+) history rows/)?.[1] ?? "?";
    lines.push(
      `| ${days} | ${seconds.toFixed(1)} s | ${Math.round(SERVERS / seconds).toLocaleString("en-US")} | ${rows.toLocaleString("en-US")} | ` +
        `${Number(history).toLocaleString("en-US")} | ${Math.round(rss / 2 ** 20)} MiB |`,
    );
    process.stderr.write(`history-days ${days}: ${out.trim()}\n`);
  }
  process.stdout.write(lines.join("\n") + "\n");
} finally {
  await target.stop();
}
