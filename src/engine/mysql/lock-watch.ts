// Watching a held GET_LOCK run lock. The server releases it when its connection goes (KILL, a
// network blip, a restart) and nothing else would notice: a second run could then take the lock
// and write alongside this one. So a second connection asks the server, every 5 s, which
// connection holds the lock; any answer but ours, an error, or no answer in time means lost.
// The check runs on its own connection rather than the holder's so that the holder stays idle:
// its PROCESSLIST TIME is how long the lock has been held, which a refused run shows (lock.ts).
// The watcher never reconnects: a new session could not tell a restarted server (which reuses
// connection ids) from the one the lock was taken on. Where the holder's Db can say at once that
// its connection ended (onLost, below), that is heard too, without waiting for the next check.
import type { Db } from "../db.ts";
import { logger } from "../../log.ts";

const log = logger("lock");

export interface LockWatchOptions {
  /** Time between two checks. */
  intervalMs: number;
  /** A check with no answer by then counts as a lost lock (the connection may hang on a dead network). */
  answerWithinMs: number;
}

/**
 * Every 5 s (a KILL or restart is heard at once through onLost; the check covers what the holder
 * cannot see, such as a silent network); no answer for 10 s requests the stop (a rerun is cheap,
 * two writers are not), which takes effect at the next batch boundary.
 */
export const DEFAULT_LOCK_WATCH: LockWatchOptions = { intervalMs: 5000, answerWithinMs: 10_000 };

/** What one check saw: IS_USED_LOCK's answer, the check's error, or no answer in time. */
export type LockCheck = { holder: number | null } | { error: string } | { noAnswerMs: number };

/** Why the lock held by connection `ours` is lost, given one check; undefined while it is still ours. */
export function lockLostBecause(check: LockCheck, ours: number): string | undefined {
  if ("error" in check) return `could not check it: ${check.error}`;
  if ("noAnswerMs" in check) return `no answer to a check of it within ${check.noAnswerMs / 1000} s`;
  if (check.holder === ours) return undefined;
  if (check.holder === null) return `its connection ${ours} closed: the server lists no holder`;
  return `its connection ${ours} lost it: connection ${check.holder} holds it now`;
}

/**
 * A Db that calls `listener` once when its connection ends other than by close() (a KILL, a
 * restart, a dropped network), at once if it already has: MysqlDb.onLost, where mysql.ts has it.
 */
export interface LossNotifier {
  onLost?(listener: (cause?: Error) => void): void;
}

/** The lock to watch: its name, the connection holding it, and a second connection to check from (closed by stop()). */
export interface WatchedLock {
  name: string;
  holder: Db & LossNotifier;
  holderId: number;
  watcher: Db;
}

export interface LockWatch {
  /** Stop checking and close the watching connection; call before releasing the lock. */
  stop(): Promise<void>;
}

/**
 * Check every `intervalMs`, on `lock.watcher`, that connection `lock.holderId` still holds
 * `lock.name`; the first time it does not, or the holder's connection ends, call `onLost(reason)`
 * (once) and stop checking.
 */
export function watchRunLock(lock: WatchedLock, onLost: (reason: string) => void, options: LockWatchOptions = DEFAULT_LOCK_WATCH): LockWatch {
  const { name, holderId, watcher } = lock;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const lost = (reason: string) => {
    if (stopped) return;
    stopped = true;
    log.debug(`lock ${name} lost: ${reason}`);
    onLost(reason);
  };

  const check = async (): Promise<void> => {
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const noAnswer = new Promise<LockCheck>((resolve) => {
      deadline = setTimeout(() => resolve({ noAnswerMs: options.answerWithinMs }), options.answerWithinMs);
      deadline.unref?.();
    });
    const answer = watcher
      .query<{ holder: number | string | null }>("SELECT IS_USED_LOCK(?) AS holder", [name])
      .then(
        ([row]): LockCheck => ({ holder: row?.holder === null || row?.holder === undefined ? null : Number(row.holder) }),
        (err): LockCheck => ({ error: (err as Error).message }),
      );
    const seen = await Promise.race([answer, noAnswer]);
    clearTimeout(deadline);
    if (stopped) return; // released meanwhile: an answer about a lock we gave up means nothing
    const reason = lockLostBecause(seen, holderId);
    if (reason) return lost(reason);
    schedule();
  };

  const schedule = () => {
    timer = setTimeout(check, options.intervalMs);
    // The watch never keeps the process alive on its own.
    timer.unref?.();
  };
  schedule();
  lock.holder.onLost?.((cause) => lost(`its connection ${holderId} closed${cause ? `: ${cause.message}` : ""}`));

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      // A close waits for a check in flight and for the server; on a dead network, for ever.
      await Promise.race([watcher.close().catch(() => {}), Bun.sleep(1000)]);
    },
  };
}
