// The run lock against the test bed's primary: one holder at a time, a refusal that says who
// and since when (exit 75), release by RELEASE_LOCK or by closing the holder's connection.
import { afterEach, describe, expect, test } from "bun:test";
import { MysqlDb } from "../../../src/engine/mysql/mysql-db.ts";
import { LockHeldError } from "../../../src/errors.ts";
import { acquireRunLock, runLockName } from "../../../src/engine/mysql/advisory-lock.ts";
import { type RunLock } from "../../../src/engine/engine.ts";
import { connect, servers } from "../../support/servers.ts";

const opened: MysqlDb[] = [];
let counter = 0;

/** A warehouse name unique to this test (the lock is server-wide; the database need not exist). */
const warehouse = () => `dw_lock_${process.pid}_${++counter}`;

async function session(user = "root"): Promise<MysqlDb> {
  const db =
    user === "root"
      ? await connect(servers().primary)
      : await MysqlDb.connect({ kind: "mysql", host: "127.0.0.1", port: servers().primary.port, user, database: "", sslMode: "DISABLED" });
  opened.push(db);
  return db;
}

async function connectionId(db: MysqlDb): Promise<number> {
  const [{ id }] = await db.query<{ id: number }>("SELECT CONNECTION_ID() AS id");
  return Number(id);
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

describe("acquireRunLock", () => {
  test("a second run is refused with exit 75, who holds the lock and since when; after release it acquires", async () => {
    const dw = warehouse();
    const first = await session();
    const second = await session();
    const lock = await acquireRunLock(first, dw);
    expect(lock.name).toBe(`serverdb_etl.${dw}`);
    await Bun.sleep(1100); // so "since" is measurably in the past

    const before = Date.now();
    const err = await acquireRunLock(second, dw).catch((e) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect(err.exitCode).toBe(75);
    const id = await connectionId(first);
    const m = err.message.match(
      /^another serverdb-etl run holds the lock on (\S+) since (\S+Z) \((\d+)s ago; connection (\d+) from root@127\.0\.0\.1:\d+\); wait for it to finish or check for a stuck process$/,
    );
    expect(m).not.toBeNull();
    expect(m[1]).toBe(dw);
    expect(Number(m[4])).toBe(id);
    const ago = Number(m[3]);
    expect(ago).toBeGreaterThanOrEqual(1);
    expect(ago).toBeLessThan(5);
    const since = Date.parse(m[2]);
    expect(before - since).toBeGreaterThanOrEqual(900);
    expect(before - since).toBeLessThan(5000);

    await lock.release();
    await lock.release(); // idempotent
    const again = await acquireRunLock(second, dw);
    const [{ holder }] = await first.query<{ holder: number }>("SELECT IS_USED_LOCK(?) AS holder", [again.name]);
    expect(Number(holder)).toBe(await connectionId(second));
    await again.release();
  });

  test("closing the holder's connection (a dead process) frees the lock", async () => {
    const dw = warehouse();
    const first = await session();
    const second = await session();
    await acquireRunLock(first, dw);
    await expect(acquireRunLock(second, dw)).rejects.toBeInstanceOf(LockHeldError);
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    // The server notices the closed connection asynchronously: allow it a moment.
    let lock: RunLock | undefined;
    for (let i = 0; i < 40 && !lock; i++) {
      lock = await acquireRunLock(second, dw).catch(() => undefined);
      if (!lock) await Bun.sleep(50);
    }
    expect(lock?.name).toBe(`serverdb_etl.${dw}`);
    await lock!.release();
  });

  test("locks on different warehouses do not collide", async () => {
    const a = await session();
    const b = await session();
    const la = await acquireRunLock(a, warehouse());
    const lb = await acquireRunLock(b, warehouse());
    expect(la.name).not.toBe(lb.name);
    await Promise.all([la.release(), lb.release()]);
  });

  test("a user who may not see the holder's thread (no PROCESS) still gets the connection id", async () => {
    const dw = warehouse();
    const holder = await session();
    await acquireRunLock(holder, dw);
    const ro = await session("ro");
    const err = await acquireRunLock(ro, dw).catch((e) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect(err.message).toBe(
      `another serverdb-etl run holds the lock on ${dw} (held by connection ${await connectionId(holder)}; ` +
        "this user may not see its details, GRANT PROCESS to see them); wait for it to finish or check for a stuck process",
    );
  });

  test("the lock connection's wait_timeout is raised so an idle holder is not dropped mid-run", async () => {
    const db = await session();
    await db.execute("SET SESSION wait_timeout = 60");
    const lock = await acquireRunLock(db, warehouse());
    const [{ t }] = await db.query<{ t: number }>("SELECT @@SESSION.wait_timeout AS t");
    expect(Number(t)).toBe(7 * 24 * 3600);
    await lock.release();
  });
});

describe("runLockName", () => {
  test("short names are serverdb_etl.<database>; 64-character databases still give ≤ 64 distinct names", () => {
    expect(runLockName("serverdb_dw")).toBe("serverdb_etl.serverdb_dw");
    const a = runLockName("a".repeat(63) + "x");
    const b = runLockName("a".repeat(63) + "y");
    expect(a.length).toBe(64);
    expect(b.length).toBe(64);
    expect(a).not.toBe(b);
    expect(a.startsWith("serverdb_etl.aaaa")).toBe(true);
  });
});
