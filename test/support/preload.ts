// bun:test preload: once per `bun test` process, start a throwaway MariaDB primary and a GTID
// replica of it (datadirs in a fresh temp dir), publish them to test/support/servers.ts, and
// stop them and remove the dir after the last test, or on exit / SIGINT / SIGTERM.
// Bring-up measured on the 2-core dev machine: 1.3-1.4 s idle and up to ~2 s under load with
// datadirs on /dev/shm (install-db ~0.9 s of it); 3.5-4.4 s on disk (TESTBED_TMPDIR=/tmp), where
// InnoDB's fsyncs dominate. Stopping both takes ~0.1 s.
import { afterAll } from "bun:test";
import { publishTestbed, servers, waitForReplica } from "./servers.ts";
import { testbedParentDir } from "./mariadb.ts";
import { startPair, type Pair } from "./pair.ts";
import { stopGaleraCluster } from "./galera.ts";
import { stopPuppetdbBed } from "./puppetdb.ts";

const started = performance.now();
let pair: Pair | undefined;

/** Last resort on exit or a signal: no async work possible, so SIGKILL our own children by pid. */
function killNow(): void {
  pair?.kill();
  pair = undefined;
}

async function stopAll(): Promise<void> {
  publishTestbed(undefined);
  await pair?.stop();
  pair = undefined;
}

process.on("exit", killNow);
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
  process.once(signal, () => {
    killNow();
    process.exit(code);
  });
}

pair = await startPair(testbedParentDir());
publishTestbed({ primary: pair.primary, replica: pair.replica, baseDir: pair.baseDir });
try {
  // Proves replication works before any test relies on it (the ro user must arrive).
  await waitForReplica();
} catch (err) {
  await stopAll().catch(() => killNow());
  throw err;
}

afterAll(stopAll);
// The Galera cluster starts only in the files that ask for it (galeraCluster()); stopped here.
// Three nodes leaving at once reconfigure each other: a stop can take the nodes' full 5 s grace.
afterAll(stopGaleraCluster, 20_000);
// So does PuppetDB (puppetdb()), with its own PostgreSQL.
afterAll(stopPuppetdbBed, 20_000);

const { primary, replica } = servers();
process.stderr.write(
  `test bed: MariaDB primary 127.0.0.1:${primary.port}, replica 127.0.0.1:${replica.port} up in ${((performance.now() - started) / 1000).toFixed(2)} s\n`,
);
