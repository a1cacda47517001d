// Writing --metrics-file: read what the file holds, merge this run's series in (metrics.ts) and
// put the result in place atomically (a temp file in the same directory, then rename), so the
// collector never reads half a file. Commands that finish at the same moment take turns through
// a lock file beside it (`.<name>.lock`, created exclusively, removed after; one left behind by
// a killed process is broken after STALE_MS), so neither loses the other's series.
import { chmodSync, closeSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { mergeMetrics } from "./metrics.ts";
import type { RunFigures } from "./run-summary.ts";

/** How long a writer waits for the lock; a merge and a rename take milliseconds. */
const WAIT_MS = 15_000;
/** A lock file older than this belongs to a writer that died while holding it. */
const STALE_MS = 10_000;
/** Readable by node_exporter, which runs as another user, whatever the service's UMask. */
const FILE_MODE = 0o644;

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/** Run `fn` holding the lock file `lockPath`; throws when another writer holds it for longer than WAIT_MS. */
function withLockFile<T>(lockPath: string, fn: () => T): T {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lockPath, "wx", FILE_MODE);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      if (errnoOf(err) !== "EEXIST") throw err;
    }
    try {
      if (Date.now() - statSync(lockPath).mtimeMs > STALE_MS) unlinkSync(lockPath);
    } catch (err) {
      if (errnoOf(err) !== "ENOENT") throw err; // released meanwhile: try again
    }
    if (Date.now() > deadline) throw new Error(`${lockPath} is held by another serverdb-etl writing the same file; remove it if no serverdb-etl is running`);
    sleepMs(10 + Math.random() * 20);
  }
  try {
    return fn();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

/**
 * Put this run's metrics into the file at `path`, keeping the series of other commands (and a
 * failed run's previous last-success time). Throws on I/O errors (the caller reports them as a
 * warning), leaving the file as it was.
 */
export function writeMetricsFile(path: string, f: RunFigures, endedAt = Date.now() / 1000): void {
  const dir = dirname(path);
  const name = basename(path);
  // Dot names, so the collector (which reads *.prom) skips them.
  withLockFile(join(dir, `.${name}.lock`), () => {
    let previous = "";
    try {
      previous = readFileSync(path, "utf8");
    } catch (err) {
      // No file yet. Any other reason to be unable to read it would lose the other commands' series.
      if (errnoOf(err) !== "ENOENT") throw err;
    }
    const text = mergeMetrics(previous, f, Math.round(endedAt * 1000) / 1000);
    const tmp = join(dir, `.${name}.${process.pid}.tmp`);
    try {
      writeFileSync(tmp, text, { mode: FILE_MODE });
      chmodSync(tmp, FILE_MODE); // the mode above is cut by the umask (systemd's UMask=0077)
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  });
}
